package import CORSPolicy
package import PreflightTrace
package import PreflightWorkload
import PreflightLoad
package import PreflightSimulation

/// A recorded trace as `run` and `simulate` replay it: its preflights as a
/// request stream (in the trace's order) decided against a policy, and each
/// preflight's time.
package struct TraceSource {
    package var summary: TraceFile.Summary
    package var stream: RequestStream
    /// Seconds since the first preflight, per preflight in trace order; nil
    /// when the trace has no times (then a fixed rate stands in).
    package var times: [Double]?

    /// The most preflights kept for `run`, which cycles them in memory: the
    /// first 4,194,304 (about 100 MB); the rest are read and counted only.
    package static let maximumRequests = 1 << 22

    /// Whether the trace held more preflights than `maximumRequests`.
    package var truncated = false

    /// Reads the preflights of `path` (actual requests are counted, not replayed).
    package init(path: String, format: TraceFormat?, strict: Bool, policy: CORSPolicy) throws(HostError) {
        var requests: [PreflightRequest] = []
        var times: [Double] = []
        var allTimed = true
        summary = try TraceFile.read(path, format: format, strict: strict) { record in
            guard record.kind == .preflight else { return }
            guard requests.count < Self.maximumRequests else { return }
            requests.append(PreflightRequest(origin: record.origin, method: record.method, requestHeaders: record.headers))
            if let t = record.time { times.append(t) } else { allTimed = false }
        }
        truncated = summary.preflights > requests.count
        guard !requests.isEmpty else {
            throw HostError("\(summary)\n\(path) holds no usable preflight (OPTIONS with Origin and Access-Control-Request-Method): nothing to replay")
        }
        var scenario = Scenario.preset(named: "realistic")!
        scenario.name = path.split(separator: "/").last.map(String.init) ?? path
        scenario.description = "the preflights of \(path)"
        scenario.requests = requests.count
        scenario.maxAge = nil  // the policy's own
        scenario.prewarm = false
        stream = RequestStream(scenario: scenario, policy: policy, requests: requests)
        if allTimed {
            var clock = TraceClock()
            self.times = times.enumerated().map { clock.seconds($0.element, index: $0.offset, rate: 1) }
        } else {
            self.times = nil
        }
    }
}

/// `simulate --trace`: the trace's preflights streamed through the
/// simulation as the file is read, so memory holds its distinct keys (and,
/// for traces up to the optimum's limit, 12 bytes per preflight).
package enum TraceReplay {
    package struct Outcome {
        package var summary: TraceFile.Summary
        package var points: [Simulation.Point]
        package var distinctKeys: Int
        /// Whether the optimum was computed (the trace was short enough).
        package var optimum: Bool
        package var seconds: Double
    }

    package static func simulate(path: String, format: TraceFormat?, strict: Bool, policy: CORSPolicy, simulation: Simulation,
                                 optimumLimit: Int = 4_000_000) throws(HostError) -> Outcome {
        let replay = Simulation.StreamingReplay(simulation, optimumLimit: optimumLimit)
        var keys = PreflightKeyTable(policy: policy)
        let summary = try TraceFile.read(path, format: format, strict: strict) { record in
            guard record.kind == .preflight else { return }
            let key = keys.key(origin: record.origin, method: record.method, headers: record.headers)
            replay.add(key: key.id, allowed: key.allowed, time: record.time)
        }
        guard replay.requests > 0 else {
            throw HostError("\(summary)\n\(path) holds no usable preflight (OPTIONS with Origin and Access-Control-Request-Method): nothing to replay")
        }
        let (points, optimum) = replay.finish()
        return Outcome(summary: summary, points: points, distinctKeys: replay.distinctKeys, optimum: optimum, seconds: replay.lastSeconds)
    }
}
