import JSONValue
import OriginMatching
import PreflightCache
import PreflightLoad
import PreflightTestSupport
import PreflightWorkload
import Testing
import PreflightSimulation

@Suite struct SimulationTests {
    @Test func theOptimumBoundsEveryPolicy() throws {
        let stream = try RequestStream(scenario: smallScenario("realistic"))
        let simulation = Simulation(capacities: [50, 500], evictions: EvictionPolicy.allCases, maxAges: [5, 600], duration: 20, rate: 2000)
        let points = simulation.run(stream: stream)
        #expect(points.count == 12)
        for p in points {
            #expect(p.hitRate <= p.optimalHitRate + 1e-9, "\(p.capacity) \(p.eviction) \(p.maxAge)")
            #expect(p.peakEntries <= p.capacity)
            #expect(p.hitRate > 0)
        }
        // More capacity never lowers the optimum.
        for age in [5, 600] {
            let optima = points.filter { $0.maxAge == age && $0.eviction == .lru }.sorted { $0.capacity < $1.capacity }.map(\.optimalHitRate)
            #expect(optima == optima.sorted())
        }
    }
}

@Suite struct LoadRunTests {
    @Test func runProducesEveryDocumentedKey() throws {
        let stream = try RequestStream(scenario: smallScenario("hot"))
        var options = LoadOptions()
        options.workers = [1, 2]
        options.caches = [.none, .sharded]
        options.capacities = [50_000]
        options.duration = 0.05
        options.warmup = 0.01
        options.repetitions = 2
        let runner = LoadRunner(options: options, allocations: .unavailable)
        var points: [LoadPoint] = []
        runner.measure(stream: stream, stop: { false }) { points.append($0) }
        #expect(points.count == 4)
        let sharded = points.filter { $0.cache == .sharded }
        #expect(sharded.allSatisfy { ($0.hitRate ?? 0) > 0.99 }, "hot prewarms: every lookup hits")
        let report = LoadReport(environment: [("cpu", .string("test"))], harnessOverhead: [("hot", 5)], points: points)
        let keys = ["scenario", "workers", "cache", "matcher", "capacity", "eviction", "decisions", "seconds", "decisionsPerSecond",
                    "decisionsPerSecondMin", "decisionsPerSecondMax", "hitRate", "p50Nanos", "p99Nanos", "p999Nanos",
                    "allocationsPerDecision", "entries", "bytesPerEntry", "evictions", "expirations", "shards", "allocator"]
        for point in report.jsonValue["points"]!.arrayValue! {
            for key in keys { #expect(point[key] != nil, "missing \(key)") }
        }
        let reread = try LoadReport(json: JSONValue.parse(report.jsonValue.prettyJSONText))
        #expect(reread.points.count == 4)
        // Values are rounded once when written; after that, report DIR renders the same files.
        let again = try LoadReport(json: JSONValue.parse(reread.jsonValue.prettyJSONText))
        #expect(again.csv == reread.csv)
        #expect(reread.points.map(\.decisions) == points.map(\.decisions))
        #expect(reread.points.map(\.p99Nanos) == points.map(\.p99Nanos))
        #expect(report.charts().count >= 3)
        #expect(report.summaryMarkdown(command: "x", charts: []).contains("Throughput vs workers"))
    }
}
