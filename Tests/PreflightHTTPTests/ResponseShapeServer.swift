import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A server that answers each preflight to `/shape/N` with the bytes of
/// response shape N, exactly as written (split lines, odd case, stray
/// whitespace: what no HTTP library would let a test produce), and every
/// other request with a 200 that passes the CORS check (the origin echoed,
/// credentials allowed), so a fetch fails only when its preflight does.
/// `{origin}` in a shape is the request's `Origin`, `{ORIGIN}` the same
/// in upper case. Counts the preflights each shape received.
final class ResponseShapeServer: Sendable {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: any Channel
    let preflights: NIOLockedValueBox<[Int: Int]>
    /// The `Origin` the preflights carried (the page's).
    let origin = NIOLockedValueBox<String?>(nil)
    let port: Int

    /// `heads[n]`: shape n's status line and header lines, each ending in CRLF, without the blank line.
    init(heads: [String]) throws {
        let preflights = NIOLockedValueBox<[Int: Int]>([:])
        self.preflights = preflights
        let origin = self.origin
        let responses = heads.map { $0 + "content-length: 0\r\n\r\n" }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ShapeHandler(responses: responses, preflights: preflights, origin: origin))
                }
            }
        channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress!.port!
    }

    func shutdown() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}

/// Reads request heads (and skips `content-length` bodies) from the bytes.
private final class ShapeHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let responses: [String]
    let preflights: NIOLockedValueBox<[Int: Int]>
    let origin: NIOLockedValueBox<String?>
    private var pending: [UInt8] = []

    init(responses: [String], preflights: NIOLockedValueBox<[Int: Int]>, origin: NIOLockedValueBox<String?>) {
        self.responses = responses
        self.preflights = preflights
        self.origin = origin
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pending += unwrapInboundIn(data).readableBytesView
        while let end = pending.firstRange(of: [13, 10, 13, 10]) {
            let head = String(decoding: pending[..<end.lowerBound], as: UTF8.self)
            let lines = head.split(separator: "\r\n")
            let fields = lines.dropFirst().compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            let bodyLength = fields.first { $0.0 == "content-length" }.flatMap { Int($0.1) } ?? 0
            guard pending.count >= end.upperBound + bodyLength else { return }
            pending.removeSubrange(..<(end.upperBound + bodyLength))
            let requestLine = lines.first.map { $0.split(separator: " ") } ?? []
            let method = requestLine.first.map(String.init) ?? ""
            let path = requestLine.count > 1 ? String(requestLine[1]) : ""
            let shape = path.hasPrefix("/shape/") ? Int(path.dropFirst(7)) : nil
            var response = context.channel.allocator.buffer(capacity: 256)
            let origin = fields.first { $0.0 == "origin" }?.1 ?? "null"
            if method == "OPTIONS", let shape, responses.indices.contains(shape) {
                preflights.withLockedValue { $0[shape, default: 0] += 1 }
                self.origin.withLockedValue { $0 = origin }
                response.writeString(responses[shape].replacingOccurrences(of: "{origin}", with: origin)
                    .replacingOccurrences(of: "{ORIGIN}", with: origin.uppercased()))
            } else {
                response.writeString("HTTP/1.1 200 OK\r\naccess-control-allow-origin: \(origin)\r\naccess-control-allow-credentials: true\r\n"
                                     + "cache-control: no-store\r\ncontent-length: 2\r\n\r\nok")
            }
            context.writeAndFlush(wrapOutboundOut(response), promise: nil)
        }
    }
}
