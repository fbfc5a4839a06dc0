import NIOCore

/// Bounds how long a connection may hold a server's attention: a request's
/// head must arrive within `headerTimeout` of its first byte (a slowloris
/// client trickling bytes is cut off with 408), and a connection silent for
/// `idleTimeout` between requests, or while a body trickles in, is closed.
///
/// Not a pipeline handler of its own: `PreflightRequestHandler` owns it and
/// tells it of every read, which saves each read two hops through the
/// pipeline (the read and its read-complete).
///
/// Requests never touch the timer: they only record times (the read's, taken
/// once a read). One scheduled check a connection fires at the earliest
/// deadline, never more than the shorter timeout ahead, so a head that starts
/// after the check was scheduled never needs it moved; rescheduling on every
/// request cost about a third of the server's instructions.
final class ConnectionDeadlines {
    private let headerTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private let counters: ServerCounters
    private var check: Scheduled<Void>?
    /// When the last read came.
    private var lastRead = NIODeadline.now()
    /// When the head being read started; nil between requests and in bodies.
    private var headStarted: NIODeadline?
    /// Between a head's end and its body's end.
    private var readingBody = false

    init(headerTimeout: TimeAmount, idleTimeout: TimeAmount, counters: ServerCounters) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.counters = counters
    }

    static let requestTimeout = "HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"

    /// The connection is active (or was when the handler was added): the clocks start.
    func start(context: ChannelHandlerContext) {
        guard check == nil else { return }
        lastRead = .now()
        schedule(context: context, at: lastRead + min(headerTimeout, idleTimeout))
    }

    /// The connection is gone: no check may fire on it.
    func stop() {
        check?.cancel()
        check = nil
    }

    /// Bytes came in.
    func read() {
        lastRead = .now()
        if headStarted == nil && !readingBody { headStarted = lastRead }
    }

    /// The request's head is complete: a body may follow, and must keep flowing like an idle connection.
    func headComplete() {
        headStarted = nil
        readingBody = true
    }

    /// The request's last byte is in.
    func requestEnded() { readingBody = false }

    /// Bytes of the next request's head are waiting (pipelined after the last answer).
    func headPending() { if headStarted == nil { headStarted = lastRead } }

    private func schedule(context: ChannelHandlerContext, at deadline: NIODeadline) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        check = context.eventLoop.scheduleTask(deadline: deadline) {
            let (deadlines, context) = loopBound.value
            deadlines.fire(context: context)
        }
    }

    private func fire(context: ChannelHandlerContext) {
        check = nil
        guard context.channel.isActive else { return }
        let now = NIODeadline.now()
        if let headStarted, now >= headStarted + headerTimeout {
            counters.timeouts.wrappingAdd(1, ordering: .relaxed)
            var buffer = context.channel.allocator.buffer(capacity: Self.requestTimeout.utf8.count)
            buffer.writeString(Self.requestTimeout)
            context.writeAndFlush(NIOAny(buffer)).whenComplete { [channel = context.channel] _ in
                channel.close(promise: nil)
            }
            return
        }
        if headStarted == nil && now >= lastRead + idleTimeout {
            counters.timeouts.wrappingAdd(1, ordering: .relaxed)
            context.close(promise: nil)
            return
        }
        var next = lastRead + idleTimeout
        if let headStarted { next = min(next, headStarted + headerTimeout) }
        schedule(context: context, at: min(next, now + min(headerTimeout, idleTimeout)))
    }
}
