#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import CORSPolicy
import OriginMatching

/// `sharded`: our cache. Keys hash (seeded, over UTF-8 bytes) to one of a
/// power-of-two number of shards by their top bits; each shard has its own
/// pthread mutex and counters in a cache-line-aligned block, so shards never
/// share a line. Within a shard, entries live in fixed arrays (32 bytes of
/// metadata and a 96-byte key slot each) indexed by an open-addressing table,
/// so the hit path (build the key on the stack, hash, lock, probe, compare,
/// check generation and expiry, mark, unlock) allocates nothing and takes no
/// reference count.
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
        shards = .allocate(capacity: count)
        for i in 0..<count {
            (shards + i).initialize(to: Shard(capacity: perShard, eviction: configuration.eviction, admission: configuration.effectiveAdmission))
        }
    }

    deinit {
        for i in 0..<shardCount { shards[i].deallocate() }
        shards.deinitialize(count: shardCount)
        shards.deallocate()
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
            guard let length = CacheKey.build(origin: origin, method: method, requestHeaders: requestHeaders, into: keyBase) else {
                // Striped by the origin's hash so a flood of long keys does not meet on one lock.
                let shard = shard(for: hashBytes(UnsafeRawBufferPointer(rebasing: origin.prefix(64)), seed: seed))
                shard.lock()
                shard.header.pointee.uncacheable += 1
                shard.unlock()
                return holder.withCurrent { $0.evaluate(origin: origin, method: method, requestHeaders: requestHeaders) }
            }
            let key = UnsafeRawBufferPointer(start: keyBase, count: length)
            let hash = hashBytes(key, seed: seed)
            let shard = shard(for: hash)
            let now = clock.nanoseconds()
            let generation = holder.generation.load(ordering: .acquiring)
            shard.lock()
            let cached = shard.lookup(hash: hash, key: key, now: now, generation: generation)
            shard.unlock()
            if cached != Shard.missing { return PreflightReason.allCases[Int(cached)] }
            let (reason, generationUsed, ttl) = holder.withCurrent { version in
                let reason = version.evaluate(origin: origin, method: method, requestHeaders: requestHeaders)
                return (reason, version.generation, reason == .allowed ? version.allowedTTL : version.deniedTTL)
            }
            if ttl > 0 {
                shard.lock()
                shard.insert(hash: hash, key: key, reason: UInt8(PreflightReason.allCases.firstIndex(of: reason)!),
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
            s.rejected = h.rejected; s.uncacheable = h.uncacheable; s.entries = h.count
            s.bytes = shard.retainedBytes
            total = total + s
        }
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
