package import CORSPolicy
package import PreflightCache
package import Synchronization

/// What a server answers with: the policy's engine (behind a cache when one
/// is chosen) and its response writer, or no CORS at all. Shared by every
/// connection on every event loop; immutable but for its counters.
package final class PreflightService: Sendable {
    /// nil with `--cors off`: every request gets a plain 200, the baseline
    /// that prices CORS handling inside the server.
    package let decider: (any PreflightDecider)?
    package let evaluator: PreflightEvaluator
    package let writer: PreflightResponseWriter
    package let counters = ServerCounters()

    package init(evaluator: PreflightEvaluator, decider: (any PreflightDecider)?) {
        self.evaluator = evaluator
        self.decider = decider
        self.writer = PreflightResponseWriter(policy: evaluator.policy)
    }

    package var corsEnabled: Bool { decider != nil }
}

/// Requests by kind, exact under any number of threads (relaxed atomic adds:
/// one per request, far below the cost of the request's own I/O).
package final class ServerCounters: Sendable {
    package let preflights = Atomic<Int>(0)
    package let allowedPreflights = Atomic<Int>(0)
    package let actualRequests = Atomic<Int>(0)
    package let badRequests = Atomic<Int>(0)
    package let timeouts = Atomic<Int>(0)
    package let connections = Atomic<Int>(0)
    /// Times a connection stopped reading because its client did not read its responses.
    package let readPauses = Atomic<Int>(0)

    package init() {}

    package struct Snapshot: Sendable, Equatable {
        package var preflights = 0, allowedPreflights = 0, actualRequests = 0, badRequests = 0, timeouts = 0, connections = 0, readPauses = 0
    }

    package var snapshot: Snapshot {
        Snapshot(preflights: preflights.load(ordering: .relaxed), allowedPreflights: allowedPreflights.load(ordering: .relaxed),
                 actualRequests: actualRequests.load(ordering: .relaxed), badRequests: badRequests.load(ordering: .relaxed),
                 timeouts: timeouts.load(ordering: .relaxed), connections: connections.load(ordering: .relaxed),
                 readPauses: readPauses.load(ordering: .relaxed))
    }
}
