import CORSPolicy
import InternalByteUtilities
import JSONValue
import NIOCore
import PreflightCache

/// Reads each request on one connection from its bytes and answers it: a
/// preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`)
/// from the engine or cache, any other request as an application behind the
/// policy would, and the statistics path with the counters as JSON.
///
/// The head is parsed in place (`RequestHead`), the origin, method and
/// header list go to the decider as bytes, and the answer is written as
/// bytes by `PreflightResponseWriter` into one outbound buffer per read
/// batch, written and flushed once: pipelined requests share one write, and
/// a steady connection reuses the buffer's storage, so a preflight costs no
/// allocation. Bodies are consumed by their framing (`RequestBody`), never kept.
final class PreflightRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The path of the statistics (cache counters and requests by kind).
    static let statisticsPath = "/.well-known/preflight-bench/stats"

    private let service: PreflightService
    private let limits: RequestHead.Limits
    // The handler's state is touched only on its channel's event loop, one
    // call at a time, and no access to a property overlaps another to the
    // same one (none is passed inout into a closure that touches it again):
    // the runtime's exclusivity checks, a tenth of the server's instructions
    // per request, are off for these.
    @exclusivity(unchecked) private var date = DateLine()
    /// Input not yet consumed (a partial head or body), kept across reads.
    @exclusivity(unchecked) private var input: ByteBuffer?
    /// Responses of this read batch, written at its end.
    @exclusivity(unchecked) private var output: ByteBuffer?
    @exclusivity(unchecked) private var body = RequestBody.none
    /// Whether the request whose body is being read keeps the connection.
    @exclusivity(unchecked) private var keepAlive = true
    /// Where several `Access-Control-Request-Headers` lines are joined (reused).
    @exclusivity(unchecked) private var joinedHeaders: [UInt8] = []
    @exclusivity(unchecked) private var closing = false

    /// The connection's header and idle timeouts, told of every read and request.
    private let deadlines: ConnectionDeadlines

    init(service: PreflightService, limits: RequestHead.Limits, headerTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.service = service
        self.limits = limits
        deadlines = ConnectionDeadlines(headerTimeout: headerTimeout, idleTimeout: idleTimeout, counters: service.counters)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { deadlines.start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        service.counters.connections.wrappingAdd(1, ordering: .relaxed)
        deadlines.start(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadlines.stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadlines.stop()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        deadlines.read()
        var incoming = unwrapInboundIn(data)
        if input == nil || input!.readableBytes == 0 {
            input = incoming
        } else {
            input!.writeBuffer(&incoming)
        }
        process(context: context)
    }

    /// Answers every complete request in `input`, in order.
    private func process(context: ChannelHandlerContext) {
        while !closing, var buffer = input, buffer.readableBytes > 0 {
            input = nil  // keeps `buffer` uniquely referenced while it is read
            let consumed: Int? = buffer.withUnsafeReadableBytes { bytes in
                if body != .none {
                    switch body.consume(bytes) {
                    case let .consumed(n):
                        if body == .none { finishRequest(context: context) }
                        return n
                    case .malformed:
                        // Its answer is already written: no second one, the connection just closes.
                        closing = true
                        service.counters.badRequests.wrappingAdd(1, ordering: .relaxed)
                        flushOutput(context: context)
                        context.close(promise: nil)
                        return nil
                    }
                }
                switch RequestHead.parse(bytes, limits: limits) {
                case .incomplete:
                    return 0
                case .tooLarge:
                    refuse("431 Request Header Fields Too Large", context: context)
                    return nil
                case .malformed:
                    refuse("400 Bad Request", context: context)
                    return nil
                case let .complete(head):
                    deadlines.headComplete()
                    respond(to: head, in: bytes, context: context)
                    keepAlive = head.keepAlive
                    body = head.chunked ? .chunkSize : head.contentLength.map { $0 > 0 ? .length($0) : .none } ?? .none
                    if body == .none { finishRequest(context: context) }
                    return head.length
                }
            }
            guard let consumed else { return }
            buffer.moveReaderIndex(forwardBy: consumed)
            input = buffer
            if consumed == 0 { break }
        }
        if input?.readableBytes == 0 { input = nil }
        if input != nil && body == .none { deadlines.headPending() }
    }

    /// The request's last byte is in: a request that asked to close the connection closes it.
    private func finishRequest(context: ChannelHandlerContext) {
        deadlines.requestEnded()
        if !keepAlive {
            closing = true
            flushOutput(context: context)
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { [channel = context.channel] _ in
                channel.close(promise: nil)
            }
        }
        keepAlive = true
    }

    /// Backpressure: a client that sends requests without reading the
    /// responses would make them pile up in memory. Once NIO's outbound
    /// buffer passes its high-water mark, the connection stops reading until
    /// the client has taken its responses.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let writable = context.channel.isWritable
        if !writable { service.counters.readPauses.wrappingAdd(1, ordering: .relaxed) }
        context.channel.setOption(ChannelOptions.autoRead, value: writable).whenFailure { _ in }
        if writable { context.read() }
        context.fireChannelWritabilityChanged()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushOutput(context: context)
        context.fireChannelReadComplete()
    }

    private func flushOutput(context: ChannelHandlerContext) {
        guard (output?.readableBytes ?? 0) > 0 else { return }
        context.writeAndFlush(wrapOutboundOut(output!), promise: nil)
        // Cleared, not dropped: once NIO has written it, the storage is this
        // handler's alone again and the next batch reuses it (no local copy
        // may outlive the write, or clearing would copy the storage).
        output!.clear()
    }

    /// A request that cannot be read: 431 for a head over the limits, 400
    /// for anything else malformed, then the connection closes (its framing
    /// can no longer be trusted).
    private func refuse(_ status: StaticString, context: ChannelHandlerContext) {
        closing = true
        service.counters.badRequests.wrappingAdd(1, ordering: .relaxed)
        flushOutput(context: context)
        var buffer = context.channel.allocator.buffer(capacity: 96)
        buffer.writeStaticString("HTTP/1.1 ")
        buffer.writeStaticString(status)
        buffer.writeStaticString("\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closing = true
        context.close(promise: nil)
    }

    /// Writes the answer to `head` (whose ranges index `bytes`) into `output`.
    private func respond(to head: RequestHead, in bytes: UnsafeRawBufferPointer, context: ChannelHandlerContext) {
        let close = !head.keepAlive
        if head.expectsContinue && head.hasBody && !head.isHTTP10 { append(Self.continueLine, context: context) }
        func slice(_ r: Range<Int>) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[r]) }
        if head.method == .get && RequestHead.equals(bytes, head.target, Self.statisticsPathText) {
            statisticsResponse(context: context, close: close)
        } else if !service.corsEnabled {
            plainResponse(context: context, close: close, isHead: head.method == .head)
            service.counters.actualRequests.wrappingAdd(1, ordering: .relaxed)
        } else if head.method == .options, let origin = head.origin, let method = head.requestMethod {
            // Several Origin or method lines make no single value: the engine denies an empty one.
            let o = head.origins > 1 ? slice(0..<0) : slice(origin)
            let m = head.requestMethods > 1 ? slice(0..<0) : slice(method)
            if head.requestHeaderLines > 1 {
                // Several lines are one list (RFC 9110 section 5.3), joined once here.
                joinRequestHeaderLines(bytes, head: head)
                joinedHeaders.withUnsafeBytes { preflightResponse(origin: o, method: m, requestHeaders: $0, context: context, close: close) }
            } else {
                preflightResponse(origin: o, method: m, requestHeaders: head.requestHeaders.map(slice), context: context, close: close)
            }
        } else {
            actualResponse(origin: head.origin.map(slice), context: context, close: close, isHead: head.method == .head)
        }
    }

    static let continueLine: StaticString = "HTTP/1.1 100 Continue\r\n\r\n"
    static let statisticsPathText: StaticString = "/.well-known/preflight-bench/stats"

    private func joinRequestHeaderLines(_ bytes: UnsafeRawBufferPointer, head: RequestHead) {
        joinedHeaders.removeAll(keepingCapacity: true)
        var line = 0
        while line < head.length {
            var end = line
            while end + 1 < head.length && !(bytes[end] == 0x0D && bytes[end + 1] == 0x0A) { end += 1 }
            let field = UnsafeRawBufferPointer(rebasing: bytes[line..<end])
            if field.count > 31, let colon = field.firstIndex(of: UInt8(ascii: ":")), colon == 30,
               ASCIICase.equal(UnsafeRawBufferPointer(rebasing: field[..<colon]), lowercase: "access-control-request-headers") {
                var s = colon + 1, e = field.count
                while s < e && (field[s] == 0x20 || field[s] == 0x09) { s += 1 }
                while e > s && (field[e - 1] == 0x20 || field[e - 1] == 0x09) { e -= 1 }
                if !joinedHeaders.isEmpty { joinedHeaders.append(UInt8(ascii: ",")) }
                joinedHeaders.append(contentsOf: field[s..<e])
            }
            line = end + 2
        }
    }

    private func append(_ text: StaticString, context: ChannelHandlerContext) {
        reserve(text.utf8CodeUnitCount, context: context)
        output!.writeStaticString(text)
    }

    /// Makes room for `count` more bytes in `output`.
    private func reserve(_ count: Int, context: ChannelHandlerContext) {
        if output == nil { output = context.channel.allocator.buffer(capacity: max(4096, count)) }
        output!.reserveCapacity(minimumWritableBytes: count)
    }

    private func preflightResponse(origin o: UnsafeRawBufferPointer, method m: UnsafeRawBufferPointer, requestHeaders h: UnsafeRawBufferPointer?,
                                   context: ChannelHandlerContext, close: Bool) {
        let writer = service.writer, decider = service.decider.unsafelyUnwrapped, counters = service.counters
        let reason = decider.decide(origin: o, method: m, requestHeaders: h)
        counters.preflights.wrappingAdd(1, ordering: .relaxed)
        if reason == .allowed { counters.allowedPreflights.wrappingAdd(1, ordering: .relaxed) }
        date.withCurrentLine { dateLine in
            let capacity = writer.capacity(originCount: o.count, methodCount: m.count, requestHeadersCount: h?.count ?? 0, extraCount: dateLine.count)
            reserve(capacity, context: context)
            output!.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { out in
                writer.writePreflight(PreflightDecision(reason: reason), origin: o, method: m, requestHeaders: h,
                                      connectionClose: close, extraHeaderLines: dateLine, into: out) ?? 0
            }
        }
    }

    private func actualResponse(origin: UnsafeRawBufferPointer?, context: ChannelHandlerContext, close: Bool, isHead: Bool) {
        let writer = service.writer, evaluator = service.evaluator
        service.counters.actualRequests.wrappingAdd(1, ordering: .relaxed)
        let o = origin ?? UnsafeRawBufferPointer(start: nil, count: 0)
        let allowed = origin != nil && evaluator.allowsOrigin(o)
        date.withCurrentLine { dateLine in
            let capacity = writer.capacity(originCount: o.count, methodCount: 0, requestHeadersCount: 0, extraCount: dateLine.count)
            reserve(capacity, context: context)
            output!.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { out in
                let n = writer.writeActual(originAllowed: allowed, origin: o, connectionClose: close, extraHeaderLines: dateLine, into: out) ?? 0
                // A HEAD response has the GET response's head and no body.
                return isHead ? n - PreflightResponseWriter.actualBody.utf8.count : n
            }
        }
    }

    /// `--cors off`: the same small 200 for every request, no CORS headers.
    private func plainResponse(context: ChannelHandlerContext, close: Bool, isHead: Bool) {
        reserve(160, context: context)
        output!.writeStaticString("HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 3\r\n")
        if close { output!.writeStaticString("connection: close\r\n") }
        date.withCurrentLine { _ = output!.writeBytes($0) }
        output!.writeStaticString("\r\n")
        if !isHead { output!.writeStaticString("ok\n") }
    }

    private func statisticsResponse(context: ChannelHandlerContext, close: Bool) {
        let body = Array(Self.statistics(service).jsonText.utf8) + [0x0A]
        reserve(body.count + 160, context: context)
        output!.writeString("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncache-control: no-store\r\ncontent-length: \(body.count)\r\n")
        if close { output!.writeStaticString("connection: close\r\n") }
        date.withCurrentLine { _ = output!.writeBytes($0) }
        output!.writeStaticString("\r\n")
        output!.writeBytes(body)
    }

    /// The statistics document: requests by kind and the cache's counters.
    static func statistics(_ service: PreflightService) -> JSONValue {
        let s = service.counters.snapshot
        var fields: [(key: String, value: JSONValue)] = [
            ("cors", .bool(service.corsEnabled)),
            ("connections", .int(s.connections)),
            ("preflights", .int(s.preflights)),
            ("allowedPreflights", .int(s.allowedPreflights)),
            ("actualRequests", .int(s.actualRequests)),
            ("badRequests", .int(s.badRequests)),
            ("timeouts", .int(s.timeouts)),
            ("readPauses", .int(s.readPauses)),
        ]
        if let decider = service.decider {
            let c = decider.statistics()
            fields.append(("cache", .object([
                ("lookups", .int(c.lookups)), ("hits", .int(c.hits)), ("misses", .int(c.misses)), ("hitRate", .double(c.hitRate)),
                ("expired", .int(c.expired)), ("evicted", .int(c.evicted)), ("entries", .int(c.entries)), ("bytes", .int(c.bytes)),
            ])))
        }
        return .object(fields)
    }
}
