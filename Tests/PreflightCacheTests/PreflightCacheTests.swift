import CORSPolicy
import Dispatch
import OriginMatching
import PreflightCache
import InternalByteUtilities
import PreflightTestSupport
import Synchronization
import Testing

let basePolicy = try! CORSPolicy(validating: PolicyConfiguration(
    origins: ["https://app.example.com", "https://*.example.com", "http://localhost:*"],
    methods: ["PUT", "DELETE"], requestHeaders: ["content-type", "x-request-id"], credentials: true, maxAge: 60))
let otherPolicy = try! CORSPolicy(validating: PolicyConfiguration(
    origins: ["https://other.example.org"], methods: ["PATCH"], requestHeaders: ["x-other"], maxAge: 30))


/// Every cache configuration worth checking.
let configurations: [(PreflightCacheKind, CacheConfiguration)] = [(.locked, CacheConfiguration(capacity: 64))]
    + EvictionPolicy.allCases.flatMap { eviction in
        AdmissionPolicy.allCases.flatMap { admission -> [(PreflightCacheKind, CacheConfiguration)] in
            [(.sharded, CacheConfiguration(capacity: 64, shards: 4, eviction: eviction, admission: admission)),
             (.bucketed, CacheConfiguration(capacity: 64, eviction: eviction, admission: admission)),
             // Fewer than four entries: one bucket of fewer ways.
             (.bucketed, CacheConfiguration(capacity: 3, eviction: eviction, admission: admission))]
        }
    }

func randomRequest(_ rng: inout SplitMix64) -> PreflightRequest {
    let origins = ["https://app.example.com", "https://a.example.com", "https://b.example.com", "http://localhost:3000",
                   "https://evil.com", "https://other.example.org", "https://APP.example.com", "null"]
        + (0..<40).map { "https://t\($0).example.com" }
    let methods = ["PUT", "DELETE", "PATCH", "GET", "put"]
    let headers: [String?] = [nil, "content-type", "Content-Type, X-Request-ID", "x-request-id,content-type", "x-other", "authorization", "a b", ""]
    return PreflightRequest(origin: origins.randomElement(using: &rng)!, method: methods.randomElement(using: &rng)!,
                            requestHeaders: headers.randomElement(using: &rng)!)
}

@Suite struct CacheDifferentialTests {
    /// For random streams with a fake clock and occasional policy replacements,
    /// a cached decider answers exactly what the engine alone answers.
    @Test(arguments: configurations.indices)
    func cachedDecisionsEqualUncached(index: Int) {
        let (kind, configuration) = configurations[index]
        var rng = SplitMix64(seed: UInt64(index) + 1)
        let clock = ManualPreflightClock()
        let cache = makePreflightDecider(kind, evaluator: PreflightEvaluator(policy: basePolicy), configuration: configuration, clock: clock)
        var reference = PreflightEvaluator(policy: basePolicy)
        var lookups = 0
        for step in 0..<20_000 {
            if step % 5000 == 4999 {
                reference = PreflightEvaluator(policy: step % 10000 == 4999 ? otherPolicy : basePolicy)
                cache.replacePolicy(reference)
            }
            if step % 97 == 0 { clock.advance(seconds: Double(rng.next() % 20)) }
            let request = randomRequest(&rng)
            #expect(cache.decide(request) == reference.evaluate(request).reason, "step \(step) \(request)")
            lookups += 1
        }
        let stats = cache.statistics()
        #expect(stats.lookups == lookups)
        // ~1,900 distinct keys against 64 entries: few hits, but the cache must be in use.
        #expect(stats.hits > (configuration.capacity >= 64 ? 100 : 0), "\(stats)")
        #expect(stats.entries <= configuration.capacity)
    }
}

@Suite struct CacheSemanticsTests {
    func sharded(_ configuration: CacheConfiguration = CacheConfiguration(capacity: 1000, shards: 8, admission: .always),
                 clock: ManualPreflightClock, policy: CORSPolicy = basePolicy) -> ShardedPreflightCache {
        ShardedPreflightCache(evaluator: PreflightEvaluator(policy: policy), configuration: configuration, clock: clock)
    }

    @Test(arguments: [PreflightCacheKind.locked, .sharded, .bucketed])
    func expiresAtTheExactTick(kind: PreflightCacheKind) {
        let clock = ManualPreflightClock(nanoseconds: 5_000_000_000)
        let cache = makePreflightDecider(kind, evaluator: PreflightEvaluator(policy: basePolicy),
                                         configuration: CacheConfiguration(capacity: 10, shards: 1, admission: .always, deniedTTLSeconds: 2), clock: clock)
        let allowed = PreflightRequest(origin: "https://app.example.com", method: "PUT")
        let denied = PreflightRequest(origin: "https://evil.com", method: "PUT")
        _ = cache.decide(allowed)
        _ = cache.decide(denied)
        clock.advance(nanoseconds: 2_000_000_000 - 1)
        _ = cache.decide(denied)
        #expect(cache.statistics().hits == 1)
        clock.advance(nanoseconds: 1)
        _ = cache.decide(denied)
        #expect(cache.statistics().hits == 1, "a denial expires at exactly its TTL")
        clock.advance(nanoseconds: 58_000_000_000 - 1)
        _ = cache.decide(allowed)
        #expect(cache.statistics().hits == 2, "max-age 60 s: one tick before expiry still hits")
        clock.advance(nanoseconds: 1)
        _ = cache.decide(allowed)
        let stats = cache.statistics()
        #expect(stats.hits == 2)
        // Both expired entries were found stale (the sharded sweep may also drop the second denial).
        #expect(stats.expired >= 2)
    }

    @Test func noisyHeaderListsShareOneEntry() {
        let cache = sharded(clock: ManualPreflightClock())
        for headers in ["content-type,x-request-id", "Content-Type, X-Request-ID", "x-request-id,content-type", " X-REQUEST-ID,content-type,content-type"] {
            #expect(cache.decide(PreflightRequest(origin: "https://app.example.com", method: "PUT", requestHeaders: headers)) == .allowed)
        }
        let stats = cache.statistics()
        #expect(stats.entries == 1)
        #expect(stats.hits == 3)
    }

    /// One record, reused by keys of 4 to 12 words, each hitting right after
    /// it replaced a longer or a shorter one. (The hit path compares whole
    /// blocks of key words, so a record must hold zeros past its key: a
    /// longer key's stale words would turn these hits into misses.)
    @Test func aReusedRecordHitsForKeysOfEveryLength() throws {
        let names = (0..<4).map { "x-header-name-\($0)" }
        let policy = try CORSPolicy(validating: PolicyConfiguration(
            origins: ["https://app.example.com"], methods: ["PUT"], requestHeaders: ["a"] + names, maxAge: 60))
        let cache = sharded(CacheConfiguration(capacity: 1, shards: 1, admission: .always), clock: ManualPreflightClock(), policy: policy)
        // Origin and method take 4 words; the lists add 0, 1, 2, 4, 6 and 8.
        let lists: [String?] = [nil, "a"] + (1...4).map { names.prefix($0).joined(separator: ",") }
        var expectedHits = 0
        for order in [lists, Array(lists.reversed().dropFirst())] {
            for headers in order {
                let request = PreflightRequest(origin: "https://app.example.com", method: "PUT", requestHeaders: headers)
                #expect(cache.decide(request) == .allowed)
                #expect(cache.decide(request) == .allowed)
                expectedHits += 1
                #expect(cache.statistics().hits == expectedHits, "a repeat of \(headers ?? "no list") must hit")
            }
        }
        #expect(cache.statistics().entries == 1)
    }

    @Test func longKeysAreUncacheableAndStillDecided() {
        let cache = sharded(clock: ManualPreflightClock())
        let long = (0..<30).map { "x-header-\($0)" }.joined(separator: ",")
        #expect(cache.decide(PreflightRequest(origin: "https://app.example.com", method: "PUT", requestHeaders: long)) == .headerNotAllowed)
        #expect(cache.decide(PreflightRequest(origin: "https://app.example.com", method: "PUT", requestHeaders: "a b")) == .malformedRequestHeaders)
        let stats = cache.statistics()
        #expect(stats.uncacheable == 2)
        #expect(stats.entries == 0)
        #expect(stats.lookups == 2)
    }

    @Test func maxAgeZeroIsNotCached() throws {
        let policy = try CORSPolicy(validating: PolicyConfiguration(origins: ["https://a.com"], maxAge: 0))
        let cache = sharded(clock: ManualPreflightClock(), policy: policy)
        _ = cache.decide(PreflightRequest(origin: "https://a.com", method: "GET"))
        _ = cache.decide(PreflightRequest(origin: "https://a.com", method: "GET"))
        #expect(cache.statistics().hits == 0)
        #expect(cache.statistics().entries == 0)
    }

    @Test func replacedPolicyIsNeverServedAfterReplaceReturns() {
        let cache = sharded(clock: ManualPreflightClock())
        let request = PreflightRequest(origin: "https://app.example.com", method: "PUT")
        #expect(cache.decide(request) == .allowed)
        #expect(cache.decide(request) == .allowed)
        cache.replacePolicy(PreflightEvaluator(policy: otherPolicy))
        #expect(cache.decide(request) == .originNotAllowed)
    }

    @Test(arguments: EvictionPolicy.allCases)
    func capacityIsAHardBoundAndEvictionsAreCounted(eviction: EvictionPolicy) {
        let cache = sharded(CacheConfiguration(capacity: 100, shards: 4, eviction: eviction, admission: .always), clock: ManualPreflightClock())
        for i in 0..<5000 {
            _ = cache.decide(PreflightRequest(origin: "https://t\(i % 700).example.com", method: "PUT"))
            if i % 100 == 0 { #expect(cache.entriesPerShard().allSatisfy { $0 <= 25 }) }
        }
        let stats = cache.statistics()
        #expect(stats.entries <= 100)
        #expect(stats.evicted > 0)
        #expect(stats.hits + stats.misses + stats.uncacheable == 5000)
    }

    /// cors-facts.md section 7: under a flood of unique keys, an admission filter
    /// keeps the hot set. Half the requests are unique; the other half cycle
    /// over a hot set that fits in the cache.
    @Test(arguments: [(EvictionPolicy.s3fifo, AdmissionPolicy.always), (.sieve, .doorkeeper), (.lru, .doorkeeper)])
    func floodDoesNotFlushTheHotSet(eviction: EvictionPolicy, admission: AdmissionPolicy) {
        let cache = sharded(CacheConfiguration(capacity: 2000, shards: 4, eviction: eviction, admission: admission), clock: ManualPreflightClock())
        let hot = (0..<500).map { PreflightRequest(origin: "https://t\($0).example.com", method: "PUT") }
        for request in hot { _ = cache.decide(request); _ = cache.decide(request) }
        let before = cache.statistics()
        var hotHits = 0
        for i in 0..<40_000 {
            if i % 2 == 0 {
                _ = cache.decide(PreflightRequest(origin: "https://flood\(i).example.net", method: "PUT"))
            } else {
                let hitsBefore = cache.statistics().hits
                _ = cache.decide(hot[(i / 2) % hot.count])
                if cache.statistics().hits > hitsBefore { hotHits += 1 }
            }
        }
        #expect(cache.statistics().entries <= 2000)
        #expect(hotHits > 20_000 * 8 / 10, "\(eviction)/\(admission): hot set hit \(hotHits) of 20000 (before: \(before))")
    }

    @Test func oneMillionEntriesFitIn160BytesEach() {
        let cache = sharded(CacheConfiguration(capacity: 1_000_000, shards: 64, eviction: .s3fifo), clock: ManualPreflightClock())
        let bytes = cache.statistics().bytes
        #expect(bytes / cache.capacity <= 160, "\(bytes / cache.capacity) bytes per entry")
        #expect(cache.capacity == 1_000_000)
    }
}

@Suite struct CacheConcurrencyTests {
    /// Many Dispatch workers on random keys: clean under ThreadSanitizer,
    /// never above capacity, counters consistent.
    @Test(arguments: EvictionPolicy.allCases)
    func stressFromManyWorkers(eviction: EvictionPolicy) {
        let clock = ManualPreflightClock()
        let cache = ShardedPreflightCache(evaluator: PreflightEvaluator(policy: basePolicy),
                                          configuration: CacheConfiguration(capacity: 256, shards: 8, eviction: eviction), clock: clock)
        let workers = 8, perWorker = 4000
        let overCapacity = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var rng = SplitMix64(seed: UInt64(worker) &* 7919)
            for i in 0..<perWorker {
                let request = PreflightRequest(origin: "https://t\(rng.next() % 600).example.com", method: ["PUT", "PATCH"][Int(rng.next() % 2)])
                let expected: PreflightReason = request.method == "PUT" ? .allowed : .methodNotAllowed
                if cache.decide(request) != expected { overCapacity.add(1_000_000, ordering: .relaxed) }
                if i % 500 == 0 {
                    if worker == 0 { clock.advance(seconds: 1) }
                    if cache.entriesPerShard().contains(where: { $0 > 32 }) { overCapacity.add(1, ordering: .relaxed) }
                }
            }
        }
        #expect(overCapacity.load(ordering: .relaxed) == 0)
        let stats = cache.statistics()
        #expect(stats.lookups == workers * perWorker)
        #expect(stats.entries <= 256)
    }

    @Test func policyReplacementDuringTraffic() {
        let cache = ShardedPreflightCache(evaluator: PreflightEvaluator(policy: basePolicy),
                                          configuration: CacheConfiguration(capacity: 1000, shards: 8, admission: .always), clock: SystemPreflightClock())
        let replaced = Atomic<Bool>(false)
        let violations = Atomic<Int>(0)
        let request = PreflightRequest(origin: "https://app.example.com", method: "PUT")
        DispatchQueue.concurrentPerform(iterations: 5) { worker in
            if worker == 0 {
                for _ in 0..<2000 { _ = cache.decide(request) }
                cache.replacePolicy(PreflightEvaluator(policy: otherPolicy))
                replaced.store(true, ordering: .releasing)
                for _ in 0..<2000 where cache.decide(request) != .originNotAllowed { violations.add(1, ordering: .relaxed) }
            } else {
                for i in 0..<20_000 {
                    let after = replaced.load(ordering: .acquiring)
                    let reason = cache.decide(PreflightRequest(origin: i % 2 == 0 ? "https://app.example.com" : "https://t\(i % 50).example.com", method: "PUT"))
                    // A lookup that starts after the replacement returned must use the new policy.
                    if after && reason == .allowed { violations.add(1, ordering: .relaxed) }
                }
            }
        }
        #expect(violations.load(ordering: .relaxed) == 0)
    }

    @Test func lockedBaselineIsThreadSafeToo() {
        let cache = LockedPreflightCache(evaluator: PreflightEvaluator(policy: basePolicy), configuration: CacheConfiguration(capacity: 100), clock: ManualPreflightClock())
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for i in 0..<3000 { _ = cache.decide(PreflightRequest(origin: "https://t\((i * (worker + 1)) % 300).example.com", method: "PUT")) }
        }
        let stats = cache.statistics()
        #expect(stats.lookups == 12_000)
        #expect(stats.entries <= 100)
    }
}
