import InternalByteUtilities
package import PreflightCache

/// One shard of the `sharded` cache over key ids in virtual time, for
/// `simulate`: the shards' own `EvictionQueues` (LRU, SIEVE, S3-FIFO, the
/// doorkeeper, the ghost, the sweep) with the same lookup and insert steps,
/// where an entry is a key id and an expiry instead of a record.
///
/// Single-threaded; `deallocate()` frees it.
package struct SimulatedShard {
    package let queues: EvictionQueues<PlainFrequencies>
    let frequencies: UnsafeMutablePointer<UInt8>
    /// Each key's entry, or -1.
    var entryOfKey: [Int32]
    var keyOfEntry: [Int32]
    var expiry: [UInt64]
    /// Each key's hash: it picks doorkeeper bits and ghost fingerprints, as
    /// the cache's hash of the key's bytes does. Empty: `hash(of:)` mixes
    /// the key id (as `hashes(keys:)` does), for keys that arrive as a trace streams.
    let hashes: [UInt64]
    package private(set) var peak = 0
    package private(set) var evicted = 0
    package private(set) var expired = 0
    package private(set) var rejected = 0

    package init(hashes: [UInt64], capacity: Int, eviction: EvictionPolicy, admission: AdmissionPolicy) {
        let capacity = max(1, capacity)
        frequencies = .allocate(capacity: capacity)
        frequencies.initialize(repeating: 0, count: capacity)
        queues = EvictionQueues(capacity: capacity, eviction: eviction, admission: admission, frequencies: PlainFrequencies(bytes: frequencies))
        self.hashes = hashes
        entryOfKey = [Int32](repeating: -1, count: max(hashes.count, 1024))
        keyOfEntry = [Int32](repeating: -1, count: capacity)
        expiry = [UInt64](repeating: 0, count: capacity)
    }

    package func deallocate() {
        queues.deallocate()
        frequencies.deallocate()
    }

    package var count: Int { queues.count }

    /// A hit when key `k` is cached and fresh (then touched); a stale entry stays, to be refreshed by `insert`.
    package mutating func lookup(_ k: Int, now: UInt64) -> Bool {
        guard k < entryOfKey.count else { return false }
        let id = entryOfKey[k]
        guard id >= 0, now < expiry[Int(id)] else { return false }
        queues.touch(UInt32(id))
        return true
    }

    /// Caches key `k` after a miss until `expiry`: refreshed in place when
    /// its stale entry is still queued, else admitted and placed.
    package mutating func insert(_ k: Int, expiry until: UInt64, now: UInt64) {
        if k >= entryOfKey.count { entryOfKey.append(contentsOf: repeatElement(-1, count: max(k + 1, 2 * entryOfKey.count) - entryOfKey.count)) }
        if entryOfKey[k] >= 0 {
            let id = Int(entryOfKey[k])
            if now >= expiry[id] { expired += 1 }
            expiry[id] = until
            queues.setExpiry(UInt32(id), until)
            return
        }
        let hash = hash(of: k)
        guard queues.admit(hash) else {
            rejected += 1
            return
        }
        let id = withUnsafeMutablePointer(to: &self) { shard in
            shard.pointee.queues.place(hash: hash, expiry: until, now: now, preferred: UInt32(truncatingIfNeeded: hash % UInt64(shard.pointee.keyOfEntry.count)),
                                       hashBits: { UInt32(truncatingIfNeeded: shard.pointee.hash(of: Int(shard.pointee.keyOfEntry[Int($0)]))) }) {
                victim, wasEvicted in
                if wasEvicted { shard.pointee.evicted += 1 } else { shard.pointee.expired += 1 }
                shard.pointee.entryOfKey[Int(shard.pointee.keyOfEntry[Int(victim)])] = -1
                shard.pointee.keyOfEntry[Int(victim)] = -1
            }
        }
        entryOfKey[k] = Int32(id)
        keyOfEntry[Int(id)] = Int32(k)
        expiry[Int(id)] = until
        peak = max(peak, queues.count)
    }
}

extension SimulatedShard {
    @inline(__always)
    func hash(of k: Int) -> UInt64 { k < hashes.count ? hashes[k] : Self.mixedHash(k) }

    @inline(__always)
    static func mixedHash(_ k: Int, seed: UInt64 = 0x5EED) -> UInt64 { SplitMix64.mix(UInt64(k) &+ seed &* 0x9E37_79B9_7F4A_7C15) }

    /// A stand-in for the cache's seeded hash of a key's bytes: key ids mixed
    /// (SplitMix64's finalizer), so doorkeeper and ghost collide as hashed keys do.
    package static func hashes(keys: Int, seed: UInt64 = 0x5EED) -> [UInt64] {
        (0..<keys).map { mixedHash($0, seed: seed) }
    }
}
