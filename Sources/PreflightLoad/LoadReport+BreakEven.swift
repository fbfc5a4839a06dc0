package import JSONValue
import PreflightCache
import PreflightReport

/// When a cache pays, from one run's measured costs: the hit rate above which
/// answering from the cache beats evaluating every request.
///
/// With mean sampled latencies H (hit), M (miss: lookup, evaluation and
/// insert) and E (evaluation alone, the `none` point of the same scenario,
/// matcher, workers and allocator), a cache at hit rate h costs
/// h·H + (1 − h)·M per decision, which is below E when h > (M − E) / (M − H).
/// Means, because throughput follows them (evaluation costs are often
/// bimodal: exact origins cheap, wildcard scans dear, which a median hides).
/// Every sample includes one clock read; it cancels in both differences.
package struct CacheBreakEven: Sendable {
    package var point: LoadPoint
    package var hitNanos: Double
    /// nil when no miss was sampled (an all-hit load): the break-even is then
    /// unknown, and the verdict compares a hit with an evaluation.
    package var missNanos: Double?
    package var evaluationNanos: Double
    /// The break-even hit rate in 0...1; nil when no hit rate pays (hits cost
    /// as much as evaluating) or when no miss was sampled.
    package var hitRate: Double?
    /// The throughput of the point over that of evaluating every request, measured.
    package var measuredSpeedup: Double

    /// Whether the scenario's measured hit rate clears the break-even.
    package var pays: Bool {
        guard missNanos != nil else { return hitNanos < evaluationNanos }
        guard let hitRate, let measured = point.hitRate else { return false }
        return measured > hitRate
    }

    init?(point: LoadPoint, evaluation: LoadPoint) {
        guard let hit = point.hitLatency?.meanNanos, let e = evaluation.meanNanos else { return nil }
        self.point = point
        hitNanos = hit
        missNanos = point.missLatency?.meanNanos
        evaluationNanos = e
        if let miss = missNanos, hit < e {
            hitRate = miss <= e ? 0 : min(1, (miss - e) / (miss - hit))
        } else {
            hitRate = nil
        }
        measuredSpeedup = point.decisionsPerSecond.median / evaluation.decisionsPerSecond.median
    }

    package var jsonValue: JSONValue {
        .object([
            ("scenario", .string(point.scenario)), ("configuration", .string(point.configurationLabel)), ("workers", .int(point.workers)),
            ("allocator", .string(point.allocator)),
            ("hitMeanNanos", .double(hitNanos, fractionDigits: 1)), ("missMeanNanos", missNanos.map { .double($0, fractionDigits: 1) } ?? .null),
            ("evaluationMeanNanos", .double(evaluationNanos, fractionDigits: 1)),
            ("breakEvenHitRate", hitRate.map { .double($0, fractionDigits: 4) } ?? .null),
            ("hitRate", point.hitRate.map { .double($0, fractionDigits: 4) } ?? .null),
            ("pays", .bool(pays)), ("measuredSpeedup", .double(measuredSpeedup, fractionDigits: 3)),
        ])
    }

    /// One line a person reads: the costs, the break-even and the verdict.
    package var sentence: String {
        let costs = "hit \(formatNumber(hitNanos)) ns, miss \(missNanos.map { formatNumber($0) + " ns" } ?? "not sampled"), "
            + "evaluation \(formatNumber(evaluationNanos)) ns (means)"
        let threshold: String
        if missNanos == nil {
            threshold = "break-even unknown without misses"
        } else {
            threshold = hitRate.map { "pays above \(formatNumber($0 * 100)) % hits" } ?? "never pays (a hit costs as much as evaluating)"
        }
        let measured = point.hitRate.map { "measured \(formatNumber($0 * 100)) %" } ?? "no hit rate measured"
        let verdict = pays ? "pays" : "does not pay"
        return "\(point.scenario) \(point.configurationLabel) \(point.workers)w: \(costs); \(threshold); \(measured): \(verdict) "
            + "(throughput \(formatNumber(measuredSpeedup))x evaluating every request)"
    }
}

extension LoadReport {
    /// The break-even of every cached point that has a `none` point to compare with.
    package func breakEvens() -> [CacheBreakEven] {
        points.compactMap { p in
            guard p.cache != .none, let evaluation = points.first(where: {
                $0.cache == .none && $0.scenario == p.scenario && $0.matcher == p.matcher && $0.workers == p.workers && $0.allocator == p.allocator
            }) else { return nil }
            return CacheBreakEven(point: p, evaluation: evaluation)
        }
    }

    /// The lines printed after the table, or a hint when the run cannot tell.
    package var breakEvenLines: [String] {
        let all = breakEvens()
        if all.isEmpty && points.contains(where: { $0.cache != .none }) && !points.contains(where: { $0.cache == .none }) {
            return ["when a cache pays: add --cache none to the run, so each cached point has an evaluation to compare with"]
        }
        guard !all.isEmpty else { return [] }
        return ["when a cache pays (hit rate above (miss - evaluation) / (miss - hit), from this run's mean sampled latencies):"]
            + all.map { "  " + $0.sentence }
    }

    func breakEvenMarkdown() -> String {
        let all = breakEvens()
        guard !all.isEmpty else { return "" }
        var out = "## When a cache pays\n\n"
        out += "A cache at hit rate h costs h x hit + (1 - h) x miss per decision; it beats evaluating every request "
        out += "when h > (miss - evaluation) / (miss - hit). Mean sampled latencies of this run (clock read included, it cancels); "
        out += "the last column is the measured throughput against `none`.\n\n"
        out += TextTable(header: ["scenario", "configuration", "workers", "hit ns", "miss ns", "evaluation ns", "break-even hit %",
                                  "hit %", "pays", "throughput vs none"],
                         rows: all.map { b in
                             [b.point.scenario, b.point.configurationLabel, String(b.point.workers), formatNumber(b.hitNanos),
                              b.missNanos.map(formatNumber) ?? "-", formatNumber(b.evaluationNanos),
                              b.missNanos == nil ? "unknown" : b.hitRate.map { formatNumber($0 * 100) } ?? "never",
                              b.point.hitRate.map { formatNumber($0 * 100) } ?? "-", b.pays ? "yes" : "no", formatNumber(b.measuredSpeedup) + "x"]
                         }, rightAligned: Set(2...9)).markdown + "\n\n"
        return out
    }
}
