import JSONValue
package import PreflightReport

// What `run` prints and the files it writes, from the report alone, so that
// `report` can render a directory again from its run.json.

extension LoadReport {
    /// run.json, run.csv, summary.md, index.html and the SVG charts, by file name.
    package func files() -> [(name: String, contents: String)] {
        let charts = charts()
        let command = environmentValue("command")?.stringValue ?? "preflight-bench run"
        return [
            ("run.json", jsonValue.prettyJSONText + "\n"),
            ("run.csv", csv + "\n"),
            ("summary.md", summaryMarkdown(command: command, charts: charts.map(\.name))),
            ("index.html", indexHTML(command: command, charts: charts)),
        ] + charts.map { ($0.name, $0.svg) }
    }

    /// One self-contained page (no file beside it needed, nothing fetched):
    /// the command, the environment, the table, when caches pay, and every
    /// chart inline, for opening from disk in a browser.
    func indexHTML(command: String, charts: [(name: String, svg: String)]) -> String {
        let e = TextTable.htmlEscaped
        let environmentRows = environment.filter { $0.key != "scenarios" && $0.key != "command" }.map { [$0.key, $0.value.stringValue ?? $0.value.jsonText] }
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>preflight-bench run</title>
            <style>
            body { font-family: sans-serif; margin: 2em; max-width: 1400px; }
            table { border-collapse: collapse; font-size: 13px; margin: 1em 0; }
            th, td { border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
            pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; }
            figure { display: inline-block; margin: 0.5em; }
            </style></head><body>
            <h1>preflight-bench run</h1>
            <pre>\(e(command))</pre>

            """
        page += "<h2>Points</h2>\n" + table.html + "\n"
        let notes = breakEvenLines + harnessOverheadLines + httpLines
        if !notes.isEmpty { page += "<pre>" + notes.map(e).joined(separator: "\n") + "</pre>\n" }
        page += "<h2>Charts</h2>\n" + charts.map { "<figure id=\"\(e($0.name))\">\($0.svg)</figure>" }.joined(separator: "\n") + "\n"
        page += "<h2>Environment</h2>\n" + TextTable(header: ["key", "value"], rows: environmentRows).html + "\n"
        if let scenarios = environmentValue("scenarios") {
            page += "<details><summary>Scenarios</summary><pre>\(e(scenarios.prettyJSONText))</pre></details>\n"
        }
        return page + "</body></html>\n"
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
