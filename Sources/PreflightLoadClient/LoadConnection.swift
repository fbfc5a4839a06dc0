import CORSPolicy
import InternalByteUtilities
import NIOCore
import NIOPosix

/// One of `load`'s connections: sends a request, reads and checks its
/// response, records it, and sends the next, reconnecting when the server
/// closes or stalls. Lives on one event loop.
///
/// `@unchecked Sendable` is safe: created on `loop` and, like its results,
/// only touched there (the bootstrap, handler and timers it uses all run
/// on `loop`, the channel's own event loop).
final class LoadConnection: @unchecked Sendable {
    let run: LoadRun
    let results: LoopResults
    let loop: any EventLoop
    let interval: TimeAmount?
    let finished: EventLoopPromise<Void>
    // The state below is touched only on `loop`, one call at a time, and no
    // access to a property overlaps another to the same one (none is passed
    // inout into a closure that touches it again): the runtime's
    // exclusivity checks, a twelfth of the client's instructions per
    // request, are off for these.
    @exclusivity(unchecked) private var next: Int
    @exclusivity(unchecked) private var intended: NIODeadline
    @exclusivity(unchecked) private var channel: (any Channel)?
    /// Bytes of an answer that came in pieces (or past one), until it is whole.
    @exclusivity(unchecked) private var received: ByteBuffer?
    /// The request being sent, reused (cleared) for every request.
    @exclusivity(unchecked) private var outgoing: ByteBuffer?
    /// Where `ResponseHead.withValues` joins a field sent on several lines.
    @exclusivity(unchecked) private var joinedValues: [UInt8] = []
    /// The request in flight: its stream index, when it counts from, and
    /// whether it is already a retry.
    @exclusivity(unchecked) private var inFlight: Request?
    /// A request to send again as soon as the new connection is up.
    @exclusivity(unchecked) private var retry: Request?
    /// Checks the request in flight against the timeout, a few times per
    /// timeout: one task for the connection's life, not one per request.
    @exclusivity(unchecked) private var watchdog: RepeatedTask?
    @exclusivity(unchecked) private var done = false

    init(run: LoadRun, results: LoopResults, loop: any EventLoop, firstIndex: Int, interval: TimeAmount?, firstSend: NIODeadline,
         finished: EventLoopPromise<Void>) {
        self.run = run
        self.results = results
        self.loop = loop
        self.interval = interval
        self.finished = finished
        next = firstIndex
        intended = firstSend
    }

    /// Opens the first connection, and makes sure the connection ends
    /// shortly after the measured window whatever the server does.
    func start() {
        let timeout = TimeAmount.nanoseconds(Int64(run.configuration.timeout * 1e9))
        if run.configuration.requests == nil {
            loop.scheduleTask(deadline: run.measureUntil + timeout) { self.finish() }
        }
        // A request times out between one and 1.25 timeouts after it was sent.
        let period = TimeAmount.nanoseconds(max(1_000_000, timeout.nanoseconds / 4))
        watchdog = loop.scheduleRepeatedTask(initialDelay: period, delay: period) { [self] _ in
            if let request = inFlight, NIODeadline.now() - request.sent >= timeout { timedOut() }
        }
        connect()
    }

    func connect() {
        guard !done else { return }
        let target = run.configuration.target
        ClientBootstrap(group: loop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(LoadHandler(connection: self)) }
            }
            .connect(host: target.host, port: target.port)
            .whenComplete { [self] result in
                switch result {
                case let .success(channel):
                    self.channel = channel
                    self.received = channel.allocator.buffer(capacity: 1024)
                    self.outgoing = channel.allocator.buffer(capacity: 512)
                    if let request = retry {
                        retry = nil
                        transmit(request)
                    } else {
                        sendWhenDue()
                    }
                case .failure:
                    count("connect")
                    // A refusing server must not end the run at once nor be hammered.
                    if NIODeadline.now() < run.measureUntil && run.configuration.requests == nil {
                        loop.scheduleTask(in: .milliseconds(100)) { self.connect() }
                    } else {
                        finish()
                    }
                }
            }
    }

    /// Sends now (closed loop, or open loop behind schedule) or at the next intended time.
    private func sendWhenDue() {
        guard interval != nil else { return send(from: .now()) }
        let now = NIODeadline.now()
        if intended <= now { return send(from: intended) }
        let at = intended
        loop.scheduleTask(deadline: at) { self.send(from: at) }
    }

    private func send(from start: NIODeadline) {
        guard !done, channel != nil, inFlight == nil else { return }
        guard run.mayIssue(at: .now()) else { return finish() }
        let index = next & run.stream.mask
        next &+= 1
        if let interval { intended = start + interval }
        transmit(Request(index: index, from: start, sent: start, isRetry: false))
    }

    private func transmit(_ request: Request) {
        guard let channel, var buffer = outgoing else { return }
        let index = request.index
        // Unique again once the last request's write went out, so clearing
        // keeps the storage (otherwise it takes new storage: still correct).
        outgoing = nil
        buffer.clear()
        run.stream.withRequest(index) { origin, method, headers in
            buffer.writeRequest(line: run.requestLine, origin: origin, method: method, headers: headers)
        }
        var request = request
        request.sent = .now()
        inFlight = request
        outgoing = buffer
        channel.writeAndFlush(buffer, promise: nil)
    }

    func read(_ bytes: inout ByteBuffer) {
        guard inFlight != nil else { return }
        // Most answers arrive whole in one read: parse them where they lie.
        if received!.readableBytes == 0 {
            let step = bytes.withUnsafeReadableBytes { take($0) }
            if case .incomplete = step { received!.writeBuffer(&bytes) } else {
                bytes.moveReaderIndex(forwardBy: step.consumed)
                if bytes.readableBytes > 0 { received!.writeBuffer(&bytes) }
            }
            return proceed(step)
        }
        received!.writeBuffer(&bytes)
        let step = received!.withUnsafeReadableBytes { take($0) }
        received!.moveReaderIndex(forwardBy: step.consumed)
        received!.discardReadBytes()
        proceed(step)
    }

    /// What one read did to the request in flight.
    private enum Step {
        case incomplete
        /// The answer was whole: `consumed` bytes, and whether the server closes.
        case answered(consumed: Int, close: Bool)
        case failed(String)

        var consumed: Int { if case let .answered(consumed, _) = self { consumed } else { 0 } }
    }

    /// Parses and, when whole, records and checks the answer at the start of `bytes`.
    private func take(_ bytes: UnsafeRawBufferPointer) -> Step {
        switch ResponseHead.parse(bytes) {
        case .incomplete:
            return .incomplete
        case .malformed:
            return .failed("malformed-response")
        case let .complete(head):
            // Preflight answers are small and framed by content-length (or have no body).
            if head.chunked || (head.contentLength == nil && head.status != 204 && head.status != 304 && !(100..<200).contains(head.status)) {
                return .failed("unsupported-framing")
            }
            let total = head.headLength &+ (head.contentLength ?? 0)
            guard bytes.count >= total else { return .incomplete }
            completed(head, bytes)
            return .answered(consumed: total, close: head.connectionClose)
        }
    }

    private func proceed(_ step: Step) {
        switch step {
        case .incomplete: return
        case let .failed(kind): reconnect(counting: kind)
        case let .answered(_, close):
            if close { return reconnect(counting: nil) }
            sendWhenDue()
        }
    }

    /// Records the response in flight and checks it against the policy.
    private func completed(_ head: ResponseHead, _ bytes: UnsafeRawBufferPointer) {
        let request = inFlight!
        inFlight = nil
        let now = NIODeadline.now()
        if now >= run.measureFrom && now <= run.measureUntil {
            results.result.responses += 1
            results.result.latency.record(UInt64(max(0, (now - request.from).nanoseconds)))
        }
        do {
            run.stream.withRequest(request.index) { origin, method, headers in
                let allowed = run.evaluator.evaluate(origin: origin, method: method, requestHeaders: headers).isAllowed
                let outcome = head.browserOutcome(bytes, scratch: &joinedValues, rules: .fetchStandard, origin: origin, method: method,
                                                  requestHeaders: headers, credentials: run.credentials)
                results.result.checked += 1
                if outcome.isAccepted == allowed {
                    results.result.conforming += 1
                } else if results.result.mismatches.count < run.configuration.mismatchesKept {
                    let text = { (b: UnsafeRawBufferPointer) in String(decoding: b, as: UTF8.self) }
                    let request = "OPTIONS origin: \(text(origin)), method: \(text(method))" + (headers.map { ", headers: \(text($0))" } ?? "")
                    let browsers = head.browserDifferences(from: outcome, bytes, origin: origin, method: method, requestHeaders: headers,
                                                           credentials: run.credentials)
                    results.result.mismatches.append(.init(request: request, response: text(UnsafeRawBufferPointer(rebasing: bytes[..<min(head.headLength, 2048)])),
                                                           policyAllows: allowed, browser: outcome, browsers: browsers))
                }
            }
        }
    }

    private func timedOut() {
        guard inFlight != nil else { return }
        reconnect(counting: "timeout")
    }

    /// The channel closed. Between requests (a server closing an idle
    /// connection while an open-loop connection waits for its next send
    /// time) that is no error, but the connection is needed again.
    ///
    /// With a request in flight and not one byte of its answer read, the
    /// server most likely closed the idle connection as the request crossed
    /// it: the request is sent once more on a new connection, as HTTP
    /// clients do for idempotent methods such as OPTIONS (RFC 9112 section
    /// 9.3.1), and counted as a retry; its latency still counts from the
    /// first send. A second close, or a close mid-answer, is an error.
    /// Channels this connection closed itself, or replaced, are ignored.
    func closed(_ closedChannel: any Channel) {
        guard let current = channel, current === closedChannel else { return }
        if let request = inFlight, !request.isRetry, received?.readableBytes == 0 {
            results.result.retries += 1
            retry = Request(index: request.index, from: request.from, sent: request.sent, isRetry: true)
            return reconnect(counting: nil)
        }
        reconnect(counting: inFlight != nil ? "closed" : nil)
    }

    private func count(_ kind: String) { results.result.errors[kind, default: 0] += 1 }

    /// Drops the connection (counting why, if it failed) and opens a new one.
    private func reconnect(counting kind: String?) {
        if let kind { count(kind) }
        inFlight = nil
        if kind != nil { retry = nil }
        let old = channel
        channel = nil
        old?.close(promise: nil)
        if done { return }
        if run.configuration.requests == nil && NIODeadline.now() >= run.measureUntil { return finish() }
        connect()
    }

    private func finish() {
        guard !done else { return }
        done = true
        watchdog?.cancel()
        channel?.close(promise: nil)
        channel = nil
        finished.succeed(())
    }
}

extension LoadConnection {
    /// A request of the stream on the wire.
    struct Request {
        var index: Int
        var from: NIODeadline
        /// When it went on the wire (the watchdog's reference).
        var sent: NIODeadline
        var isRetry: Bool
    }
}

/// The pipeline's end: hands bytes and closure to its `LoadConnection`.
final class LoadHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let connection: LoadConnection

    init(connection: LoadConnection) { self.connection = connection }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        connection.read(&bytes)
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.closed(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

extension ByteBuffer {
    static let methodName: StaticString = "\r\naccess-control-request-method: "
    static let headersName: StaticString = "\r\naccess-control-request-headers: "
    static let headEnd: StaticString = "\r\n\r\n"

    /// Appends a preflight's head in one reservation and one pass of
    /// copies: the request line and host (`line`, which ends in `origin: `),
    /// the origin, the method, the header list when there is one.
    mutating func writeRequest(line: [UInt8], origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer,
                               headers: UnsafeRawBufferPointer?) {
        let size = line.count + origin.count + Self.methodName.utf8CodeUnitCount + method.count
            + (headers.map { Self.headersName.utf8CodeUnitCount + $0.count } ?? 0) + Self.headEnd.utf8CodeUnitCount
        writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
            var at = 0
            func put(_ bytes: UnsafeRawBufferPointer) {
                guard let from = bytes.baseAddress else { return }
                ByteCopy.copy(out.baseAddress! + at, from, bytes.count)
                at += bytes.count
            }
            func put(_ text: StaticString) { put(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)) }
            line.withUnsafeBytes { put($0) }
            put(origin)
            put(Self.methodName)
            put(method)
            if let headers {
                put(Self.headersName)
                put(headers)
            }
            put(Self.headEnd)
            return at
        }
    }
}
