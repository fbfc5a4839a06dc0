import JSONValue
import OriginMatching
import PreflightCache
import PreflightTestSupport
@testable import PreflightLoad
import PreflightWorkload
import Testing
@testable import PreflightReport

/// The break-even hit rate h* = (miss - evaluation) / (miss - hit), its edge
/// cases, and hit and miss latencies measured apart by a real run.
@Suite struct BreakEvenTests {
    static func point(_ cache: PreflightCacheKind, dps: Double, p50: UInt64, hit: UInt64? = nil, miss: UInt64? = nil, hitRate: Double? = nil) -> LoadPoint {
        // Means equal to the medians here, so the arithmetic is easy to follow.
        LoadPoint(scenario: "s", workers: 1, cache: cache, matcher: .trie, capacity: cache == .none ? nil : 100, eviction: nil, shards: nil,
                  allocator: "system", decisions: 1000, seconds: 1, decisionsPerSecond: Spread([dps]), hitRate: hitRate,
                  p50Nanos: p50, p99Nanos: p50, p999Nanos: p50, meanNanos: Double(p50),
                  hitLatency: hit.map { LatencyPercentiles(meanNanos: Double($0), p50Nanos: $0, p99Nanos: $0) },
                  missLatency: miss.map { LatencyPercentiles(meanNanos: Double($0), p50Nanos: $0, p99Nanos: $0) },
                  allocationsPerDecision: 0, entries: nil, bytesPerEntry: nil, heapBytes: nil, evictions: nil, expirations: nil, stopped: false)
    }

    static func breakEven(hit: UInt64, miss: UInt64?, evaluation: UInt64, hitRate: Double) -> CacheBreakEven? {
        let report = LoadReport(environment: [], harnessOverhead: [], points: [
            point(.none, dps: 1e6, p50: evaluation),
            point(.sharded, dps: 2e6, p50: hit, hit: hit, miss: miss, hitRate: hitRate),
        ])
        return report.breakEvens().first
    }

    @Test func thresholdFollowsTheCostModel() throws {
        // Evaluation 500, hit 100, miss 600: h > 100 / 500 = 20 %.
        let b = try #require(Self.breakEven(hit: 100, miss: 600, evaluation: 500, hitRate: 0.5))
        #expect(abs(b.hitRate! - 0.2) < 1e-12)
        #expect(b.pays)
        // At the modelled break-even the cache costs exactly the evaluation.
        let h = b.hitRate!
        #expect(abs(h * 100 + (1 - h) * 600 - 500) < 1e-9)
        #expect(!Self.breakEven(hit: 100, miss: 600, evaluation: 500, hitRate: 0.19)!.pays)
        #expect(b.measuredSpeedup == 2)
    }

    @Test func edgeCases() throws {
        // A hit no cheaper than evaluating: no hit rate pays.
        let never = try #require(Self.breakEven(hit: 80, miss: 900, evaluation: 70, hitRate: 0.99))
        #expect(never.hitRate == nil && !never.pays)
        // A miss no dearer than evaluating: any hit rate pays.
        let always = try #require(Self.breakEven(hit: 10, miss: 90, evaluation: 100, hitRate: 0.01))
        #expect(always.hitRate == 0 && always.pays)
        // An all-hit load samples no miss: no break-even, and the verdict compares a hit with an evaluation.
        let allHits = try #require(Self.breakEven(hit: 60, miss: nil, evaluation: 70, hitRate: 1))
        #expect(allHits.hitRate == nil && allHits.missNanos == nil && allHits.pays)
        #expect(!Self.breakEven(hit: 80, miss: nil, evaluation: 70, hitRate: 1)!.pays)
    }

    @Test func withoutANonePointTheRunSaysHowToGetOne() {
        let report = LoadReport(environment: [], harnessOverhead: [], points: [Self.point(.sharded, dps: 1, p50: 1, hit: 1, miss: 2, hitRate: 0.5)])
        #expect(report.breakEvens().isEmpty)
        #expect(report.breakEvenLines.first?.contains("--cache none") == true)
    }

    @Test func aRunTimesHitsAndMissesApart() throws {
        var options = LoadOptions()
        options.workers = [1]
        options.caches = [.none, .sharded]
        options.capacities = [1000]
        options.repetitions = 1
        options.fixedDecisions = 20_000
        options.latencySampleEvery = 4
        let stream = try RequestStream(scenario: smallScenario("flood"))
        var points: [LoadPoint] = []
        LoadRunner(options: options, allocations: AllocationProbe(isActive: false, read: { 0 }, heapBytes: { nil }))
            .measure(stream: stream, stop: { false }) { points.append($0) }
        let none = try #require(points.first { $0.cache == .none })
        let sharded = try #require(points.first { $0.cache == .sharded })
        #expect(none.hitLatency == nil && none.missLatency == nil)
        // flood at capacity 1,000 both hits and misses.
        #expect(sharded.hitLatency != nil && sharded.missLatency != nil)
        let json = sharded.jsonValue
        #expect(json["hitP50Nanos"]?.intValue != nil && json["missP99Nanos"]?.intValue != nil)
        #expect(json["hitMeanNanos"]?.doubleValue != nil && json["missMeanNanos"]?.doubleValue != nil && json["meanNanos"]?.doubleValue != nil)
        // run.json round-trips the split latencies (report DIR and the jemalloc child read them back).
        let decoded = try #require(try LoadReport(json: LoadReport(environment: [], harnessOverhead: [], points: [sharded]).jsonValue).points.first)
        #expect(decoded.hitLatency?.p50Nanos == sharded.hitLatency?.p50Nanos && decoded.missLatency?.p99Nanos == sharded.missLatency?.p99Nanos)
        let report = LoadReport(environment: [], harnessOverhead: [], points: points)
        #expect(report.breakEvens().count == 1)
        #expect(report.jsonValue["breakEven"]?.arrayValue?.count == 1)
    }

    /// A run.json that lost or garbled keys is refused with one line per
    /// mistake, each naming the point and the key.
    @Test func reportsNameTheirMissingAndMistypedKeys() throws {
        let json = try JSONValue.parse(Array(#"{"environment": {}, "points": [{"scenario": "hot", "workers": "two"}]}"#.utf8))
        do {
            _ = try LoadReport(json: json)
            Issue.record("accepted a broken report")
        } catch {
            let lines = error.description.split(separator: "\n").map(String.init)
            #expect(lines.contains("points[0].workers: expected an integer, found a string"))
            #expect(lines.contains("points[0].cache: missing required key \"cache\""))
        }
        #expect(throws: ReportReadError.self) { try LoadReport(json: .array([])) }
    }
}
