package import JSONValue
package import PreflightReport

/// `probe`'s scorecard in every form: one row a case, the findings by
/// severity, and what decides the exit status.
package struct ProbeReport: ResultReport {
    package var target: String
    package var policySummary: String
    package var results: [ProbeResult]
    package var command: String
    /// The least severity that fails the run (`--fail-on`).
    package var failOn: ProbeSeverity

    package init(target: String, policySummary: String, results: [ProbeResult], command: String, failOn: ProbeSeverity) {
        self.target = target
        self.policySummary = policySummary
        self.results = results
        self.command = command
        self.failOn = failOn
    }

    package var kind: String { "probe" }

    package var findings: [ProbeResult] { results.filter { $0.status == .finding } }
    package var errors: [ProbeResult] { results.filter { $0.status == .error } }
    /// Whether a CI job should fail: a finding at or above `failOn`, or a case with no usable answer.
    package var fails: Bool { findings.contains { ($0.severity ?? .info) >= failOn } || !errors.isEmpty }
    /// 0 passed, 1 failed, 2 nothing answered (nothing listening, or the wrong address).
    package var exitStatus: Int32 { !results.isEmpty && errors.count == results.count ? 2 : fails ? 1 : 0 }

    package var table: TextTable {
        TextTable(header: ["case", "request", "origin", "policy", "result", "severity", "ms", "what was seen"],
                  rows: results.map { r in
                      [r.probe.id, r.probe.request.kind.rawValue + " " + r.probe.request.method, ProbeResult.clip(r.probe.request.origin),
                       r.probe.policyAllows ? "allows" : "refuses", r.status.rawValue, r.severity?.description ?? "",
                       String(Int((r.observation.seconds * 1000).rounded())), r.detail + (r.browserDifference.map { " [\($0)]" } ?? "")]
                  }, rightAligned: [6])
    }

    package var notes: [String] {
        var notes: [String] = []
        let bySeverity = ProbeSeverity.allCases.reversed().compactMap { s -> String? in
            let n = findings.filter { $0.severity == s }.count
            return n == 0 ? nil : "\(n) \(s)"
        }
        notes.append("\(results.count) cases against \(target): \(results.filter { $0.status == .pass }.count) pass, "
                     + "\(findings.count) findings" + (bySeverity.isEmpty ? "" : " (\(bySeverity.joined(separator: ", ")))")
                     + ", \(errors.count) without an answer; slowest answer \(ProbeResult.format(results.map(\.observation.seconds).max() ?? 0)) s.")
        // One line a case id and severity, worst first, however many origins and kinds it took.
        var seen: [String] = []
        for finding in findings.sorted(by: { ($0.severity ?? .info) > ($1.severity ?? .info) }) {
            let key = "\(finding.severity!) \(finding.probe.id)"
            guard !seen.contains(key) else { continue }
            seen.append(key)
            let same = findings.filter { $0.severity == finding.severity && $0.probe.id == finding.probe.id }
            let origins = Set(same.map(\.probe.request.origin)).sorted()
            notes.append("\(key) (\(finding.probe.category); \(same.count) request\(same.count == 1 ? "" : "s"), origins \(origins.map { ProbeResult.clip($0) }.joined(separator: ", "))): "
                         + "\(finding.probe.gain).")
        }
        let differences = results.compactMap { r in r.browserDifference.map { "\(r.probe.id): \($0)" } }
        if !differences.isEmpty {
            notes.append("Spec vs browser differences (Chromium 156, Firefox 153 ESR, measured by the browser suite): " + differences.joined(separator: "; ") + ".")
        }
        switch exitStatus {
        case 2: notes.append("FAIL: no case got an answer (exit status 2); first failure: \(errors.first?.observation.failure ?? "").")
        case 1: notes.append("FAIL: a finding at or above \(failOn), or a case without an answer (exit status 1).")
        default: notes.append("PASS: no finding at or above \(failOn) (exit status 0).")
        }
        return notes
    }

    package var fileSummary: String { "probe.json, probe.csv, probe.md and index.html" }

    package var facts: [(key: String, value: String)] {
        [("target", target), ("policy", policySummary), ("fail on", failOn.description)]
    }

    package var jsonValue: JSONValue {
        .object([
            ("target", .string(target)), ("policy", .string(policySummary)), ("failOn", .string(failOn.description)),
            ("passed", .bool(!fails)),
            ("summary", .object(ProbeSeverity.allCases.map { s in (s.description, .number(String(findings.filter { $0.severity == s }.count))) })),
            ("cases", .array(results.map { r in
                .object([
                    ("id", .string(r.probe.id)), ("category", .string(r.probe.category)), ("kind", .string(r.probe.request.kind.rawValue)),
                    ("origin", .string(r.probe.request.origin)), ("method", .string(r.probe.request.method)),
                    ("requestHeaders", r.probe.request.combinedRequestHeaders.map { .string($0) } ?? .null),
                    ("policyAllows", .bool(r.probe.policyAllows)), ("policyAllowsWithCredentials", .bool(r.probe.policyAllowsWithCredentials)),
                    ("status", .string(r.status.rawValue)), ("severity", r.severity.map { .string($0.description) } ?? .null),
                    ("gain", .string(r.probe.gain)), ("detail", .string(r.detail)),
                    ("browserDifference", r.browserDifference.map { .string($0) } ?? .null),
                    ("seconds", .number(ProbeResult.format(r.observation.seconds))),
                    ("responseStatus", .number(String(r.observation.status))),
                    ("responseHead", .string(r.observation.head)),
                ])
            })),
        ])
    }
}
