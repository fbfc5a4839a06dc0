import NIOCore

/// Told by `PreflightRequestHandler` (as an outbound user event) that the
/// request it is reading has its whole head, or that its response is written.
enum RequestProgress: Sendable {
    case headComplete, responded
}

/// Bounds how long a connection may hold a server's attention: a request's
/// head must arrive within `headerTimeout` of its first byte (a slowloris
/// client trickling bytes is cut off with 408), and a connection silent for
/// `idleTimeout` between requests, or while a body trickles in, is closed.
/// Sits before the HTTP decoder, where it sees the first byte of each request.
final class ConnectionDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let headerTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private let counters: ServerCounters
    private var deadline: Scheduled<Void>?
    /// Between a request's first byte and its complete head.
    private var readingHead = false

    init(headerTimeout: TimeAmount, idleTimeout: TimeAmount, counters: ServerCounters) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.counters = counters
    }

    static let requestTimeout = "HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"

    func channelActive(context: ChannelHandlerContext) {
        arm(context: context, after: idleTimeout)
        context.fireChannelActive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context: context, after: idleTimeout) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !readingHead {
            readingHead = true
            arm(context: context, after: headerTimeout)
        }
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let progress = event as? RequestProgress else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        switch progress {
        case .headComplete:
            // A body may follow: it must keep flowing, like an idle connection.
            arm(context: context, after: idleTimeout)
        case .responded:
            readingHead = false
            arm(context: context, after: idleTimeout)
        }
        promise?.succeed(())
    }

    private func arm(context: ChannelHandlerContext, after timeout: TimeAmount) {
        deadline?.cancel()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            let (handler, context) = loopBound.value
            handler.expire(context: context)
        }
    }

    private func expire(context: ChannelHandlerContext) {
        deadline = nil
        counters.timeouts.wrappingAdd(1, ordering: .relaxed)
        if readingHead {
            var buffer = context.channel.allocator.buffer(capacity: Self.requestTimeout.utf8.count)
            buffer.writeString(Self.requestTimeout)
            context.writeAndFlush(NIOAny(buffer)).whenComplete { [channel = context.channel] _ in
                channel.close(promise: nil)
            }
        } else {
            context.close(promise: nil)
        }
    }
}
