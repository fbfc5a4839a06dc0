package import CORSPolicy
import Dispatch
import NIOCore
import NIOPosix
package import PreflightWorkload
import Synchronization

/// Drives a server with a scenario's preflights over keep-alive HTTP/1.1
/// connections on SwiftNIO, checks every response as a browser would, and
/// measures responses per second and latency.
///
/// Closed loop by default: each connection sends its next request when the
/// previous response has arrived. With a rate, open loop: each connection
/// sends on a fixed schedule and latency counts from the intended send time,
/// so a stalled server shows in the percentiles instead of slowing the
/// sender (no coordinated omission; cors-facts.md section 10).
package enum HTTPLoadGenerator {
    /// One repetition: connects, warms up, measures, and closes.
    package static func run(_ configuration: HTTPLoadConfiguration, stream: RequestStream, policy: CORSPolicy) throws -> HTTPLoadResult {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        defer { try? group.syncShutdownGracefully() }
        let loops = Array(group.makeIterator())
        let results = loops.map { LoopResults(eventLoop: $0) }
        let now = NIODeadline.now()
        let warmUp = configuration.requests == nil ? configuration.warmUp : 0
        let measureFrom = now + .nanoseconds(Int64(warmUp * 1e9))
        let measureUntil = configuration.requests == nil ? measureFrom + .nanoseconds(Int64(configuration.duration * 1e9)) : NIODeadline.distantFuture
        let run = LoadRun(configuration: configuration, stream: stream, evaluator: PreflightEvaluator(policy: policy),
                          credentials: policy.credentials, measureFrom: measureFrom, measureUntil: measureUntil)
        var finished: [EventLoopFuture<Void>] = []
        let stride = max(1, stream.count / max(1, configuration.connections))
        for k in 0..<configuration.connections {
            let loop = loops[k % loops.count]
            let promise = loop.makePromise(of: Void.self)
            finished.append(promise.futureResult)
            let interval = configuration.rate.map { TimeAmount.nanoseconds(Int64(Double(configuration.connections) / $0 * 1e9)) }
            // Connections start their schedules staggered across one interval.
            let firstSend = now + .nanoseconds(Int64((interval?.nanoseconds ?? 0) * Int64(k) / Int64(configuration.connections)))
            loop.execute {
                LoadConnection(run: run, results: results[k % loops.count], loop: loop, firstIndex: k * stride,
                               interval: interval, firstSend: firstSend, finished: promise).start()
            }
        }
        try EventLoopFuture.andAllComplete(finished, on: loops[0]).wait()
        let end = NIODeadline.now()
        var total = HTTPLoadResult()
        for (loop, partial) in zip(loops, results) {
            total.add(try loop.submit { partial.result }.wait(), keepingMismatches: configuration.mismatchesKept)
        }
        let windowEnd = configuration.requests == nil ? measureUntil : end
        total.seconds = Double((windowEnd - measureFrom).nanoseconds) / 1e9
        return total
    }
}

/// What every connection of one repetition shares: read-only but for the
/// request budget.
final class LoadRun: Sendable {
    let configuration: HTTPLoadConfiguration
    let stream: RequestStream
    let evaluator: PreflightEvaluator
    let credentials: Bool
    let measureFrom: NIODeadline
    let measureUntil: NIODeadline
    let requestLine: [UInt8]
    /// Requests handed out so far, against `configuration.requests`.
    let issued = Atomic<Int>(0)

    init(configuration: HTTPLoadConfiguration, stream: RequestStream, evaluator: PreflightEvaluator, credentials: Bool,
         measureFrom: NIODeadline, measureUntil: NIODeadline) {
        self.configuration = configuration
        self.stream = stream
        self.evaluator = evaluator
        self.credentials = credentials
        self.measureFrom = measureFrom
        self.measureUntil = measureUntil
        requestLine = Array("OPTIONS \(configuration.target.path) HTTP/1.1\r\nhost: \(configuration.target.hostHeader)\r\norigin: ".utf8)
    }

    /// Whether another request may be sent: before the window's end, and within the budget.
    func mayIssue(at now: NIODeadline) -> Bool {
        if let budget = configuration.requests { return issued.wrappingAdd(1, ordering: .relaxed).oldValue < budget }
        return now < measureUntil
    }
}

/// One event loop's share of the results.
///
/// `@unchecked Sendable` is safe: it is created before the loop runs any of
/// its connections, mutated only on `eventLoop` (by the connections there),
/// and read through `eventLoop.submit` after every connection has finished,
/// so every access is ordered by that loop's task queue.
final class LoopResults: @unchecked Sendable {
    let eventLoop: any EventLoop
    // Touched only on `eventLoop` during the run, and read after it ends.
    @exclusivity(unchecked) var result = HTTPLoadResult()

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }
}
