import BenchmarkHost
import CORSPolicy
import Foundation
import PreflightCache
import PreflightLoad
import PreflightTestSupport
import PreflightTrace
import PreflightWorkload
import Testing
import PreflightSimulation

/// A scenario written as a trace (as `trace` writes it) and read back (as
/// `run --trace` and `simulate --trace` read it) is the same traffic: the same
/// requests in the same order, the same decisions, the same hit rates.
@Suite struct TraceRoundTripTests {
    static func write(_ stream: RequestStream, count: Int, format: TraceWriter.Format, rate: Double) throws -> String {
        var text = TraceWriter.header(format).map { $0 + "\n" } ?? ""
        for i in 0..<count {
            let r = stream.request(i & stream.mask)
            text += TraceWriter.line(TraceRecord(time: 1_780_000_000 + Double(i) / rate, origin: r.origin, method: r.method, headers: r.requestHeaders,
                                                 client: "c\(i % 7)"), format: format, key: Int(stream.keyIDs[i & stream.mask])) + "\n"
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString).\(format.rawValue)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: [TraceWriter.Format.jsonl, .csv])
    func aWrittenTraceReplaysAsItsScenario(format: TraceWriter.Format) throws {
        let stream = try RequestStream(scenario: smallScenario("churn"))
        let count = 6000, rate = 200.0
        let path = try Self.write(stream, count: count, format: format, rate: rate)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let trace = try TraceSource(path: path, format: nil, strict: true, policy: stream.policy)
        #expect(trace.summary.format.rawValue == format.rawValue && trace.summary.preflights == count && trace.summary.bad == 0)
        let evaluator = PreflightEvaluator(policy: stream.policy)
        for i in 0..<count {
            let original = stream.request(i & stream.mask), replayed = trace.stream.request(i)
            #expect(original == replayed)
            if i % 10 == 0 { #expect(evaluator.evaluate(original) == evaluator.evaluate(replayed)) }
        }
        // The simulation at the trace's own times equals the scenario's at the same rate.
        var fromScenario = Simulation(capacities: [100, 1000], evictions: [.lru, .s3fifo], maxAges: [60], duration: Double(count) / rate, rate: rate)
        fromScenario.samples = 10
        var fromTrace = fromScenario
        let times = try #require(trace.times)
        fromTrace.times = times
        let a = fromScenario.run(stream: stream), b = fromTrace.run(stream: trace.stream)
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) {
            #expect(x.requests == y.requests)
            #expect(abs(x.hitRate - y.hitRate) < 1e-9, "\(x.capacity) \(x.eviction): \(x.hitRate) vs \(y.hitRate)")
            #expect(abs(x.optimalHitRate - y.optimalHitRate) < 1e-9)
        }
    }

    /// `simulate --trace` streams the file through every point (memory:
    /// distinct keys): the same hit rates and optimum as replaying it from
    /// memory, and past the optimum's limit the same hit rates without it.
    @Test func streamingReplayMatchesTheInMemoryReplay() throws {
        let stream = try RequestStream(scenario: smallScenario("realistic"))
        let count = 5000, rate = 50.0
        let path = try Self.write(stream, count: count, format: .jsonl, rate: rate)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var simulation = Simulation(capacities: [100, 1000], evictions: [.lru, .sieve, .s3fifo], maxAges: [5, 600], duration: 1, rate: rate)
        simulation.samples = 10
        let streamed = try TraceReplay.simulate(path: path, format: nil, strict: true, policy: stream.policy, simulation: simulation)
        let trace = try TraceSource(path: path, format: nil, strict: true, policy: stream.policy)
        var inMemory = simulation
        let times = try #require(trace.times)
        inMemory.times = times
        let reference = inMemory.run(stream: trace.stream)
        #expect(streamed.optimum && streamed.points.count == reference.count && streamed.distinctKeys == trace.stream.distinctKeys)
        for (a, b) in zip(streamed.points, reference) {
            #expect(a.capacity == b.capacity && a.eviction == b.eviction && a.maxAge == b.maxAge && a.requests == count)
            #expect(abs(a.hitRate - b.hitRate) < 1e-12, "\(a.capacity) \(a.eviction) \(a.maxAge)")
            #expect(abs(a.optimalHitRate - b.optimalHitRate) < 1e-12)
            #expect(a.peakEntries == b.peakEntries)
        }
        let long = try TraceReplay.simulate(path: path, format: nil, strict: true, policy: stream.policy, simulation: simulation, optimumLimit: 1000)
        #expect(!long.optimum && long.points.allSatisfy { $0.optimalHitRate.isNaN })
        #expect(zip(long.points, reference).allSatisfy { abs($0.hitRate - $1.hitRate) < 1e-12 })
    }

    @Test func libCacheSimLinesCarryOneIDPerKey() {
        let a = TraceWriter.line(TraceRecord(time: 12.7, origin: "o", method: "PUT"), format: .libcachesim, key: 42)
        #expect(a == "12,42,1")
    }

    @Test func badLinesAreCountedAndStrictStops() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).jsonl").path
        let lines = (0..<20).map { i in i % 3 == 0 ? "oops \(i)" : #"{"origin": "https://a.example", "method": "PUT"}"# }
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let policy = try CORSPolicy(validating: PolicyConfiguration(origins: ["https://a.example"], methods: ["PUT"]))
        let trace = try TraceSource(path: path, format: .jsonl, strict: false, policy: policy)
        #expect(trace.summary.bad == 7 && trace.summary.preflights == 13)
        #expect(trace.summary.firstBad.map(\.line) == [1, 4, 7, 10, 13])
        #expect(trace.times == nil)
        #expect(throws: HostError.self) { try TraceSource(path: path, format: .jsonl, strict: true, policy: policy) }
        try "oops\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: HostError.self) { try TraceSource(path: path, format: .jsonl, strict: false, policy: policy) }
    }
}
