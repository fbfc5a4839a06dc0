public import CORSPolicy
import Synchronization

/// `sharded`: our cache. Keys hash (seeded, over UTF-8 bytes) to one of a
/// power-of-two number of shards by their top bits; each shard has its own
/// pthread mutex, writer state and seqlock version on cache lines of their
/// own, so shards never share a line. Within a shard, each entry is one
/// 128-byte record (`EntryRecord`: expiry, generation, reason, the key inline) found through
/// a compact open-addressing index of 4-byte tagged ids that stays in cache.
///
/// The hit path (copy and hash the key's words on the stack, compare the
/// record the key prefers while its index slot loads, else follow the index,
/// check generation and expiry, mark) allocates nothing, takes no reference count, makes one trip to memory
/// when the key lives in its preferred record, and with SIEVE and S3-FIFO
/// takes no lock and writes no shared line: it reads under the shard's seqlock
/// and counts hits in per-thread counters. LRU hits take the shard mutex,
/// because every LRU hit reorders its list.
///
/// Capacity is a hard bound: a shard holds at most `capacity / shards` entries
/// and evicts (LRU, SIEVE or S3-FIFO, in `EvictionQueues`) before inserting
/// into a full shard. An expired entry found by a lookup is refreshed in place
/// by the insert that follows; a shard with room sweeps the expired oldest
/// entries of its queues on each insert.
///
/// - Complexity: O(1) expected per lookup; at most 160 bytes per entry at
///   1,000,000 entries (a test holds it to that).
public final class ShardedPreflightCache: PreflightDecider, @unchecked Sendable {
    // Safe to share: each shard's mutable state is reached only through its
    // own pthread mutex (see `Shard`); the remaining properties are immutable
    // after `init`, and `holder` is thread-safe.
    let shards: UnsafeMutablePointer<Shard>
    let shardCount: Int
    let shardShift: UInt64
    let holder: PolicyHolder
    let clock: any PreflightClock
    /// With the system clock, lookups read `ClockTicker`'s word instead of calling the clock.
    let systemClock: Bool
    let tickerNow: UnsafeMutablePointer<Atomic<UInt64>>?
    /// Whether hits skip the shard mutex (SIEVE and S3-FIFO; LRU reorders on every hit).
    let optimisticReads: Bool
    /// The most a hit raises an entry's frequency byte: SIEVE's visited bit, S3-FIFO's 2-bit count.
    let maximumFrequency: UInt8
    /// The key hash, with per-cache random secrets.
    let hasher: CacheKey.KeyHasher
    public let configuration: CacheConfiguration
    /// Hits, uncacheable lookups and misses found without the mutex, counted per thread.
    let counters = ThreadCounters()
    static let hitCounter = 0, uncacheableCounter = 1, missCounter = 2
    let recordSlab: HugePageSlab<UInt64>
    let indexSlab: HugePageSlab<UInt32>
    let frequencySlab: HugePageSlab<UInt8>
    /// Each shard's seqlock version, 128 bytes apart.
    let versionSlab: HugePageSlab<UInt64>
    static let versionStride = 16
    // The hit path finds a shard's parts by arithmetic on these (all shards
    // have the same size), not through its `Shard`: copying that struct out
    // costs more than the arithmetic, and it cannot be read lazily past the
    // seqlock's acquiring load.
    let records: UnsafeMutablePointer<Atomic<UInt64>>
    let frequencies: UnsafeMutablePointer<Atomic<UInt8>>
    let versions: UnsafeMutablePointer<Atomic<UInt64>>
    let indexes: UnsafeMutablePointer<Atomic<UInt32>>
    let indexSizePerShard: Int
    /// Every shard's `idMask` (all shards have the same size).
    let idMask: UInt32
    let recordWordsPerShard: Int
    /// Entries per shard; the effective capacity is `perShard * shardCount`.
    public let perShard: Int
    /// `perShard`, at least 1: the records each shard has.
    let recordsPerShard: Int

    public convenience init(evaluator: PreflightEvaluator, configuration: CacheConfiguration, clock: some PreflightClock) {
        self.init(evaluator: evaluator, configuration: configuration, clock: clock, secretsFrom: .system)
    }

    /// Draws the hash secrets from `source`: tests pass a seeded one, so
    /// which keys share a home (and so what is evicted) is the same on every run.
    package init(evaluator: PreflightEvaluator, configuration: CacheConfiguration, clock: some PreflightClock,
                 secretsFrom source: HashSecretSource) {
        var generator = source
        precondition(configuration.capacity >= 1, "capacity must be at least 1")
        var count = 1
        while count * 2 <= max(1, configuration.shards) && count * 2 <= configuration.capacity { count *= 2 }
        // At most 65,536 entries a shard, so an index entry's tag (the bits
        // above the id's) keeps enough bits to spread homes over the index.
        while configuration.capacity / count > 1 << 16 { count *= 2 }
        shardCount = count
        shardShift = UInt64(64 - count.trailingZeroBitCount)
        perShard = configuration.capacity / count
        self.configuration = configuration
        holder = PolicyHolder(evaluator, deniedTTLSeconds: configuration.deniedTTLSeconds)
        self.clock = clock
        systemClock = clock is SystemPreflightClock
        tickerNow = systemClock ? ClockTicker.shared.now : nil
        optimisticReads = configuration.eviction != .lru
        maximumFrequency = EvictionQueues<AtomicFrequencies>.maximumFrequency(configuration.eviction)
        hasher = CacheKey.KeyHasher(drawingFrom: &generator)
        // Records, index slots, frequency bytes and versions of all shards in
        // four slabs, the big ones on huge pages when the system allows (fewer
        // TLB misses on a multi-megabyte working set).
        let perShardEntries = max(1, perShard)
        recordsPerShard = perShardEntries
        recordWordsPerShard = perShardEntries * EntryRecord.words
        let indexSize = Shard.indexSize(capacity: perShardEntries)
        recordSlab = HugePageSlab(count: count * recordWordsPerShard)
        indexSlab = HugePageSlab(count: count * indexSize)
        frequencySlab = HugePageSlab(count: count * perShardEntries)
        versionSlab = HugePageSlab(count: count * Self.versionStride)
        records = recordSlab.words
        frequencies = frequencySlab.words
        versions = versionSlab.words
        indexes = indexSlab.words
        indexSizePerShard = indexSize
        shards = .allocate(capacity: count)
        for i in 0..<count {
            (shards + i).initialize(to: Shard(capacity: perShardEntries, eviction: configuration.eviction, admission: configuration.effectiveAdmission,
                                              records: recordSlab.words + i * recordWordsPerShard,
                                              index: indexSlab.words + i * indexSize,
                                              frequency: frequencySlab.words + i * perShardEntries,
                                              version: versionSlab.words + i * Self.versionStride))
        }
        idMask = shards[0].idMask
    }

    deinit {
        for i in 0..<shardCount { shards[i].deallocate() }
        shards.deinitialize(count: shardCount)
        shards.deallocate()
        counters.deallocate()
        hasher.deallocate()
    }

    /// The key's hash (`CacheKey.KeyHasher`, with this cache's secrets).
    @inline(__always)
    func hash(_ key: UnsafePointer<UInt64>, _ shape: CacheKey.Shape) -> UInt64 { hasher.hash(key, shape) }

    public var capacity: Int { perShard * shardCount }

    /// Shards in use: the requested count, lowered to fit a small capacity and
    /// raised to keep at most 65,536 entries a shard.
    public var shardCountUsed: Int { shardCount }

    /// The index of a hash's shard, by its top bits (`shardShift` is below
    /// 64 whenever there is more than one shard).
    @inline(__always)
    func shardIndex(for hash: UInt64) -> Int {
        shardCount == 1 ? 0 : Int(truncatingIfNeeded: hash &>> shardShift)
    }

    /// The shard of a hash.
    @inline(__always)
    func shard(for hash: UInt64) -> UnsafeMutablePointer<Shard> { shards + shardIndex(for: hash) }

    public func decide(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?) -> PreflightReason {
        var hit = false
        return decide(origin: origin, method: method, requestHeaders: requestHeaders, hit: &hit)
    }

    /// `decide`, setting `hit` when the cache answered: one implementation
    /// for both, inlined into `decide`, where the unused flag costs nothing.
    @inline(__always)
    public func decide(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?,
                       hit: inout Bool) -> PreflightReason {
        CacheKey.withBuffer { key -> PreflightReason in
            let now = systemClock ? tickerNow.unsafelyUnwrapped.pointee.load(ordering: .relaxed) : clock.nanoseconds()
            let generation = holder.generation.load(ordering: .acquiring)
            // Hits first look the request up by its header bytes as they came. Every
            // stored key is in browser form, so a match means the request's list is
            // in browser form too: the hit path never checks or normalizes the list.
            // Lists that plainly are not (uppercase or spaces at either end, as
            // non-browser clients send them) skip that lookup, which cannot hit
            // and would cost a trip to memory, and go straight to normalizing.
            let plainlyNotBrowserForm = requestHeaders.map(CacheKey.isPlainlyNotBrowserForm) ?? false
            let raw = plainlyNotBrowserForm ? nil
                : CacheKey.buildHashing(origin: origin, method: method, requestHeaders: requestHeaders, into: key, hasher: hasher)
            var rawResult = Shard.missing
            var rawVersion: UInt64 = 0
            if optimisticReads, let raw {
                rawResult = lookupWithoutLock(key: key, shape: raw.shape, hash: raw.hash, now: now, generation: generation, version: &rawVersion)
                if rawResult < Shard.stale {
                    hit = true
                    return PreflightReason(code: rawResult)
                }
            }
            return decideAfterMiss(origin: origin, method: method, requestHeaders: requestHeaders, key: key, raw: raw,
                                   rawResult: rawResult, rawVersion: rawVersion, now: now, generation: generation, hit: &hit)
        }
    }

    /// A lookup without the mutex (SIEVE and S3-FIFO shards), read as under a
    /// seqlock: the shard's version, the key's preferred record (else the
    /// index), then the version again. Returns the cached reason and counts a
    /// hit; `Shard.absent` when the key is certainly not in the shard and
    /// `Shard.stale` when its entry has expired, both as of `version`;
    /// `Shard.missing` when a writer interfered (the caller then takes the mutex).
    ///
    /// - Complexity: O(1) expected; one trip to memory when the key lives in
    ///   its preferred record, two overlapping ones and a third otherwise.
    @inline(__always)
    func lookupWithoutLock(key: UnsafePointer<UInt64>, shape: CacheKey.Shape, hash: UInt64, now: UInt64, generation: UInt32,
                           version seen: inout UInt64) -> UInt8 {
        let s = shardIndex(for: hash)
        let version = versions + s &* Self.versionStride
        let before = version.pointee.load(ordering: .acquiring)
        if before & 1 != 0 { return Shard.missing }
        let shardRecords = records + s &* recordWordsPerShard
        var id = Shard.preferred(hash, capacity: recordsPerShard)
        // The index's home slot is loaded before the preferred record is
        // compared, so both trips to memory overlap: when another key holds
        // the preferred record (as in a full shard), the slot is already here.
        let tag = Shard.tag(hash, idMask: idMask)
        let homeSlot = indexes + s &* indexSizePerShard + Shard.home(tag: tag, indexSize: indexSizePerShard)
        let first = homeSlot.pointee.load(ordering: .relaxed)
        if !Shard.keyEquals(shardRecords, id, key, shapeWord: Shard.shapeWord(shape, hash: hash), words: shape.wordCount) {
            if first == 0 {
                id = Shard.none
            } else if first & ~idMask == tag, (first & idMask) &- 1 < UInt32(recordsPerShard),
                      Shard.keyEquals(shardRecords, (first & idMask) &- 1, key, shapeWord: Shard.shapeWord(shape, hash: hash), words: shape.wordCount) {
                id = (first & idMask) &- 1
            } else {
                id = probeWithoutLock(shard: s, key: key, shape: shape, hash: hash)
            }
            if id == Shard.none {
                atomicMemoryFence(ordering: .acquiring)
                seen = before
                return version.pointee.load(ordering: .relaxed) == before ? Shard.absent : Shard.missing
            }
        }
        let record = shardRecords + Int(id) &* EntryRecord.words
        let meta = record[EntryRecord.meta].load(ordering: .relaxed)
        let expiry = record[EntryRecord.expiry].load(ordering: .relaxed)
        atomicMemoryFence(ordering: .acquiring)
        guard version.pointee.load(ordering: .relaxed) == before else { return Shard.missing }
        guard EntryRecord.generation(meta) == generation, now < expiry else {
            seen = before
            return Shard.stale
        }
        // Record the hit for the eviction policy, writing only when the value
        // changes so a hot entry's line stays shared between cores.
        AtomicFrequencies(bytes: frequencies + s &* recordsPerShard).bump(id, limit: maximumFrequency)
        counters.increment(Self.hitCounter)
        return EntryRecord.reason(meta)
    }

    /// The key's entry through its shard's index, when its preferred record holds another key.
    @inline(never)
    func probeWithoutLock(shard s: Int, key: UnsafePointer<UInt64>, shape: CacheKey.Shape, hash: UInt64) -> UInt32 {
        shards[s].probe(hash: hash, key: key, shape: shape).entry
    }

    /// Everything after the lookup without the mutex: normalizing the header
    /// list, the locked lookup (LRU, or when a writer interfered), evaluating
    /// and inserting. Kept out of line so the hit path's function stays small
    /// (fewer registers spilled, a shorter prologue).
    @inline(never)
    func decideAfterMiss(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?,
                         key: UnsafeMutablePointer<UInt64>, raw: (shape: CacheKey.Shape, hash: UInt64)?, rawResult: UInt8, rawVersion: UInt64,
                         now: UInt64, generation: UInt32, hit: inout Bool) -> PreflightReason {
        // The key proper: the raw one when its list is in browser form, else the normalized list.
        let shape: CacheKey.Shape, hash: UInt64
        var result = Shard.missing, seen = rawVersion
        var rawIsTheKey = false
        if let raw, requestHeaders == nil || requestHeaders!.isEmpty || RequestHeaderList.isBrowserForm(requestHeaders!) {
            (shape, hash) = raw
            result = rawResult
            rawIsTheKey = true
        } else if let normalized = CacheKey.build(origin: origin, method: method, requestHeaders: requestHeaders, into: key) {
            shape = normalized
            hash = self.hash(key, shape)
        } else {
            counters.increment(Self.uncacheableCounter)
            return holder.withCurrent { $0.evaluate(origin: origin, method: method, requestHeaders: requestHeaders) }
        }
        let shard = shard(for: hash)
        if optimisticReads && !rawIsTheKey {
            // A normalized list (non-browser clients): its hits take no lock either.
            result = lookupWithoutLock(key: key, shape: shape, hash: hash, now: now, generation: generation, version: &seen)
            if result < Shard.stale {
                hit = true
                return PreflightReason(code: result)
            }
        }
        if result == Shard.absent || result == Shard.stale {
            // Decided without the mutex: a miss, with no second lookup.
            counters.increment(Self.missCounter)
        } else {
            shard.pointee.lock()
            result = shard.pointee.lockedLookup(hash: hash, key: key, shape: shape, now: now, generation: generation)
            seen = shard.pointee.version[0].load(ordering: .relaxed)
            shard.pointee.unlock()
            if result < Shard.stale {
                hit = true
                return PreflightReason(code: result)
            }
        }
        let (reason, generationUsed, ttl) = holder.withCurrent { version in
            let reason = version.evaluate(origin: origin, method: method, requestHeaders: requestHeaders)
            return (reason, version.generation, reason == .allowed ? version.allowedTTL : version.deniedTTL)
        }
        if ttl > 0 {
            shard.pointee.lock()
            shard.pointee.insert(hash: hash, key: key, shape: shape, reason: reason.code, expiry: now &+ ttl, generation: generationUsed,
                                 now: now, currentGeneration: generation, absentAtVersion: result == Shard.absent ? seen : nil)
            shard.pointee.unlock()
        }
        return reason
    }

    public func replacePolicy(_ evaluator: PreflightEvaluator) { holder.replace(with: evaluator) }

    public func statistics() -> CacheStatistics {
        var total = CacheStatistics()
        for i in 0..<shardCount {
            let shard = shards[i]
            shard.lock()
            let h = shard.header.pointee
            shard.unlock()
            var s = CacheStatistics()
            s.hits = h.hits; s.misses = h.misses; s.expired = h.expired; s.evicted = h.evicted
            s.rejected = h.rejected; s.entries = shard.count
            s.bytes = shard.retainedBytes
            total = total + s
        }
        total.hits += counters.sum(Self.hitCounter)
        total.uncacheable += counters.sum(Self.uncacheableCounter)
        total.misses += counters.sum(Self.missCounter)
        total.bytes += counters.retainedBytes
        return total
    }

    /// Entries of each shard, for tests of the capacity bound.
    package func entriesPerShard() -> [Int] {
        (0..<shardCount).map { i in
            shards[i].lock()
            defer { shards[i].unlock() }
            return shards[i].count
        }
    }
}
