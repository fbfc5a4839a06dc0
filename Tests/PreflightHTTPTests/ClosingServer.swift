import NIOCore
import NIOPosix

/// A server that answers the first `answersPerConnection` requests of each
/// connection with a bare `204` and then closes the connection as the next
/// request arrives, without a byte of answer: the race of a server closing
/// an idle keep-alive connection just as a request crosses it, made certain.
final class ClosingServer: Sendable {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: any Channel
    let port: Int

    init(answersPerConnection: Int) throws {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ClosingHandler(answers: answersPerConnection))
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

/// Counts request heads by their blank line; `load` sends no bodies.
private final class ClosingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let answers: Int
    private var heads = 0
    private var tail: [UInt8] = []

    init(answers: Int) { self.answers = answers }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        tail += unwrapInboundIn(data).readableBytesView
        while let end = tail.firstRange(of: [13, 10, 13, 10]) {
            tail.removeSubrange(..<end.upperBound)
            heads += 1
            guard heads <= answers else {
                context.close(promise: nil)
                return
            }
            var response = context.channel.allocator.buffer(capacity: 64)
            response.writeString("HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
            context.writeAndFlush(wrapOutboundOut(response), promise: nil)
        }
    }
}
