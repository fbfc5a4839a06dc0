import JSONValue
import OriginMatching
import PreflightCache
import PreflightLoad
import PreflightWorkload
import Testing

func smallScenario(_ name: String) -> Scenario {
    var s = Scenario.preset(named: name)!
    s.requests = 1 << 14
    s.origins = min(s.origins, 2000)
    s.patterns = min(s.patterns, 500)
    return s
}

@Suite struct WorkloadTests {
    @Test(arguments: Scenario.presets.map(\.name))
    func everyPresetGeneratesAValidStream(name: String) throws {
        let stream = try RequestStream(scenario: smallScenario(name))
        #expect(stream.count == 1 << 14)
        #expect(stream.distinctKeys > 1)
        #expect(stream.keyIDs.count == stream.count)
        #expect(stream.keyRepresentatives.count == stream.distinctKeys)
        if name == "flood" { #expect(stream.singletonShare > 0.2) }
    }

    @Test func presetsRoundTripThroughJSON() throws {
        for preset in Scenario.presets {
            let decoded = try Scenario(json: Array(preset.jsonValue.prettyJSONText.utf8))
            #expect(decoded == preset)
        }
    }

    /// Exact header lists are part of the scenario, not of its name: a
    /// renamed copy of `hot` draws the same keys.
    @Test func headerListsComeFromTheScenarioNotItsName() throws {
        var copy = Scenario.preset(named: "hot")!
        copy.name = "mine"
        copy.requests = 1 << 14
        var hot = Scenario.preset(named: "hot")!
        hot.requests = 1 << 14
        let a = try RequestStream(scenario: hot), b = try RequestStream(scenario: copy)
        #expect(a.distinctKeys == b.distinctKeys)
        #expect((0..<64).map { a.request($0) } == (0..<64).map { b.request($0) })
        let headers = Set((0..<a.count).compactMap { a.request($0).requestHeaders })
        #expect(headers == Set(Scenario.floorHeaderSets))

        let file = try Scenario(json: Array(#"{"headerLists": ["X-Trace-ID, content-type", "accept"], "requests": 4096}"#.utf8))
        #expect(file.headerLists == ["X-Trace-ID, content-type", "accept"])
        let stream = try RequestStream(scenario: file)
        #expect(Set((0..<stream.count).compactMap { stream.request($0).requestHeaders }) == ["content-type,x-trace-id", "accept"])
        do {
            _ = try Scenario(json: Array(#"{"headerLists": ["a b"]}"#.utf8))
            Issue.record("accepted an invalid header list")
        } catch {
            #expect(error.problems.contains { $0.hasPrefix("headerLists[0]") })
        }
    }

    @Test func scenarioFilesNameTheirMistakes() {
        #expect(throws: ScenarioError.self) { try Scenario(json: Array(#"{"origin": 5}"#.utf8)) }
        do {
            _ = try Scenario(json: Array("{\"zipfSkew\": \"high\", \"floodShare\": 2}".utf8))
            Issue.record("accepted an invalid scenario")
        } catch {
            #expect(error.problems.contains { $0.hasPrefix("zipfSkew (line 1, column 14)") })
            #expect(error.problems.contains { $0.contains("floodShare must be between 0 and 1") })
        }
    }
}

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
