import CORSPolicy
import InternalByteUtilities
import JSONValue
import NIOCore
import NIOHTTP1
import PreflightCache

/// Answers each request on one connection: a preflight (`OPTIONS` with
/// `Origin` and `Access-Control-Request-Method`) from the engine or cache,
/// any other request as an application behind the policy would, and the
/// statistics path with the counters as JSON.
///
/// Responses are written as bytes by `PreflightResponseWriter` (no
/// `HTTPResponseEncoder`), in request order, and flushed once per read
/// batch, so pipelined requests share one write.
final class PreflightRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    /// The path of the statistics (cache counters and requests by kind).
    static let statisticsPath = "/.well-known/preflight-bench/stats"

    private let service: PreflightService
    private var date = DateLine()
    private var pending: PendingRequest?
    private var closing = false

    init(service: PreflightService) {
        self.service = service
    }

    /// What the head said, kept until the request's end.
    struct PendingRequest {
        enum Kind { case preflight, actual, statistics }
        var kind: Kind
        var origin: String?
        var method = ""
        var requestHeaders: String?
        var keepAlive: Bool
        var isHead: Bool
    }

    func channelActive(context: ChannelHandlerContext) {
        service.counters.connections.wrappingAdd(1, ordering: .relaxed)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case let .head(head):
            context.triggerUserOutboundEvent(RequestProgress.headComplete, promise: nil)
            pending = Self.classify(head)
        case .body:
            break  // bodies are read and dropped: nothing here depends on them
        case .end:
            guard let request = pending else { return }
            pending = nil
            respond(to: request, context: context)
        }
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
        context.flush()
        context.fireChannelReadComplete()
    }

    /// A request the decoder could not read: 431 for a header over the
    /// limits, 400 for anything else malformed, then the connection closes
    /// (its framing can no longer be trusted).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !closing else { return }
        closing = true
        guard let parserError = error as? HTTPParserError else {
            context.close(promise: nil)
            return
        }
        service.counters.badRequests.wrappingAdd(1, ordering: .relaxed)
        let status = parserError == .headerOverflow ? "431 Request Header Fields Too Large" : "400 Bad Request"
        var buffer = context.channel.allocator.buffer(capacity: 96)
        buffer.writeString("HTTP/1.1 \(status)\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }

    static func classify(_ head: HTTPRequestHead) -> PendingRequest {
        var origin: String?, method: String?, requestHeaders: String?
        var origins = 0, methods = 0
        for (name, value) in head.headers {
            if name.utf8.count == 6 && ASCIICase.equal(name.utf8, lowercase: "origin") {
                origins += 1
                origin = value
            } else if name.utf8.count == 29 && ASCIICase.equal(name.utf8, lowercase: "access-control-request-method") {
                methods += 1
                method = value
            } else if name.utf8.count == 30 && ASCIICase.equal(name.utf8, lowercase: "access-control-request-headers") {
                // Several lines are one list (RFC 9110 section 5.3).
                requestHeaders = requestHeaders.map { $0 + "," + value } ?? value
            }
        }
        // Several Origin or method lines make no single value: the engine denies an empty one.
        if origins > 1 { origin = "" }
        if methods > 1 { method = "" }
        let keepAlive = head.isKeepAlive
        if head.method == .GET && head.uri == statisticsPath {
            return PendingRequest(kind: .statistics, keepAlive: keepAlive, isHead: false)
        }
        if head.method == .OPTIONS, let origin, let method {
            return PendingRequest(kind: .preflight, origin: origin, method: method, requestHeaders: requestHeaders, keepAlive: keepAlive, isHead: false)
        }
        return PendingRequest(kind: .actual, origin: origin, keepAlive: keepAlive, isHead: head.method == .HEAD)
    }

    private func respond(to request: PendingRequest, context: ChannelHandlerContext) {
        let close = !request.keepAlive
        var buffer: ByteBuffer
        if request.kind == .statistics {
            buffer = statisticsResponse(context: context, close: close)
        } else if !service.corsEnabled {
            buffer = plainResponse(context: context, close: close, isHead: request.isHead)
            service.counters.actualRequests.wrappingAdd(1, ordering: .relaxed)
        } else if request.kind == .preflight {
            buffer = preflightResponse(request, context: context, close: close)
        } else {
            buffer = actualResponse(request, context: context, close: close)
        }
        context.write(wrapOutboundOut(buffer), promise: nil)
        context.triggerUserOutboundEvent(RequestProgress.responded, promise: nil)
        if close {
            closing = true
            // Flush what was written, then close.
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { [channel = context.channel] _ in
                channel.close(promise: nil)
            }
        }
    }

    private func preflightResponse(_ request: PendingRequest, context: ChannelHandlerContext, close: Bool) -> ByteBuffer {
        var origin = request.origin ?? "", method = request.method
        var requestHeaders = request.requestHeaders
        let writer = service.writer, decider = service.decider.unsafelyUnwrapped, counters = service.counters
        return date.withCurrentLine { dateLine in
            origin.withUTF8 { o in
                method.withUTF8 { m in
                    let o = UnsafeRawBufferPointer(o), m = UnsafeRawBufferPointer(m)
                    func write(_ h: UnsafeRawBufferPointer?) -> ByteBuffer {
                        let reason = decider.decide(origin: o, method: m, requestHeaders: h)
                        counters.preflights.wrappingAdd(1, ordering: .relaxed)
                        if reason == .allowed { counters.allowedPreflights.wrappingAdd(1, ordering: .relaxed) }
                        let capacity = writer.capacity(originCount: o.count, methodCount: m.count, requestHeadersCount: h?.count ?? 0,
                                                       extraCount: dateLine.count)
                        var buffer = context.channel.allocator.buffer(capacity: capacity)
                        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { out in
                            writer.writePreflight(PreflightDecision(reason: reason), origin: o, method: m, requestHeaders: h,
                                                  connectionClose: close, extraHeaderLines: dateLine, into: out) ?? 0
                        }
                        return buffer
                    }
                    guard requestHeaders != nil else { return write(nil) }
                    return requestHeaders!.withUTF8 { write(UnsafeRawBufferPointer($0)) }
                }
            }
        }
    }

    private func actualResponse(_ request: PendingRequest, context: ChannelHandlerContext, close: Bool) -> ByteBuffer {
        var origin = request.origin ?? ""
        let writer = service.writer, evaluator = service.evaluator
        service.counters.actualRequests.wrappingAdd(1, ordering: .relaxed)
        return date.withCurrentLine { dateLine in
            origin.withUTF8 { o in
                let o = UnsafeRawBufferPointer(o)
                let allowed = request.origin != nil && evaluator.allowsOrigin(o)
                let capacity = writer.capacity(originCount: o.count, methodCount: 0, requestHeadersCount: 0, extraCount: dateLine.count)
                var buffer = context.channel.allocator.buffer(capacity: capacity)
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { out in
                    let n = writer.writeActual(originAllowed: allowed, origin: o, connectionClose: close, extraHeaderLines: dateLine, into: out) ?? 0
                    // A HEAD response has the GET response's head and no body.
                    return request.isHead ? n - PreflightResponseWriter.actualBody.utf8.count : n
                }
                return buffer
            }
        }
    }

    /// `--cors off`: the same small 200 for every request, no CORS headers.
    private func plainResponse(context: ChannelHandlerContext, close: Bool, isHead: Bool) -> ByteBuffer {
        var buffer = context.channel.allocator.buffer(capacity: 160)
        buffer.writeStaticString("HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 3\r\n")
        if close { buffer.writeStaticString("connection: close\r\n") }
        date.withCurrentLine { _ = buffer.writeBytes($0) }
        buffer.writeStaticString("\r\n")
        if !isHead { buffer.writeStaticString("ok\n") }
        return buffer
    }

    private func statisticsResponse(context: ChannelHandlerContext, close: Bool) -> ByteBuffer {
        let body = Array(Self.statistics(service).jsonText.utf8) + [0x0A]
        var buffer = context.channel.allocator.buffer(capacity: body.count + 160)
        buffer.writeString("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncache-control: no-store\r\ncontent-length: \(body.count)\r\n")
        if close { buffer.writeStaticString("connection: close\r\n") }
        date.withCurrentLine { _ = buffer.writeBytes($0) }
        buffer.writeStaticString("\r\n")
        buffer.writeBytes(body)
        return buffer
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
