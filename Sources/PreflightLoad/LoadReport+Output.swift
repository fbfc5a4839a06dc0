import JSONValue
import PreflightReport

// What `run` and `load` print and the files they write, from the report
// alone, so that `report` can render a directory again from its run.json.

extension LoadReport: ResultReport {
    package var kind: String { "run" }
    package var command: String { environmentValue("command")?.stringValue ?? "preflight-bench run" }
    package var notes: [String] { breakEvenLines + harnessOverheadLines + httpLines }
    package var consoleText: String { consoleText(suggestingNextSteps: false) }
    package var markdownFileName: String { "summary.md" }
    package func markdown(charts: [String]) -> String { summaryMarkdown(command: command, charts: charts) }
    package var facts: [(key: String, value: String)] {
        environment.filter { $0.key != "scenarios" && $0.key != "command" }.map { ($0.key, $0.value.stringValue ?? $0.value.jsonText) }
    }

    /// The common page, with the scenarios the run generated folded at its end.
    package func indexHTML(charts: [(name: String, svg: String)]) -> String {
        let scenarios = environmentValue("scenarios").map {
            "<details><summary>Scenarios</summary><pre>\(TextTable.htmlEscaped($0.prettyJSONText))</pre></details>\n"
        }
        return ReportPage.html(title: "preflight-bench run", command: command, table: table, notes: notes, charts: charts,
                               facts: TextTable(header: ["key", "value"], rows: facts.map { [$0.key, $0.value] }), extra: scenarios ?? "")
    }

    /// The table, the caches' break-even sentences, the harness overhead, the
    /// clock read inside every latency sample and, when the C floor ran, how
    /// the hot points compare with it; with `suggestingNextSteps`, a line of
    /// options to try next.
    package func consoleText(suggestingNextSteps: Bool) -> String {
        var lines = [table.text, ""]
        let noisy = points.filter(\.isNoisy).count
        if noisy > 0 {
            lines.append("~ marks \(noisy) of \(points.count) points whose repetitions spread more than 10 % around the median: "
                         + "the machine's speed changed during them; rerun them, or compare runs with `compare`")
        }
        lines += breakEvenLines
        lines += harnessOverheadLines
        lines += httpLines
        if let clock = environmentValue("clockReadNanos")?.doubleValue {
            lines.append("latency samples include one clock read of \(formatNumber(clock)) ns")
        }
        if let floor = environmentValue("floorNanosPerDecision")?.doubleValue {
            let runs = environmentValue("floorRuns")?.arrayValue?.compactMap(\.doubleValue) ?? []
            // One worker: the target's terms, and the only count that does not oversubscribe small machines.
            // floor.c prints its best pass, so the like-for-like figure of ours is the best repetition.
            lines.append("floor.c: \(formatNumber(floor)) ns/decision (best of its runs before and after the points: "
                         + runs.map(formatNumber).joined(separator: ", ") + ")")
            if let slowest = runs.max(), slowest / floor > 1.1 {
                lines.append("warning: floor.c ran \(formatNumber((slowest / floor - 1) * 100)) % slower in one of its runs: "
                             + "the machine changed speed during this run, so compare its figures as ratios only with care")
            }
            for p in points where p.scenario == "hot" && p.workers == 1 {
                let best = 1e9 / p.decisionsPerSecond.max
                lines.append("hot \(p.configurationLabel) \(p.workers)w: best \(formatNumber(best)) ns/decision = \(formatNumber(best / floor))x floor; "
                             + "median \(formatNumber(p.nsPerDecision)) ns = \(formatNumber(p.nsPerDecision / floor))x")
            }
        }
        if suggestingNextSteps {
            lines.append("\nNext: --out DIR for run.json, summary.md and charts; --scenario hot,flood,churn,large-policy; "
                         + "--workers 1,2,4,8; --eviction lru,sieve,s3fifo; --capacity 1000,10000,100000; "
                         + "`preflight-bench simulate` to tune capacity and Max-Age over virtual hours.")
        }
        return lines.joined(separator: "\n")
    }

    /// One line per point measured over HTTP: conformance, errors and the slowest response.
    var httpLines: [String] {
        points.compactMap { p in
            guard let h = p.http else { return nil }
            let errors = (h.errors.isEmpty ? "no errors" : h.errors.map { "\($0.count) \($0.kind)" }.joined(separator: ", "))
                + (h.retries > 0 ? " (\(h.retries) sent again after the server closed an idle connection)" : "")
            let verdict = h.checked > 0 && h.conforming == h.checked ? "" : " <- responses a browser would not treat as the policy intends"
            return "\(p.scenario) \(p.configurationLabel) \(p.workers) connections (\(h.target)): conformance "
                + "\(formatNumber(h.conformance * 100)) % (\(h.conforming) of \(h.checked) responses)\(verdict); \(errors); "
                + "max latency \(formatNumber(Double(h.maxNanos) / 1000)) µs"
        }
    }

    /// One line per scenario: what the timed loop costs with a no-op engine.
    var harnessOverheadLines: [String] {
        harnessOverhead.map { "harness overhead (\($0.scenario), no-op engine, 1 worker): \(formatNumber($0.nanos)) ns/decision" }
    }

    func environmentValue(_ key: String) -> JSONValue? { environment.first { $0.key == key }?.value }
}
