import CORSPolicy
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix
package import PreflightProbe

/// Sends `probe`'s requests one at a time, each on its own connection
/// (`Connection: close`, so one case's answer never leaks into the next),
/// and reads each response head as browsers read it: the same parser and
/// `BrowserPreflightCheck` that `load` uses, under the Fetch standard's,
/// Chromium's and Firefox's rules, without and with credentials.
package enum ProbeClient {
    /// The longest response head read; a longer one is a failure.
    static let headLimit = 64 << 10

    /// One observation per request, in order. `timeLimit` seconds bound
    /// each exchange, connecting included.
    package static func observe(_ requests: [ProbeRequest], target: HTTPTarget, timeLimit: Double) -> [ProbeObservation] {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        return requests.map { observe($0, target: target, loop: group.next(), timeLimit: timeLimit) }
    }

    enum Exchange: Sendable {
        case head([UInt8])
        case failure(String)
    }

    static func observe(_ request: ProbeRequest, target: HTTPTarget, loop: any EventLoop, timeLimit: Double) -> ProbeObservation {
        let started = NIODeadline.now()
        let limit = TimeAmount.nanoseconds(Int64(timeLimit * 1e9))
        // Every completion runs on `loop`; the first one wins (a promise completes once).
        let promise = loop.makePromise(of: Exchange.self)
        let bytes = requestBytes(request, target: target)
        ClientBootstrap(group: loop)
            .connectTimeout(limit)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(HeadCollector(promise: promise)) }
            }
            .connect(host: target.host, port: target.port)
            .whenComplete { result in
                switch result {
                case let .failure(error):
                    promise.succeed(.failure("connect: \(connectFailure(error))"))
                case let .success(channel):
                    channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
                    let timer = loop.scheduleTask(deadline: started + limit) {
                        promise.succeed(.failure("timeout"))
                        channel.close(promise: nil)
                    }
                    promise.futureResult.whenComplete { _ in timer.cancel() }
                }
            }
        var observation = ProbeObservation()
        let exchange = (try? promise.futureResult.wait()) ?? .failure("closed")
        observation.seconds = Double((NIODeadline.now() - started).nanoseconds) / 1e9
        switch exchange {
        case let .failure(reason):
            observation.failure = reason
        case let .head(head):
            read(head, for: request, into: &observation)
        }
        return observation
    }

    /// Fills `observation` from a complete response head.
    static func read(_ bytes: [UInt8], for request: ProbeRequest, into observation: inout ProbeObservation) {
        bytes.withUnsafeBytes { raw in
            guard case var .complete(head) = ResponseHead.parse(raw) else { observation.failure = "malformed response"; return }
            observation.status = head.status
            observation.head = String(decoding: raw[..<min(head.headLength, 2048)], as: UTF8.self)
            var scratch: [UInt8] = []
            head.withValues(raw, scratch: &scratch) { value in
                observation.allowOrigin = value(.allowOrigin).map { String(decoding: $0, as: UTF8.self) }
                observation.allowCredentials = value(.allowCredentials).map { String(decoding: $0, as: UTF8.self) }
                observation.vary = value(.vary).map { String(decoding: $0, as: UTF8.self) }
            }
            // An actual request's CORS check reads only the origin and credentials
            // fields; its status does not matter, so it is judged as a 200 GET.
            if request.kind == .actual { head.status = 200 }
            var origin = request.origin
            var method = request.kind == .actual ? "GET" : request.method
            var names = request.kind == .actual ? nil : request.combinedRequestHeaders.map(normalizedList)
            origin.withUTF8 { o in
                method.withUTF8 { m in
                    func verdict(_ rules: BrowserPreflightCheck.Rules, _ credentials: Bool, _ n: UnsafeRawBufferPointer?) -> BrowserPreflightCheck.Outcome {
                        head.browserOutcome(raw, scratch: &scratch, rules: rules, origin: UnsafeRawBufferPointer(o), method: UnsafeRawBufferPointer(m),
                                            requestHeaders: n, credentials: credentials)
                    }
                    func all(_ n: UnsafeRawBufferPointer?) {
                        for rules in BrowserPreflightCheck.Rules.allCases {
                            observation.accepted[rules] = (verdict(rules, false, n).isAccepted, verdict(rules, true, n).isAccepted)
                        }
                        observation.standardOutcome = verdict(.fetchStandard, false, n)
                    }
                    if names != nil { names!.withUTF8 { all(UnsafeRawBufferPointer($0)) } } else { all(nil) }
                }
            }
        }
    }

    /// "connection refused" rather than NIO's nested error description.
    static func connectFailure(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError, let io = error.connectionErrors.first?.error as? IOError {
            return String(cString: strerror(io.errnoCode)).lowercased()
        }
        if case ChannelError.connectTimeout = error { return "timed out" }
        return "\(error)"
    }

    /// A header list as a browser would send it: lowercase names, sorted, unique, joined by `,`.
    static func normalizedList(_ list: String) -> String {
        Set(list.split(separator: ",").map { $0.filter { $0 != " " && $0 != "\t" }.lowercased() }.filter { !$0.isEmpty })
            .sorted().joined(separator: ",")
    }

    static func requestBytes(_ request: ProbeRequest, target: HTTPTarget) -> [UInt8] {
        let host = target.host.contains(":") ? "[\(target.host)]" : target.host
        var text = request.kind == .preflight ? "OPTIONS \(target.path) HTTP/1.1\r\n" : "GET \(target.path) HTTP/1.1\r\n"
        text += "Host: \(host):\(target.port)\r\nOrigin: \(request.origin)\r\n"
        if request.kind == .preflight {
            text += "Access-Control-Request-Method: \(request.method)\r\n"
            if let names = request.requestHeaders { text += "Access-Control-Request-Headers: \(names)\r\n" }
        } else {
            // What a credentialed fetch carries; servers that reflect only for cookies show it.
            text += "Cookie: preflight-probe=1\r\n"
        }
        for extra in request.extraHeaders { text += "\(extra.name): \(extra.value)\r\n" }
        text += "User-Agent: preflight-bench-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        return Array(text.utf8)
    }
}

/// Collects a response until its head is complete, then hands it over and closes.
final class HeadCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let promise: EventLoopPromise<ProbeClient.Exchange>
    var bytes: [UInt8] = []

    init(promise: EventLoopPromise<ProbeClient.Exchange>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        let parsed = bytes.withUnsafeBytes { ResponseHead.parse($0) }
        switch parsed {
        case .complete: promise.succeed(.head(bytes))
        case let .malformed(why): promise.succeed(.failure("malformed response (\(why))"))
        case .incomplete:
            guard bytes.count > ProbeClient.headLimit else { return }
            promise.succeed(.failure("response head over \(ProbeClient.headLimit) bytes"))
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.succeed(.failure("closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.succeed(.failure("error (\(error))"))
        context.close(promise: nil)
    }
}
