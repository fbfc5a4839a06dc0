import CORSPolicy
import InternalByteUtilities
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
        let clock = ManualPreflightClock(nanoseconds: Simulation.epoch)
        let stream = try Self.stream(name)
        let cache = ShardedPreflightCache(evaluator: PreflightEvaluator(policy: stream.policy),
                                          configuration: CacheConfiguration(capacity: capacity, shards: 1, eviction: eviction), clock: clock,
                                          secretsFrom: .seeded(SplitMix64(seed: Self.secretSeed)))
        #expect(cache.shardCountUsed == 1)
        try Self.expectSameChoices(stream: stream, cache: cache, hash: cache.hash, clock: clock, capacity: capacity, eviction: eviction) { hashes in
            SimulatedShard(hashes: hashes, capacity: capacity, eviction: eviction, admission: CacheConfiguration(eviction: eviction).effectiveAdmission)
        }
    }

    /// The same for the `bucketed` cache and `SimulatedBuckets`.
    @Test(arguments: cases)
    func bucketedCacheAndSimulatorMakeTheSameChoices(scenario name: String, eviction: EvictionPolicy, capacity: Int) throws {
        let clock = ManualPreflightClock(nanoseconds: Simulation.epoch)
        let stream = try Self.stream(name)
        let cache = BucketedPreflightCache(evaluator: PreflightEvaluator(policy: stream.policy),
                                           configuration: CacheConfiguration(capacity: capacity, eviction: eviction), clock: clock,
                                           secretsFrom: .seeded(SplitMix64(seed: Self.secretSeed)))
        try Self.expectSameChoices(stream: stream, cache: cache, hash: cache.hash, clock: clock, capacity: capacity, eviction: eviction) { hashes in
            SimulatedBuckets(hashes: hashes, capacity: capacity, eviction: eviction, admission: CacheConfiguration(eviction: eviction).effectiveAdmission)
        }
    }

    /// Fixed hash secrets, so the keys' homes, and with them the sanity check
    /// that the stream evicts, are the same on every run: with random secrets
    /// one run of `bucketed` on `flood` (SIEVE, 200 entries) made no eviction.
    static let secretSeed: UInt64 = 0x0DD5_EED5

    /// A small scenario whose entries expire within the replay, so the sweep and in-place refreshes run.
    static func stream(_ name: String) throws -> RequestStream {
        var scenario = smallScenario(name)
        scenario.maxAge = 2
        return try RequestStream(scenario: scenario)
    }

    /// Replays `stream` through `cache` and through the model `makeModel`
    /// builds from the cache's own hash of each key (so doorkeeper bits,
    /// buckets and ghost fingerprints match), expecting the same hit or miss,
    /// evictions, expirations, entries and rejections after every request.
    static func expectSameChoices<Model: SimulatedCache>(stream: RequestStream, cache: some PreflightDecider,
                                                         hash: (UnsafePointer<UInt64>, CacheKey.Shape) -> UInt64, clock: ManualPreflightClock,
                                                         capacity: Int, eviction: EvictionPolicy, makeModel: ([UInt64]) -> Model) throws {
        let hashes = try stream.keyRepresentatives.map { position in
            try #require(stream.withRequest(position) { origin, method, headers in
                CacheKey.withBuffer { key -> UInt64? in
                    guard let shape = CacheKey.build(origin: origin, method: method, requestHeaders: headers, into: key) else { return nil }
                    return hash(key, shape)
                }
            }, "every key of the scenario is cacheable")
        }
        let simulation = Simulation(capacities: [capacity], evictions: [eviction], maxAges: [2], duration: 8, rate: 2000)
        let evaluator = PreflightEvaluator(policy: stream.policy)
        let allowed = stream.keyRepresentatives.map { evaluator.evaluate(stream.request($0)).isAllowed }
        var mismatches: [String] = []
        var hits = 0, evictions = 0
        let base = stream.keyIDs.count
        var model = makeModel(hashes)
        defer { model.deallocate() }
        _ = simulation.replay(stream: stream, allowed: allowed, capacity: capacity, eviction: eviction, allowedTTL: 2, through: &model) {
            i, simulatedHit, model in
            clock.set(nanoseconds: Simulation.epoch + UInt64(i) * simulation.step)
            var hit = false
            _ = stream.withRequest(i % base) { origin, method, headers in
                cache.decide(origin: origin, method: method, requestHeaders: headers, hit: &hit)
            }
            let statistics = cache.statistics()
            let cached = (hit, statistics.evicted, statistics.expired, statistics.entries, statistics.rejected)
            let simulated = (simulatedHit, model.evicted, model.expired, model.count, model.rejected)
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
}
