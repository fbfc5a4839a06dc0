import JSONValue
import OriginMatching
import PreflightCache
@testable import PreflightLoad
import Testing
@testable import PreflightReport

@Suite struct MannWhitneyUTests {
    /// Values SciPy's `mannwhitneyu(..., alternative="two-sided")` gives.
    @Test(arguments: [
        ([1.0, 2, 3, 4, 5], [6.0, 7, 8, 9, 10], 0.0, 0.007936507936507936, true),
        ([19.0, 22, 16, 29, 24], [20.0, 11, 17, 12], 17.0, 0.1111111111111111, true),
        ([1.0, 2, 3], [4.0, 5, 6], 0.0, 0.1, true),
        // Ties: the normal approximation with tie and continuity corrections.
        ([1.0, 2, 2, 3, 4, 5, 5, 6], [3.0, 4, 4, 6, 7, 7, 8, 9], 12.0, 0.03924602517844302, false),
    ])
    func matchesKnownValues(a: [Double], b: [Double], u: Double, p: Double, exact: Bool) throws {
        let test = try #require(MannWhitneyU(a, b))
        #expect(test.u == u)
        #expect(abs(test.p - p) < 1e-9, "p \(test.p), expected \(p)")
        #expect(test.isExact == exact)
    }

    /// The exact p-value equals a brute-force count over every way of
    /// splitting the pooled samples into the two sides.
    @Test func exactPValuesMatchBruteForce() throws {
        var state: UInt64 = 7
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        for _ in 0..<40 {
            let n1 = Int(next() % 5) + 1, n2 = Int(next() % 5) + 1
            var values = Set<Double>()
            while values.count < n1 + n2 { values.insert(Double(next() % 1000)) }
            let pooled = Array(values).shuffled()
            let a = Array(pooled.prefix(n1)), b = Array(pooled.suffix(n2))
            let test = try #require(MannWhitneyU(a, b))
            var below = 0, above = 0, total = 0
            for mask in 0..<(1 << (n1 + n2)) where mask.nonzeroBitCount == n1 {
                let x = pooled.indices.filter { mask & (1 << $0) != 0 }.map { pooled[$0] }
                let y = pooled.indices.filter { mask & (1 << $0) == 0 }.map { pooled[$0] }
                let u = x.reduce(0) { sum, xi in sum + y.filter { xi > $0 }.count }
                total += 1
                if Double(u) <= test.u { below += 1 }
                if Double(u) >= test.u { above += 1 }
            }
            let expected = min(1, 2 * Double(min(below, above)) / Double(total))
            #expect(abs(test.p - expected) < 1e-12, "\(a) vs \(b): \(test.p) vs \(expected)")
        }
    }

    @Test func emptySidesHaveNoTest() {
        #expect(MannWhitneyU([], [1]) == nil)
        #expect(MannWhitneyU([1], []) == nil)
    }
}

@Suite struct RunComparisonTests {
    static func point(_ cache: PreflightCacheKind, workers: Int, rates: [Double], p99: UInt64 = 1000) -> LoadPoint {
        LoadPoint(scenario: "hot", workers: workers, cache: cache, matcher: .trie, capacity: cache == .none ? nil : 1000,
                  eviction: cache == .none ? nil : .s3fifo, shards: cache == .sharded ? 64 : nil, allocator: "system",
                  decisions: 1000, seconds: 1, decisionsPerSecond: Spread(rates), hitRate: nil, p50Nanos: 500, p99Nanos: p99,
                  p999Nanos: 2000, meanNanos: 600, hitLatency: nil, missLatency: nil, allocationsPerDecision: 0, entries: nil,
                  bytesPerEntry: nil, heapBytes: nil, evictions: nil, expirations: nil, stopped: false)
    }

    static let rates = [100.0, 103, 98, 101, 99, 102, 97]

    @Test func identicalRunsReportNoChange() {
        let report = LoadReport(environment: [], harnessOverhead: [],
                                points: [Self.point(.none, workers: 1, rates: Self.rates), Self.point(.sharded, workers: 2, rates: Self.rates)])
        let comparison = RunComparison(base: report, new: report)
        #expect(comparison.rows.count == 2)
        #expect(comparison.rows.allSatisfy { $0.verdict == .unchanged && $0.change == 0 })
        #expect(comparison.outcome == .unchanged)
    }

    /// A regression injected into a copy of a run is found, and survives a
    /// round trip through run.json; a point on one side only is listed.
    @Test func anInjectedRegressionIsFound() throws {
        let base = LoadReport(environment: [], harnessOverhead: [],
                              points: [Self.point(.none, workers: 1, rates: Self.rates), Self.point(.sharded, workers: 1, rates: Self.rates)])
        let slower = Self.rates.map { $0 * 0.8 }
        let new = LoadReport(environment: [], harnessOverhead: [],
                             points: [Self.point(.none, workers: 1, rates: Self.rates), Self.point(.sharded, workers: 1, rates: slower, p99: 1300),
                                      Self.point(.locked, workers: 1, rates: Self.rates)])
        let comparison = RunComparison(base: base, new: try LoadReport(json: new.jsonValue))
        let sharded = try #require(comparison.rows.first { $0.base.cache == .sharded })
        #expect(sharded.verdict == .regressed)
        #expect(abs(sharded.change + 0.2) < 1e-9 && abs(sharded.p99Change - 0.3) < 1e-9)
        #expect(comparison.rows.first { $0.base.cache == .none }?.verdict == .unchanged)
        #expect(comparison.onlyInNew.map(\.cache) == [.locked])
        #expect(comparison.outcome == .regressed)
        #expect(comparison.notes.contains { $0.hasPrefix("only in NEW: hot locked") })

        #expect(RunComparison(base: new, new: new).rows.count == 3)
        #expect(RunComparison(base: new, new: base).outcome == .improvedOnly)
    }

    /// Inside the threshold a significant change is still `~`; three
    /// repetitions a side can never be significant, and the notes say so.
    @Test func thresholdsAndFewRepetitions() {
        let base = LoadReport(environment: [], harnessOverhead: [], points: [Self.point(.none, workers: 1, rates: Self.rates)])
        let slightly = LoadReport(environment: [], harnessOverhead: [], points: [Self.point(.none, workers: 1, rates: Self.rates.map { $0 * 0.97 + 10 })])
        #expect(RunComparison(base: base, new: slightly, threshold: 0.5).rows[0].verdict == .unchanged)
        let three = LoadReport(environment: [], harnessOverhead: [], points: [Self.point(.none, workers: 1, rates: [100, 101, 102])])
        let halved = LoadReport(environment: [], harnessOverhead: [], points: [Self.point(.none, workers: 1, rates: [50, 51, 52])])
        let comparison = RunComparison(base: three, new: halved)
        #expect(comparison.rows[0].verdict == .unchanged)
        #expect(comparison.notes.contains { $0.hasPrefix("with 3 repetitions a side, no change can reach") })
    }

    /// A point whose repetitions spread more than 10 % around the median is flagged.
    @Test func noisyPointsAreFlagged() {
        #expect(!Self.point(.none, workers: 1, rates: Self.rates).isNoisy)
        #expect(Self.point(.none, workers: 1, rates: [100, 101, 115]).isNoisy)
        #expect(Self.point(.none, workers: 1, rates: [85, 100, 101]).isNoisy)
        #expect(Self.point(.none, workers: 1, rates: [100, 101, 115]).jsonValue["noisy"] == .bool(true))
    }
}
