package import JSONValue
import OrderedCollections
import PreflightCache
package import PreflightReport

/// Two runs side by side, point by point: the change in median throughput
/// and in p99 latency, and whether the throughput change is real: a
/// Mann-Whitney U test over the repetitions of each side, significant at
/// p <= `alpha`, and larger than `threshold`. Points are matched on scenario,
/// workers, cache, matcher, capacity, eviction, shards and allocator; those
/// on one side only are listed, not dropped.
package struct RunComparison: Sendable {
    /// What a point is, without what was measured.
    package struct Key: Hashable, Sendable {
        var scenario: String
        var workers: Int
        var cache: PreflightCacheKind
        var matcher: String
        var capacity: Int?
        var eviction: EvictionPolicy?
        var shards: Int?
        var allocator: String

        init(_ p: LoadPoint) {
            (scenario, workers, cache, matcher) = (p.scenario, p.workers, p.cache, p.matcher.rawValue)
            (capacity, eviction, shards, allocator) = (p.capacity, p.eviction, p.shards, p.allocator)
        }
    }

    /// How a point's throughput moved.
    package enum Verdict: String, Sendable {
        case improved, regressed
        /// Not significant, or within the threshold.
        case unchanged = "~"
        /// A side lacks its repetitions (a report written before they were recorded).
        case untested = "?"
    }

    package struct Row: Sendable {
        package var base: LoadPoint
        package var new: LoadPoint
        /// New median over base median, minus one.
        package var change: Double
        package var p99Change: Double
        package var test: MannWhitneyU?
        package var verdict: Verdict
    }

    package var rows: [Row] = []
    package var onlyInBase: [LoadPoint] = []
    package var onlyInNew: [LoadPoint] = []
    package let threshold: Double
    package let alpha: Double

    /// Compares every point of `new` with the same point of `base`.
    ///
    /// - Complexity: O(points x repetitions²).
    package init(base: LoadReport, new: LoadReport, threshold: Double = 0.05, alpha: Double = 0.05) {
        self.threshold = threshold
        self.alpha = alpha
        var newPoints = OrderedDictionary(new.points.map { (Key($0), $0) }, uniquingKeysWith: { first, _ in first })
        for b in base.points {
            guard let n = newPoints.removeValue(forKey: Key(b)) else { onlyInBase.append(b); continue }
            rows.append(row(b, n))
        }
        onlyInNew = Array(newPoints.values)
    }

    func row(_ b: LoadPoint, _ n: LoadPoint) -> Row {
        let change = n.decisionsPerSecond.median / b.decisionsPerSecond.median - 1
        let p99Change = b.p99Nanos == 0 ? 0 : Double(n.p99Nanos) / Double(b.p99Nanos) - 1
        let test = MannWhitneyU(b.decisionsPerSecond.samples, n.decisionsPerSecond.samples)
        let verdict: Verdict
        if test == nil {
            verdict = .untested
        } else if test!.p <= alpha && abs(change) > threshold {
            verdict = change > 0 ? .improved : .regressed
        } else {
            verdict = .unchanged
        }
        return Row(base: b, new: n, change: change, p99Change: p99Change, test: test, verdict: verdict)
    }

    /// Whether anything regressed, else whether anything improved.
    package enum Outcome: Sendable {
        case unchanged, improvedOnly, regressed
    }

    package var outcome: Outcome {
        if rows.contains(where: { $0.verdict == .regressed }) { return .regressed }
        return rows.contains(where: { $0.verdict == .improved }) ? .improvedOnly : .unchanged
    }

    /// Lines that qualify the table: too few repetitions for any change to
    /// be significant, untested points, points on one side only.
    package var notes: [String] {
        var notes: [String] = []
        let fewest = rows.map { min($0.base.decisionsPerSecond.samples.count, $0.new.decisionsPerSecond.samples.count) }.filter { $0 > 0 }.min()
        // The strongest evidence n samples a side can give: every new one above every base one.
        if let fewest, let best = MannWhitneyU((0..<fewest).map(Double.init), (fewest..<2 * fewest).map(Double.init)), best.p > alpha {
            notes.append("with \(fewest) repetitions a side, no change can reach p <= \(formatNumber(alpha)) (the smallest p is \(formatNumber(best.p))): "
                         + "run both sides with --repetitions 5 or more")
        }
        let untested = rows.filter { $0.verdict == .untested }.count
        if untested > 0 { notes.append("\(untested) points lack per-repetition figures (reports written before they were recorded): marked ?") }
        for p in onlyInBase { notes.append("only in BASE: \(p.scenario) \(p.configurationLabel) \(p.workers)w") }
        for p in onlyInNew { notes.append("only in NEW: \(p.scenario) \(p.configurationLabel) \(p.workers)w") }
        return notes
    }

    package var table: TextTable {
        // `load` reports: requests per second on connections; `run`'s: million decisions per second on workers.
        let http = !rows.isEmpty && rows.allSatisfy { $0.base.http != nil && $0.new.http != nil }
        let (scale, unit) = http ? (1.0, "req/s") : (1e6, "Mdec/s")
        return TextTable(
            header: ["scenario", "configuration", http ? "connections" : "workers", "base \(unit)", "new \(unit)", "change", "p",
                     "base p99 ns", "new p99 ns", "p99 change", "verdict"],
            rows: rows.map { r in
                [r.base.scenario, r.base.configurationLabel, String(r.base.workers),
                 formatNumber(r.base.decisionsPerSecond.median / scale), formatNumber(r.new.decisionsPerSecond.median / scale),
                 Self.percent(r.change), r.test.map { formatNumber($0.p) } ?? "-",
                 String(r.base.p99Nanos), String(r.new.p99Nanos), Self.percent(r.p99Change), r.verdict.rawValue]
            },
            rightAligned: Set(2...9))
    }

    static func percent(_ fraction: Double) -> String {
        (fraction >= 0 ? "+" : "") + formatNumber(fraction * 100) + " %"
    }

    package var jsonValue: JSONValue {
        .object([
            ("threshold", .double(threshold)), ("alpha", .double(alpha)),
            ("outcome", .string("\(outcome)")),
            ("points", .array(rows.map { r in
                .object([
                    ("scenario", .string(r.base.scenario)), ("configuration", .string(r.base.configurationLabel)),
                    ("workers", .int(r.base.workers)), ("allocator", .string(r.base.allocator)),
                    ("baseDecisionsPerSecond", .double(r.base.decisionsPerSecond.median, fractionDigits: 0)),
                    ("newDecisionsPerSecond", .double(r.new.decisionsPerSecond.median, fractionDigits: 0)),
                    ("change", .double(r.change, fractionDigits: 4)),
                    ("u", r.test.map { .double($0.u, fractionDigits: 1) } ?? .null),
                    ("p", r.test.map { .double($0.p, fractionDigits: 4) } ?? .null),
                    ("baseP99Nanos", .int(Int(r.base.p99Nanos))), ("newP99Nanos", .int(Int(r.new.p99Nanos))),
                    ("p99Change", .double(r.p99Change, fractionDigits: 4)),
                    ("verdict", .string(r.verdict.rawValue)),
                ])
            })),
            ("onlyInBase", .array(onlyInBase.map(\.jsonValue))),
            ("onlyInNew", .array(onlyInNew.map(\.jsonValue))),
        ])
    }
}
