package import CORSPolicy
package import PreflightTrace
package import PreflightWorkload

/// A recorded trace as `run` and `simulate` replay it: its preflights as a
/// request stream (in the trace's order) decided against a policy, and each
/// preflight's time.
package struct TraceSource {
    package var summary: TraceFile.Summary
    package var stream: RequestStream
    /// Seconds since the first preflight, per preflight in trace order; nil
    /// when the trace has no times (then a fixed rate stands in).
    package var times: [Double]?
    /// Every record, preflights and actual requests, when asked for (the browser model).
    package var records: [TraceRecord] = []

    /// Reads the preflights of `path` (actual requests are counted, not replayed).
    package init(path: String, format: TraceFormat?, strict: Bool, policy: CORSPolicy, keepingRecords: Bool = false) throws(HostError) {
        var requests: [PreflightRequest] = []
        var times: [Double] = []
        var allTimed = true
        var records: [TraceRecord] = []
        summary = try TraceFile.read(path, format: format, strict: strict) { record in
            if keepingRecords { records.append(record) }
            guard record.kind == .preflight else { return }
            requests.append(PreflightRequest(origin: record.origin, method: record.method, requestHeaders: record.headers))
            if let t = record.time { times.append(t) } else { allTimed = false }
        }
        self.records = records
        if keepingRecords && requests.isEmpty && !records.isEmpty {
            // Only actual requests: the browser model needs no preflights, but a stream needs one request.
            requests.append(PreflightRequest(origin: records[0].origin, method: records[0].method))
        }
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
        if allTimed, let first = times.min() {
            // Out-of-order lines (several writers to one log) keep their order; time never runs backwards.
            var last = 0.0
            self.times = times.map { t in last = max(last, t - first); return last }
        } else {
            self.times = nil
        }
    }
}
