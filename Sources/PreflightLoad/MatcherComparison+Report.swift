package import JSONValue
package import PreflightReport
import OriginMatching

extension MatcherMeasurement {
    /// The JSON object `matchers --format json` prints for this measurement.
    package var jsonValue: JSONValue {
        .object([
            ("matcher", .string(matcher.rawValue)),
            ("patterns", .int(patterns)),
            ("nsPerDecision", .double(nsPerDecision.median, fractionDigits: 2)),
            ("nsPerDecisionMin", .double(nsPerDecision.min, fractionDigits: 2)),
            ("nsPerDecisionMax", .double(nsPerDecision.max, fractionDigits: 2)),
            ("allocationsPerDecision", allocationsPerDecision.map { .double($0, fractionDigits: 4) } ?? .null),
            ("buildMicroseconds", .double(buildMicroseconds, fractionDigits: 1)),
            ("retainedBytes", retainedBytes.map { .int($0) } ?? .null),
            ("decisions", .int(decisions)),
            ("allowedShare", .double(allowedShare, fractionDigits: 4)),
        ])
    }
}

extension MatcherComparison {
    /// The table of results, one row per strategy and size.
    package static func table(_ results: [MatcherMeasurement]) -> TextTable {
        TextTable(
            header: ["matcher", "patterns", "ns/decision", "min", "max", "allocs/decision", "build µs", "memory", "allowed"],
            rows: results.map { r in
                [r.matcher.rawValue, String(r.patterns), formatNumber(r.nsPerDecision.median), formatNumber(r.nsPerDecision.min),
                 formatNumber(r.nsPerDecision.max), r.allocationsPerDecision.map(formatNumber) ?? "n/a",
                 formatNumber(r.buildMicroseconds), r.retainedBytes.map(formatBytes) ?? "n/a", formatNumber(r.allowedShare * 100) + " %"]
            },
            rightAligned: [1, 2, 3, 4, 5, 6, 7, 8])
    }

    /// One line per size comparing the default strategy with the others.
    package static func verdicts(_ results: [MatcherMeasurement]) -> [String] {
        let sizes = results.map(\.patterns).reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
        return sizes.compactMap { size in
            let row = results.filter { $0.patterns == size }
            guard let best = row.min(by: { $0.nsPerDecision.median < $1.nsPerDecision.median }) else { return nil }
            let others = row.filter { $0.matcher != best.matcher }.map {
                "\(formatNumber($0.nsPerDecision.median / best.nsPerDecision.median))x \($0.matcher)"
            }
            return "\(size) patterns: fastest is \(best.matcher) at \(formatNumber(best.nsPerDecision.median)) ns/decision"
                + (others.isEmpty ? "" : "; others take " + others.joined(separator: ", "))
        }
    }
}

/// A matcher comparison in every form (`matchers`): the table, a verdict a
/// size, what the budgets left out, and ns/decision against pattern count.
package struct MatcherReport: ResultReport {
    package var results: [MatcherMeasurement]
    /// Sizes the time or memory budget left out, one sentence each.
    package var skipped: [String]
    package var command: String

    package init(results: [MatcherMeasurement], skipped: [String], command: String) {
        self.results = results
        self.skipped = skipped
        self.command = command
    }

    package var kind: String { "matchers" }
    package var table: TextTable { MatcherComparison.table(results) }
    package var notes: [String] { MatcherComparison.verdicts(results) + skipped }
    /// An array of measurements, as `matchers --format json` has always printed.
    package var jsonValue: JSONValue { .array(results.map(\.jsonValue)) }

    /// ns/decision against the number of patterns, one series per strategy, on log axes.
    package func charts() -> [(name: String, svg: String)] {
        var series: [SVGChart.Series] = []
        for matcher in OriginMatcherKind.allCases {
            let own = results.filter { $0.matcher == matcher }.sorted { $0.patterns < $1.patterns }
            if !own.isEmpty { series.append(SVGChart.Series(name: matcher.rawValue, points: own.map { (Double($0.patterns), $0.nsPerDecision.median) })) }
        }
        guard !series.isEmpty else { return [] }
        return SVGChart(title: "matcher cost vs policy size", xLabel: "patterns", yLabel: "ns/decision", series: series, logX: true, logY: true)
            .split(name: "matchers-ns-per-decision.svg")
    }
}
