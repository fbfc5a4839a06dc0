import CORSPolicy
@testable import PreflightCache
@testable import PreflightLoad
import PreflightTestSupport
import PreflightWorkload
import Testing
@testable import PreflightSimulation

/// `simulate` and the `sharded` cache share one implementation of eviction
/// (`EvictionQueues`). These tests hold them to it: one key stream through a
/// one-shard cache and through the simulator, with the same capacity, clock
/// and key hashes, must give the same hit or miss on every request and the
/// same evictions, expirations and entries after every request.
@Suite struct EvictionDifferentialTests {
    static let cases: [(String, EvictionPolicy, Int)] = [
        ("realistic", .lru, 300), ("realistic", .sieve, 300), ("realistic", .s3fifo, 300),
        ("flood", .lru, 200), ("flood", .sieve, 200), ("flood", .s3fifo, 200),
        ("churn", .s3fifo, 150), ("churn", .sieve, 150), ("churn", .lru, 150),
    ]

    @Test(arguments: cases)
    func cacheAndSimulatorMakeTheSameChoices(scenario name: String, eviction: EvictionPolicy, capacity: Int) throws {
        var scenario = smallScenario(name)
        scenario.maxAge = 2 // entries expire within the replay: the sweep and in-place refreshes run
        let stream = try RequestStream(scenario: scenario)
        let clock = ManualPreflightClock(nanoseconds: Simulation.epoch)
        let cache = ShardedPreflightCache(evaluator: PreflightEvaluator(policy: stream.policy),
                                          configuration: CacheConfiguration(capacity: capacity, shards: 1, eviction: eviction), clock: clock)
        #expect(cache.shardCountUsed == 1)
        // The cache's hash of each key's bytes, so doorkeeper bits and ghost fingerprints match.
        let hashes = try stream.keyRepresentatives.map { position in
            try #require(stream.withRequest(position) { origin, method, headers in
                CacheKey.withBuffer { key -> UInt64? in
                    guard let shape = CacheKey.build(origin: origin, method: method, requestHeaders: headers, into: key) else { return nil }
                    return cache.hash(key, shape)
                }
            }, "every key of the scenario is cacheable")
        }
        let simulation = Simulation(capacities: [capacity], evictions: [eviction], maxAges: [2], duration: 8, rate: 2000)
        let evaluator = PreflightEvaluator(policy: stream.policy)
        let allowed = stream.keyRepresentatives.map { evaluator.evaluate(stream.request($0)).isAllowed }
        var mismatches: [String] = []
        var hits = 0, evictions = 0
        let base = stream.keyIDs.count
        _ = simulation.replay(stream: stream, allowed: allowed, capacity: capacity, eviction: eviction, allowedTTL: 2, hashes: hashes) { i, simulatedHit, shard in
            clock.set(nanoseconds: Simulation.epoch + UInt64(i) * simulation.step)
            var hit = false
            _ = stream.withRequest(i % base) { origin, method, headers in
                cache.decide(origin: origin, method: method, requestHeaders: headers, hit: &hit)
            }
            let statistics = cache.statistics()
            let cached = (hit, statistics.evicted, statistics.expired, statistics.entries, statistics.rejected)
            let simulated = (simulatedHit, shard.evicted, shard.expired, shard.count, shard.rejected)
            if cached != simulated && mismatches.count < 5 {
                mismatches.append("request \(i): cache (hit, evicted, expired, entries, rejected) \(cached), simulator \(simulated)")
            }
            hits += hit ? 1 : 0
            evictions = statistics.evicted
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        // The comparison means something only if the stream made the cache hit, evict and expire.
        #expect(hits > 0 && evictions > 0)
    }

    /// The same for the `bucketed` cache and `SimulatedBuckets`: one stream,
    /// the cache's own hashes, the same choice on every request.
    @Test(arguments: cases)
    func bucketedCacheAndSimulatorMakeTheSameChoices(scenario name: String, eviction: EvictionPolicy, capacity: Int) throws {
        var scenario = smallScenario(name)
        scenario.maxAge = 2
        let stream = try RequestStream(scenario: scenario)
        let clock = ManualPreflightClock(nanoseconds: Simulation.epoch)
        let cache = BucketedPreflightCache(evaluator: PreflightEvaluator(policy: stream.policy),
                                           configuration: CacheConfiguration(capacity: capacity, eviction: eviction), clock: clock)
        let hashes = try stream.keyRepresentatives.map { position in
            try #require(stream.withRequest(position) { origin, method, headers in
                CacheKey.withBuffer { key -> UInt64? in
                    guard let shape = CacheKey.build(origin: origin, method: method, requestHeaders: headers, into: key) else { return nil }
                    return cache.hash(key, shape)
                }
            }, "every key of the scenario is cacheable")
        }
        let simulation = Simulation(capacities: [capacity], evictions: [eviction], maxAges: [2], duration: 8, rate: 2000)
        let evaluator = PreflightEvaluator(policy: stream.policy)
        let allowed = stream.keyRepresentatives.map { evaluator.evaluate(stream.request($0)).isAllowed }
        var mismatches: [String] = []
        var hits = 0, evictions = 0
        let base = stream.keyIDs.count
        _ = simulation.replayBuckets(stream: stream, allowed: allowed, capacity: capacity, eviction: eviction, allowedTTL: 2, hashes: hashes) {
            i, simulatedHit, buckets in
            clock.set(nanoseconds: Simulation.epoch + UInt64(i) * simulation.step)
            var hit = false
            _ = stream.withRequest(i % base) { origin, method, headers in
                cache.decide(origin: origin, method: method, requestHeaders: headers, hit: &hit)
            }
            let statistics = cache.statistics()
            let cached = (hit, statistics.evicted, statistics.expired, statistics.entries, statistics.rejected)
            let simulated = (simulatedHit, buckets.evicted, buckets.expired, buckets.count, buckets.rejected)
            if cached != simulated && mismatches.count < 5 {
                mismatches.append("request \(i): cache (hit, evicted, expired, entries, rejected) \(cached), simulator \(simulated)")
            }
            hits += hit ? 1 : 0
            evictions = statistics.evicted
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        #expect(hits > 0 && evictions > 0)
    }
}
