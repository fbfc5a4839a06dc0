import CORSPolicy
import Dispatch
import InternalByteUtilities
@testable import PreflightCache
import PreflightTestSupport
import Synchronization
import Testing

/// The `bucketed` cache's own guarantees: the capacity bound per bucket, the
/// hot set under a flood, memory per entry, and exact answers from many threads.
@Suite struct BucketedCacheTests {
    func bucketed(_ configuration: CacheConfiguration, clock: some PreflightClock = ManualPreflightClock()) -> BucketedPreflightCache {
        BucketedPreflightCache(evaluator: PreflightEvaluator(policy: basePolicy), configuration: configuration, clock: clock)
    }

    @Test(arguments: EvictionPolicy.allCases)
    func capacityIsAHardBoundAndEvictionsAreCounted(eviction: EvictionPolicy) {
        let cache = bucketed(CacheConfiguration(capacity: 100, eviction: eviction, admission: .always))
        for i in 0..<5000 {
            _ = cache.decide(PreflightRequest(origin: "https://t\(i % 700).example.com", method: "PUT"))
            if i % 100 == 0 { #expect(cache.entriesPerBucket().allSatisfy { $0 <= 4 }) }
        }
        let stats = cache.statistics()
        #expect(stats.entries <= 100 && stats.entries == cache.entriesPerBucket().reduce(0, +))
        #expect(stats.evicted > 0)
        #expect(stats.hits + stats.misses + stats.uncacheable == 5000)
    }

    /// As for `sharded`: half the requests unique, half over a hot set that fits.
    @Test(arguments: [(EvictionPolicy.s3fifo, AdmissionPolicy.always), (.sieve, .doorkeeper), (.lru, .doorkeeper)])
    func floodDoesNotFlushTheHotSet(eviction: EvictionPolicy, admission: AdmissionPolicy) {
        let cache = bucketed(CacheConfiguration(capacity: 2000, eviction: eviction, admission: admission))
        let hot = (0..<500).map { PreflightRequest(origin: "https://t\($0).example.com", method: "PUT") }
        for request in hot { _ = cache.decide(request); _ = cache.decide(request) }
        var hotHits = 0
        for i in 0..<40_000 {
            if i % 2 == 0 {
                _ = cache.decide(PreflightRequest(origin: "https://flood\(i).example.net", method: "PUT"))
            } else {
                var hit = false
                let request = hot[(i / 2) % hot.count]
                var origin = request.origin, method = request.method
                _ = origin.withUTF8 { o in method.withUTF8 { m in
                    cache.decide(origin: UnsafeRawBufferPointer(o), method: UnsafeRawBufferPointer(m), requestHeaders: nil, hit: &hit)
                } }
                if hit { hotHits += 1 }
            }
        }
        #expect(cache.statistics().entries <= 2000)
        #expect(hotHits > 20_000 * 8 / 10, "\(eviction)/\(admission): hot set hit \(hotHits) of 20000")
    }

    @Test func oneMillionEntriesFitIn160BytesEach() {
        let cache = bucketed(CacheConfiguration(capacity: 1_000_000, eviction: .s3fifo))
        let bytes = cache.statistics().bytes
        #expect(bytes / cache.capacity <= 160, "\(bytes / cache.capacity) bytes per entry")
        #expect(cache.capacity == 1_000_000)
    }

    /// Keys of equal lengths that differ in a byte, crowded into two buckets,
    /// get their own answers: each way holds the key's own fingerprint.
    @Test func keysSharingABucketNeverAnswerForEachOther() {
        let cache = bucketed(CacheConfiguration(capacity: 16, eviction: .lru, admission: .always))
        // Four buckets of four for a dozen origins of one length: they share
        // buckets, and (the hash being seeded at random) at least one bucket
        // holds at most three of them, so some lookups hit.
        let allowed = (0..<6).map { PreflightRequest(origin: "https://t\($0).example.com", method: "PUT") }
        let denied = (0..<6).map { PreflightRequest(origin: "https://t\($0).example.net", method: "PUT") }
        for _ in 0..<50 {
            for r in allowed { #expect(cache.decide(r) == .allowed) }
            for r in denied { #expect(cache.decide(r) == .originNotAllowed) }
        }
        #expect(cache.statistics().hits > 0)
    }

    /// Many workers on random keys: exact answers (checked against the
    /// engine), clean under ThreadSanitizer, never above four a bucket.
    @Test(arguments: EvictionPolicy.allCases)
    func stressFromManyWorkers(eviction: EvictionPolicy) {
        let clock = ManualPreflightClock()
        let cache = bucketed(CacheConfiguration(capacity: 256, eviction: eviction), clock: clock)
        let workers = 8, perWorker = 4000
        let violations = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var rng = SplitMix64(seed: UInt64(worker) &* 7919)
            for i in 0..<perWorker {
                let request = PreflightRequest(origin: "https://t\(rng.next() % 600).example.com", method: ["PUT", "PATCH"][Int(rng.next() % 2)])
                let expected: PreflightReason = request.method == "PUT" ? .allowed : .methodNotAllowed
                if cache.decide(request) != expected { violations.add(1_000_000, ordering: .relaxed) }
                if i % 500 == 0 {
                    if worker == 0 { clock.advance(seconds: 1) }
                    if cache.entriesPerBucket().contains(where: { $0 > 4 }) { violations.add(1, ordering: .relaxed) }
                }
            }
        }
        #expect(violations.load(ordering: .relaxed) == 0)
        let stats = cache.statistics()
        #expect(stats.lookups == workers * perWorker)
        #expect(stats.entries <= 256)
    }

    /// The replacement word's rules, on their own.
    @Test func bucketControlKeepsRanksAPermutationAndRemembersThreeFingerprints() {
        var rng = SplitMix64(seed: 7)
        for eviction in EvictionPolicy.allCases {
            var control = BucketControl.initial
            for _ in 0..<5000 {
                let way = Int(rng.next() % 4)
                // The hit path's inline check agrees with the full update.
                #expect(control.isSaturated(way, eviction: eviction) == (control.touched(way, eviction: eviction) == nil))
                if rng.next() % 2 == 0, let next = control.touched(way, eviction: eviction) { control = next }
                let fingerprint = rng.next() % 0x3FFF + 1
                let admission = control.admit(fingerprint, eviction: eviction, doorkeeper: rng.next() % 2 == 0)
                if admission.admitted {
                    let chosen = control.chooseWay(ways: 4, free: 0, stale: 0, eviction: eviction) { _ in rng.next() % 0x3FFF + 1 }
                    #expect(chosen.vacancy == .evicted && (0..<4).contains(chosen.way))
                    control.installed(chosen.way, probation: admission.probation)
                    #expect(control.rank(chosen.way) == 0)
                }
                #expect(Set((0..<4).map(control.rank)) == [0, 1, 2, 3])
            }
        }
        var control = BucketControl.initial
        var doorkeeper = control.admit(5, eviction: .lru, doorkeeper: true)
        #expect(!doorkeeper.admitted)
        doorkeeper = control.admit(5, eviction: .lru, doorkeeper: true)
        #expect(doorkeeper.admitted)
        for f in [UInt64(1), 2, 3, 4] { _ = control.admit(f, eviction: .lru, doorkeeper: true) }
        // Only the three newest first misses are remembered.
        #expect(!control.admit(1, eviction: .lru, doorkeeper: true).admitted)
        #expect(control.admit(4, eviction: .lru, doorkeeper: true).admitted)
    }
}
