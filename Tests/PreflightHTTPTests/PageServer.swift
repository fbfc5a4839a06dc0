import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix


/// The page's origin in the browser test: serves one HTML page at `/`,
/// receives the page's report at `POST /report`, and holds `GET /wait`
/// until the report has arrived, so that the page's load event (which
/// waits for that image) and with it chromium's `--dump-dom` exit come
/// only after every fetch has been made and reported.
final class PageServer: Sendable {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: any Channel
    private let state = PageState()
    let port: Int

    init(page: String) throws {
        let state = self.state
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(PageHandler(page: page, state: state))
                }
            }
        channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress!.port!
    }

    /// The report's body, once the page has posted it.
    var report: String? { state.report.withLockedValue { $0 } }

    func shutdown() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}

/// The report, and the `/wait` responses parked until it comes. A pthread
/// mutex (through `NIOLockedValueBox`) because ThreadSanitizer misreads
/// `Synchronization.Mutex` (cors-facts.md section 9).
final class PageState: Sendable {
    let report = NIOLockedValueBox<String?>(nil)
    let waiting = NIOLockedValueBox<[@Sendable () -> Void]>([])

    func deliver(_ body: String) {
        report.withLockedValue { $0 = body }
        for release in waiting.withLockedValue({ w in defer { w = [] }; return w }) { release() }
    }

    /// Calls `release` once the report is in (at once if it already is).
    func whenReported(_ release: @escaping @Sendable () -> Void) {
        let now = waiting.withLockedValue { w -> Bool in
            if report.withLockedValue({ $0 }) != nil { return true }
            w.append(release)
            return false
        }
        if now { release() }
    }
}

final class PageHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let page: String
    let state: PageState
    private var head: HTTPRequestHead?
    private var body = ""

    init(page: String, state: PageState) {
        self.page = page
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(h): head = h; body = ""
        case var .body(bytes): body += bytes.readString(length: bytes.readableBytes) ?? ""
        case .end:
            guard let head else { return }
            switch (head.method, head.uri) {
            case (.POST, "/report"):
                state.deliver(body)
                respond(context, "text/plain", "thanks")
            case (.GET, "/wait"):
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                state.whenReported { [eventLoop = context.eventLoop] in
                    eventLoop.execute { let (handler, context) = loopBound.value; handler.respond(context, "image/gif", "") }
                }
            case (.GET, "/"):
                respond(context, "text/html; charset=utf-8", page)
            default:
                respond(context, "text/plain", "not found", status: .notFound)
            }
        }
    }

    func respond(_ context: ChannelHandlerContext, _ type: String, _ text: String, status: HTTPResponseStatus = .ok) {
        var headers = HTTPHeaders([("content-type", type), ("content-length", String(text.utf8.count)), ("cache-control", "no-store")])
        headers.add(name: "connection", value: "keep-alive")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
