#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import CORSPolicy
import Synchronization

/// `bucketed`: a set-associative cache of fingerprints. A key's hash picks
/// one bucket of four ways; a way is 32 bytes (`BucketWay`: the key's 122-bit
/// `KeyFingerprint`, expiry, policy generation, reason), so a bucket is 128
/// bytes, two adjacent cache lines, and the bucket's seqlock version and
/// replacement word (`BucketControl`) sit in a 16-byte header beside its
/// neighbours' (a table a thirty-second the size of the ways). A key's whole
/// life is its bucket:
///
/// - a hit hashes the key, loads the header and the four ways' first words
///   (one trip to memory: the bucket's two lines are adjacent), compares the
///   matching way's second word, and takes no lock and writes nothing unless
///   the replacement bits change;
/// - a miss learns from the same loads that the key is absent, evaluates,
///   locks the bucket (the version word itself: odd while a writer is in),
///   chooses a way among the four already loaded (free, expired, else the
///   policy's victim in the bucket) and writes its 32 bytes, in lines the
///   lookup brought in. No other line is read or written.
///
/// Keys are not stored: a hit is served when the 122-bit fingerprint is
/// equal, which for a key other than the one cached happens with probability
/// below 2^-119 per lookup (`KeyFingerprint` gives the proof), against keys
/// chosen by anyone who does not know the cache's secret NH keys.
///
/// Replacement is per bucket: LRU by recency rank, SIEVE's visited bit as a
/// CLOCK, S3-FIFO's probation, counts and ghost, and the doorkeeper, all
/// within the bucket (`BucketControl`). `simulate` reports what that costs in
/// hit rate against the exact global policies of `sharded` and Belady.
///
/// Capacity is a hard bound: `capacity / 4` buckets of four ways (fewer ways
/// below four entries).
///
/// - Complexity: O(1) per lookup and insert; 36 bytes per entry (a 32-byte
///   way and a quarter of a header), plus per-thread counters.
public final class BucketedPreflightCache: PreflightDecider, @unchecked Sendable {
    // Safe to share: records and headers are atomics, written only by the
    // holder of their bucket's seqlock (an odd version, taken by
    // compare-and-swap) except the replacement word, which hits update by
    // compare-and-swap; everything else is immutable after `init`, and
    // `holder` and `counters` are thread-safe.
    let records: UnsafeMutablePointer<Atomic<UInt64>>
    /// Two words a bucket: the seqlock version, the `BucketControl` word.
    let headers: UnsafeMutablePointer<Atomic<UInt64>>
    let recordSlab: HugePageSlab<UInt64>
    let headerSlab: HugePageSlab<UInt64>
    let bucketCount: Int
    /// Ways a bucket (4, fewer only when the capacity is below 4).
    let ways: Int
    let wordsPerBucket: Int
    let holder: PolicyHolder
    let clock: any PreflightClock
    /// With the system clock, lookups read `ClockTicker`'s word instead of calling the clock.
    let systemClock: Bool
    let tickerNow: UnsafeMutablePointer<Atomic<UInt64>>?
    let eviction: EvictionPolicy
    let doorkeeper: Bool
    /// The key hash, with per-cache random secrets.
    let hasher: CacheKey.KeyHasher
    let fingerprinter: KeyFingerprint
    public let configuration: CacheConfiguration
    let counters = ThreadCounters()
    static let hitCounter = 0, uncacheableCounter = 1, missCounter = 2, expiredCounter = 3, evictedCounter = 4,
               rejectedCounter = 5, filledCounter = 6

    /// Lookup results besides a reason code: a writer interfered ...
    static let interfered: UInt8 = 0xFF
    /// ... certainly not cached ...
    static let absent: UInt8 = 0xFE
    /// ... found, but expired or decided by an older policy.
    static let stale: UInt8 = 0xFD

    public convenience init(evaluator: PreflightEvaluator, configuration: CacheConfiguration, clock: some PreflightClock) {
        self.init(evaluator: evaluator, configuration: configuration, clock: clock, secretsFrom: .system)
    }

    /// Draws the hash secrets from `source`: tests pass a seeded one, so
    /// which keys share a home (and so what is evicted) is the same on every run.
    package init(evaluator: PreflightEvaluator, configuration: CacheConfiguration, clock: some PreflightClock,
                 secretsFrom source: HashSecretSource) {
        var generator = source
        precondition(configuration.capacity >= 1, "capacity must be at least 1")
        (ways, bucketCount) = Self.layout(capacity: configuration.capacity)
        wordsPerBucket = ways * BucketWay.words
        self.configuration = configuration
        holder = PolicyHolder(evaluator, deniedTTLSeconds: configuration.deniedTTLSeconds)
        self.clock = clock
        systemClock = clock is SystemPreflightClock
        tickerNow = systemClock ? ClockTicker.shared.now : nil
        eviction = configuration.eviction
        doorkeeper = configuration.effectiveAdmission == .doorkeeper
        hasher = CacheKey.KeyHasher(drawingFrom: &generator)
        fingerprinter = KeyFingerprint(using: &generator)
        recordSlab = HugePageSlab(count: bucketCount * wordsPerBucket)
        headerSlab = HugePageSlab(count: bucketCount * 2)
        records = recordSlab.words
        headers = headerSlab.words
        for b in 0..<bucketCount { headers[b &* 2 &+ 1].store(BucketControl.initial.word, ordering: .relaxed) }
    }

    deinit {
        fingerprinter.deallocate()
        counters.deallocate()
        hasher.deallocate()
    }

    public var capacity: Int { bucketCount * ways }

    /// The key's hash (`CacheKey.KeyHasher`, with this cache's secrets).
    @inline(__always)
    func hash(_ key: UnsafePointer<UInt64>, _ shape: CacheKey.Shape) -> UInt64 { hasher.hash(key, shape) }

    /// The key's fingerprint (`KeyFingerprint`, with this cache's secret keys).
    @inline(__always)
    func fingerprint(_ key: UnsafePointer<UInt64>, _ shape: CacheKey.Shape) -> (UInt64, UInt64) { fingerprinter.fingerprint(key, shape) }

    /// The bucket of a hash, by multiply-shift of its top 32 bits (the low 32 give the ghost's fingerprints).
    @inline(__always)
    func bucket(of hash: UInt64) -> Int { Self.bucket(of: hash, count: bucketCount) }

    /// Ways a bucket and buckets for a capacity: four ways (fewer below four
    /// entries) and as many whole buckets as fit, so the capacity is a hard bound.
    package static func layout(capacity: Int) -> (ways: Int, buckets: Int) {
        let ways = min(BucketControl.maximumWays, max(1, capacity))
        return (ways, max(1, capacity) / ways)
    }

    /// The bucket of a hash among `count`: the one formula, which `simulate`'s buckets use too.
    @inline(__always)
    package static func bucket(of hash: UInt64, count: Int) -> Int { Int(truncatingIfNeeded: ((hash &>> 32) &* UInt64(truncatingIfNeeded: count)) &>> 32) }

    public func decide(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?) -> PreflightReason {
        var hit = false
        return decide(origin: origin, method: method, requestHeaders: requestHeaders, hit: &hit)
    }

    /// `decide`, setting `hit` when the cache answered.
    @inline(__always)
    public func decide(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?,
                       hit: inout Bool) -> PreflightReason {
        CacheKey.withBuffer { key -> PreflightReason in
            let now = systemClock ? tickerNow.unsafelyUnwrapped.pointee.load(ordering: .relaxed) : clock.nanoseconds()
            let generation = holder.generation.load(ordering: .acquiring)
            // As in `sharded`: stored keys are in browser form, so the request's
            // list as it came is looked up first unless it plainly is not.
            let plainlyNotBrowserForm = requestHeaders.map(CacheKey.isPlainlyNotBrowserForm) ?? false
            if !plainlyNotBrowserForm,
               let raw = CacheKey.buildHashing(origin: origin, method: method, requestHeaders: requestHeaders, into: key, hasher: hasher) {
                let print = fingerprint(key, raw.shape)
                let result = lookup(print, hash: raw.hash, now: now, generation: generation)
                if result < Self.stale {
                    hit = true
                    return PreflightReason(code: result)
                }
                if requestHeaders == nil || requestHeaders!.isEmpty || RequestHeaderList.isBrowserForm(requestHeaders!) {
                    return miss(origin: origin, method: method, requestHeaders: requestHeaders, fingerprint: print, hash: raw.hash,
                                now: now, generation: generation)
                }
            }
            return normalizedDecide(origin: origin, method: method, requestHeaders: requestHeaders, key: key, now: now,
                                    generation: generation, hit: &hit)
        }
    }

    /// The key's way in its bucket, read as under a seqlock: the version,
    /// the ways' first words (loaded together), the matching way's other
    /// words, then the version again. Returns the cached reason (and counts
    /// the hit, and updates the replacement word when that changes it),
    /// `absent`, `stale`, or `interfered` when a writer was in the bucket.
    ///
    /// - Complexity: O(1): one trip to memory for the bucket's two adjacent
    ///   lines and its header (loaded together; the header table is a
    ///   thirty-second the size of the ways, so it is more often cached).
    @inline(__always)
    func lookupOnce(_ fingerprint: (UInt64, UInt64), hash: UInt64, now: UInt64, generation: UInt32) -> UInt8 {
        let b = bucket(of: hash)
        let header = headers + b &* 2
        let before = header.pointee.load(ordering: .acquiring)
        if before & 1 != 0 { return Self.interfered }
        let base = records + b &* wordsPerBucket
        let first = BucketWay.firstWord(fingerprint)
        var way = 0
        while way < ways {
            if base[way &* BucketWay.words &+ BucketWay.first].load(ordering: .relaxed) == first { break }
            way &+= 1
        }
        var result = Self.absent
        if way < ways {
            let slot = base + way &* BucketWay.words
            if slot[BucketWay.second].load(ordering: .relaxed) == fingerprint.1 {
                let meta = slot[BucketWay.meta].load(ordering: .relaxed)
                let expiry = slot[BucketWay.expiry].load(ordering: .relaxed)
                result = BucketWay.generation(meta) == generation && now < expiry ? BucketWay.reason(meta) : Self.stale
            }
        }
        atomicMemoryFence(ordering: .acquiring)
        guard header.pointee.load(ordering: .relaxed) == before else { return Self.interfered }
        if result < Self.stale {
            touch(header + 1, way: way)
            counters.increment(Self.hitCounter)
        }
        return result
    }

    /// Records a hit in the bucket's replacement word, by compare-and-swap,
    /// only when the hit changes it. A lost race drops the update: a hit's
    /// mark is advice to the next eviction, not state anything depends on.
    @inline(__always)
    func touch(_ control: UnsafeMutablePointer<Atomic<UInt64>>, way: Int) {
        let current = control.pointee.load(ordering: .relaxed)
        // The common case, checked inline: the hit changes nothing (SIEVE's
        // bit already set, S3-FIFO's count at 3, LRU's way already newest).
        if BucketControl(word: current).isSaturated(way, eviction: eviction) { return }
        touchChanging(control, way: way, current: current)
    }

    @inline(never)
    func touchChanging(_ control: UnsafeMutablePointer<Atomic<UInt64>>, way: Int, current: UInt64) {
        guard let next = BucketControl(word: current).touched(way, eviction: eviction) else { return }
        _ = control.pointee.compareExchange(expected: current, desired: next.word, ordering: .relaxed)
    }

    /// `lookupOnce`, retried while writers interfere; after a few tries the
    /// lookup waits for the bucket's lock, so it always ends.
    @inline(__always)
    func lookup(_ fingerprint: (UInt64, UInt64), hash: UInt64, now: UInt64, generation: UInt32) -> UInt8 {
        let result = lookupOnce(fingerprint, hash: hash, now: now, generation: generation)
        if result != Self.interfered { return result }
        return lookupContended(fingerprint, hash: hash, now: now, generation: generation)
    }

    @inline(never)
    func lookupContended(_ fingerprint: (UInt64, UInt64), hash: UInt64, now: UInt64, generation: UInt32) -> UInt8 {
        for _ in 0..<16 {
            let result = lookupOnce(fingerprint, hash: hash, now: now, generation: generation)
            if result != Self.interfered { return result }
        }
        let header = headers + bucket(of: hash) &* 2
        let version = lockBucket(header)
        unlockBucket(header, version, changed: false)
        return lookupOnce(fingerprint, hash: hash, now: now, generation: generation)
    }

    /// A request whose header list is not in browser form: normalized into
    /// the key proper (or decided uncached when it cannot be), then looked up.
    @inline(never)
    func normalizedDecide(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?,
                          key: UnsafeMutablePointer<UInt64>, now: UInt64, generation: UInt32, hit: inout Bool) -> PreflightReason {
        guard let shape = CacheKey.build(origin: origin, method: method, requestHeaders: requestHeaders, into: key) else {
            counters.increment(Self.uncacheableCounter)
            return holder.withCurrent { $0.evaluate(origin: origin, method: method, requestHeaders: requestHeaders) }
        }
        let hash = hash(key, shape)
        let print = fingerprint(key, shape)
        let result = lookup(print, hash: hash, now: now, generation: generation)
        if result < Self.stale {
            hit = true
            return PreflightReason(code: result)
        }
        return miss(origin: origin, method: method, requestHeaders: requestHeaders, fingerprint: print, hash: hash, now: now,
                    generation: generation)
    }

    /// Evaluates a missed key and places its decision in its bucket. Kept out
    /// of line so the hit path stays small.
    @inline(never)
    func miss(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?,
              fingerprint: (UInt64, UInt64), hash: UInt64, now: UInt64, generation: UInt32) -> PreflightReason {
        let (reason, generationUsed, ttl) = holder.withCurrent { version in
            let reason = version.evaluate(origin: origin, method: method, requestHeaders: requestHeaders)
            return (reason, version.generation, reason == .allowed ? version.allowedTTL : version.deniedTTL)
        }
        let placed = ttl > 0 ? insert(fingerprint, hash: hash, reason: reason.code, expiry: now &+ ttl, generation: generationUsed, now: now,
                                      currentGeneration: generation) : nil
        counters.increment(Self.missCounter, placed)
        return reason
    }

    public func replacePolicy(_ evaluator: PreflightEvaluator) { holder.replace(with: evaluator) }

    public func statistics() -> CacheStatistics {
        var s = CacheStatistics()
        s.hits = counters.sum(Self.hitCounter)
        s.misses = counters.sum(Self.missCounter)
        s.uncacheable = counters.sum(Self.uncacheableCounter)
        s.expired = counters.sum(Self.expiredCounter)
        s.evicted = counters.sum(Self.evictedCounter)
        s.rejected = counters.sum(Self.rejectedCounter)
        s.entries = counters.sum(Self.filledCounter)
        s.bytes = recordSlab.count * 8 + headerSlab.count * 8 + counters.retainedBytes
        return s
    }

    /// Entries of each bucket, for tests of the capacity bound.
    package func entriesPerBucket() -> [Int] {
        (0..<bucketCount).map { b in
            (0..<ways).filter { records[b * wordsPerBucket + $0 * BucketWay.words + BucketWay.first].load(ordering: .relaxed) != 0 }.count
        }
    }
}
