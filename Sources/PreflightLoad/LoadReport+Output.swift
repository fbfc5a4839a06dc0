import JSONValue

// What `run` prints and the files it writes, from the report alone, so that
// `report` can render a directory again from its run.json.

extension LoadReport {
    /// run.json, run.csv, summary.md and the SVG charts, by file name.
    package func files() -> [(name: String, contents: String)] {
        let charts = charts()
        let command = environment.first { $0.key == "command" }?.value.stringValue ?? "preflight-bench run"
        return [
            ("run.json", jsonValue.prettyJSONText + "\n"),
            ("run.csv", csv + "\n"),
            ("summary.md", summaryMarkdown(command: command, charts: charts.map(\.name))),
        ] + charts.map { ($0.name, $0.svg) }
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
        for (scenario, nanos) in harnessOverhead {
            lines.append("harness overhead (\(scenario), no-op engine, 1 worker): \(formatNumber(nanos)) ns/decision")
        }
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

    func environmentValue(_ key: String) -> JSONValue? { environment.first { $0.key == key }?.value }
}
