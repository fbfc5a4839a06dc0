#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import CORSPolicy
import OriginMatching
import Synchronization

/// `sharded`: our cache. Keys hash (seeded, over UTF-8 bytes) to one of a
/// power-of-two number of shards by their top bits; each shard has its own
/// pthread mutex, writer state and seqlock version on cache lines of their
/// own, so shards never share a line. Within a shard, each entry is one
/// 128-byte record (hash, expiry, generation, reason, the key inline) found
/// through an open-addressing index of hash tags.
///
/// The hit path (build the key on the stack, hash, probe, compare, check
/// generation and expiry, mark) allocates nothing, takes no reference count,
/// and with SIEVE and S3-FIFO takes no lock and writes no shared line: it reads
/// under the shard's seqlock and counts hits in per-thread-striped counters.
/// LRU hits take the shard mutex, because every LRU hit reorders its list.
///
/// Capacity is a hard bound: a shard holds at most `capacity / shards` entries
/// and evicts (LRU, SIEVE or S3-FIFO) before inserting into a full shard.
/// Expired entries are dropped when found and by an amortized sweep of the
/// oldest two entries on each insert.
///
/// - Complexity: O(1) expected per lookup; about 140 bytes per entry.
public final class ShardedPreflightCache<Clock: PreflightClock>: PreflightDecider, @unchecked Sendable {
    // Safe to share: each shard's mutable state is reached only through its
    // own pthread mutex (see `Shard`); the remaining properties are immutable
    // after `init`, and `holder` is thread-safe.
    let shards: UnsafeMutablePointer<Shard>
    let shardCount: Int
    let shardShift: UInt64
    let holder: PolicyHolder
    let clock: Clock
    let seed: UInt64
    public let configuration: CacheConfiguration
    /// Striped counters (hits, uncacheable), 128 bytes apart, picked by the
    /// caller's stack address so that threads rarely share a line.
    let stripes: UnsafeMutablePointer<Atomic<Int>>
    let recordSlab: HugePageSlab
    let indexSlab: HugePageSlab
    static var stripeCount: Int { 64 }
    static var stripeWords: Int { 16 }
    /// Entries per shard; the effective capacity is `perShard * shardCount`.
    public let perShard: Int

    public init(evaluator: PreflightEvaluator, configuration: CacheConfiguration, clock: Clock) {
        precondition(configuration.capacity >= 1, "capacity must be at least 1")
        var count = 1
        while count * 2 <= max(1, configuration.shards) && count * 2 <= configuration.capacity { count *= 2 }
        shardCount = count
        shardShift = UInt64(64 - count.trailingZeroBitCount)
        perShard = configuration.capacity / count
        self.configuration = configuration
        holder = PolicyHolder(evaluator, deniedTTLSeconds: configuration.deniedTTLSeconds)
        self.clock = clock
        var generator = SystemRandomNumberGenerator()
        seed = generator.next()
        let stripeWords = Self.stripeCount * Self.stripeWords
        stripes = UnsafeMutableRawPointer.allocate(byteCount: stripeWords * 8, alignment: 128).bindMemory(to: Atomic<Int>.self, capacity: stripeWords)
        for i in 0..<stripeWords { (stripes + i).initialize(to: Atomic(0)) }
        // Records and index slots of all shards in two slabs on huge pages when
        // the system allows (fewer TLB misses on a multi-megabyte working set).
        let perShardEntries = max(1, perShard)
        let indexSize = Shard.indexSize(capacity: perShardEntries)
        recordSlab = HugePageSlab(words: count * perShardEntries * Shard.recordWords)
        indexSlab = HugePageSlab(words: count * indexSize)
        shards = .allocate(capacity: count)
        for i in 0..<count {
            (shards + i).initialize(to: Shard(capacity: perShardEntries, eviction: configuration.eviction, admission: configuration.effectiveAdmission,
                                              records: recordSlab.words + i * perShardEntries * Shard.recordWords,
                                              index: indexSlab.words + i * indexSize))
        }
    }

    deinit {
        for i in 0..<shardCount { shards[i].deallocate() }
        shards.deinitialize(count: shardCount)
        shards.deallocate()
        stripes.deinitialize(count: Self.stripeCount * Self.stripeWords)
        UnsafeMutableRawPointer(stripes).deallocate()
    }

    /// This thread's stripe: stacks of different threads lie far apart.
    @inline(__always)
    func stripe(_ stackAddress: UnsafeRawPointer) -> Int {
        let bits = UInt64(UInt(bitPattern: stackAddress)) >> 14
        return Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> 58) * Self.stripeWords
    }

    public var capacity: Int { perShard * shardCount }

    /// Shards in use (the requested count, lowered to fit a small capacity).
    public var shardCountUsed: Int { shardCount }

    @inline(__always)
    func shard(for hash: UInt64) -> Shard {
        shardCount == 1 ? shards[0] : shards[Int(truncatingIfNeeded: hash >> shardShift)]
    }

    public func decide(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?) -> PreflightReason {
        withUnsafeTemporaryAllocation(byteCount: CacheKey.maximumLength, alignment: 16) { buffer -> PreflightReason in
            let keyBase = buffer.baseAddress!
            let stripe = stripe(UnsafeRawPointer(keyBase))
            guard let length = CacheKey.build(origin: origin, method: method, requestHeaders: requestHeaders, into: keyBase) else {
                stripes[stripe + 1].add(1, ordering: .relaxed)
                return holder.withCurrent { $0.evaluate(origin: origin, method: method, requestHeaders: requestHeaders) }
            }
            // Zero the last word's tail: keys are compared a word at a time.
            let padded = (length + 7) & ~7
            if padded > length { (keyBase + length).initializeMemory(as: UInt8.self, repeating: 0, count: padded - length) }
            let hash = hashBytes(UnsafeRawBufferPointer(start: keyBase, count: length), seed: seed)
            let shard = shard(for: hash)
            let now = clock.nanoseconds()
            let generation = holder.generation.load(ordering: .acquiring)
            if shard.optimisticReads {
                let cached = shard.optimisticLookup(hash: hash, key: keyBase, length: length, now: now, generation: generation)
                if cached != Shard.missing {
                    stripes[stripe].add(1, ordering: .relaxed)
                    return PreflightReason(code: cached)
                }
            }
            shard.lock()
            let cached = shard.lockedLookup(hash: hash, key: keyBase, length: length, now: now, generation: generation)
            shard.unlock()
            if cached != Shard.missing { return PreflightReason(code: cached) }
            let (reason, generationUsed, ttl) = holder.withCurrent { version in
                let reason = version.evaluate(origin: origin, method: method, requestHeaders: requestHeaders)
                return (reason, version.generation, reason == .allowed ? version.allowedTTL : version.deniedTTL)
            }
            if ttl > 0 {
                shard.lock()
                shard.insert(hash: hash, key: keyBase, length: length, reason: reason.code,
                             expiry: now &+ ttl, generation: generationUsed, now: now, currentGeneration: generation)
                shard.unlock()
            }
            return reason
        }
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
            s.rejected = h.rejected; s.entries = h.count
            s.bytes = shard.retainedBytes
            total = total + s
        }
        for k in 0..<Self.stripeCount {
            total.hits += stripes[k * Self.stripeWords].load(ordering: .relaxed)
            total.uncacheable += stripes[k * Self.stripeWords + 1].load(ordering: .relaxed)
        }
        total.bytes += Self.stripeCount * Self.stripeWords * 8
        return total
    }

    /// Entries of each shard, for tests of the capacity bound.
    public func entriesPerShard() -> [Int] {
        (0..<shardCount).map { i in
            shards[i].lock()
            defer { shards[i].unlock() }
            return shards[i].header.pointee.count
        }
    }
}

/// Zeroed atomic words in one cache-line-aligned allocation, advised into
/// transparent huge pages on Linux (the aligned 2 MiB regions inside it qualify;
/// aligning the whole slab to 2 MiB would waste up to that much per slab).
final class HugePageSlab: @unchecked Sendable {
    // Safe to share: the words are atomics; the pointer never changes.
    let words: UnsafeMutablePointer<Atomic<UInt64>>
    let count: Int

    init(words count: Int) {
        self.count = max(1, count)
        let bytes = self.count * 8
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 128)
        #if os(Linux)
        if bytes >= 1 << 21 { _ = madvise(raw, bytes, 14 /* MADV_HUGEPAGE */) }
        #endif
        words = raw.bindMemory(to: Atomic<UInt64>.self, capacity: self.count)
        for i in 0..<self.count { (words + i).initialize(to: Atomic(0)) }
    }

    deinit {
        words.deinitialize(count: count)
        UnsafeMutableRawPointer(words).deallocate()
    }
}
