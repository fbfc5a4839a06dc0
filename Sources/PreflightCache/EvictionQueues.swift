/// The one home of the cache's replacement algorithms: LRU, SIEVE and
/// S3-FIFO, the doorkeeper (TinyLFU admission), S3-FIFO's ghost, the expiry
/// sweep and the choice of a free entry. Both the `sharded` cache's shards
/// and `simulate` drive it, over entry ids `0..<capacity`; the caller keeps
/// the entries themselves and removes a victim from its own index.
///
/// Queues hold entry ids in arrays, so a miss touches no entry record:
/// S3-FIFO's small and main queues are FIFO rings; SIEVE is two rings, the
/// entries the hand has passed and those ahead of it (new ones join the
/// latter), which keeps SIEVE's order without unlinking from the middle;
/// LRU, whose hits reorder, is a doubly linked list in two arrays of links.
/// Free entries are a bitmap. Stale entries leave a queue only at its old
/// end (the sweep, eviction): a stale entry found by a lookup stays where
/// it is and is refreshed in place when its key is inserted again.
///
/// Not thread-safe: the shard's mutex serializes every call. A struct of
/// pointers, so copies share state and using it never touches a reference
/// count; `deallocate()` frees it.
///
/// - Complexity: O(1) amortized per call; SIEVE and S3-FIFO evictions pass
///   over entries seen since their last pass, each at most a few times.
package struct EvictionQueues<Frequencies: EvictionFrequencies> {
    /// A free entry's frequency byte: above every policy's limit, so lock-free readers never bump it.
    package static var free: UInt8 { 0xFF }
    static var none: UInt32 { .max }

    /// A FIFO ring of entry ids; `capacity` ids fit, as many as there are entries.
    struct Ring {
        var ids: UnsafeMutablePointer<UInt32>
        var start = 0
        var count = 0
    }

    struct State {
        var count = 0
        /// S3-FIFO: small, main. SIEVE: passed by the hand, ahead of the hand.
        /// LRU: their arrays are the previous and next links.
        var first: Ring, second: Ring
        var lruHead: UInt32 = EvictionQueues.none, lruTail: UInt32 = EvictionQueues.none
        var freeCursor = 0
        var admissionAttempts = 0
        /// Fingerprints added to the ghost's current generation, and which bit (1 or 2) it sets.
        var ghostAdded = 0
        var ghostGeneration: UInt64 = 1
    }

    package let capacity: Int
    package let eviction: EvictionPolicy
    let doorkeeperAdmission: Bool
    /// S3-FIFO's small queue target, a tenth of the capacity.
    let smallCapacity: Int
    package let frequencies: Frequencies
    let state: UnsafeMutablePointer<State>
    /// LRU's previous and next links (the rings' arrays, which LRU never swaps).
    let previous: UnsafeMutablePointer<UInt32>
    let next: UnsafeMutablePointer<UInt32>
    /// Per entry: its expiry in ticks, so the sweep never reads an entry's
    /// record (a trip to memory each).
    let expiryTicks: UnsafeMutablePointer<UInt32>
    /// One bit per entry, set when it is free.
    let freeBits: UnsafeMutablePointer<UInt64>
    let freeWords: Int
    /// Doorkeeper bits: a key is admitted on its second miss in a window.
    let doorkeeper: UnsafeMutablePointer<UInt64>
    let doorkeeperMask: Int
    /// S3-FIFO ghost: fingerprints of keys evicted from the small queue, in
    /// two generations of bits (two bits a slot, 32 slots a word). A
    /// generation holds `ghostCapacity` additions, then the older one is
    /// cleared and refilled, so the ghost remembers the last `ghostCapacity`
    /// to `2 * ghostCapacity` evictions. Adding and testing touch one word
    /// (a FIFO of fingerprints with a counting filter touched three).
    let ghostWords: UnsafeMutablePointer<UInt64>
    let ghostWordCount: Int
    let ghostCapacity: Int
    /// Slots - 1: at least 8 slots per remembered key, so about 1 in 5 keys never evicted looks remembered.
    let ghostMask: Int

    /// Every entry starts free; `frequencies` are set to `free` here.
    package init(capacity: Int, eviction: EvictionPolicy, admission: AdmissionPolicy, frequencies: Frequencies) {
        self.capacity = max(1, capacity)
        self.eviction = eviction
        doorkeeperAdmission = admission == .doorkeeper
        smallCapacity = max(1, self.capacity / 10)
        self.frequencies = frequencies
        previous = .allocate(capacity: self.capacity)
        previous.initialize(repeating: Self.none, count: self.capacity)
        next = .allocate(capacity: self.capacity)
        next.initialize(repeating: Self.none, count: self.capacity)
        state = .allocate(capacity: 1)
        state.initialize(to: State(first: Ring(ids: previous), second: Ring(ids: next)))
        expiryTicks = .allocate(capacity: self.capacity)
        expiryTicks.initialize(repeating: 0, count: self.capacity)
        freeWords = (self.capacity + 63) / 64
        freeBits = .allocate(capacity: freeWords)
        freeBits.initialize(repeating: ~0, count: freeWords)
        if self.capacity & 63 != 0 { freeBits[freeWords - 1] = (UInt64(1) << UInt64(self.capacity & 63)) - 1 }
        for id in 0..<UInt32(self.capacity) { frequencies.store(id, Self.free) }
        var doorkeeperBits = 64
        while doorkeeperBits < self.capacity * 4 { doorkeeperBits <<= 1 }
        let doorkeeperWords = doorkeeperAdmission ? doorkeeperBits / 64 : 1
        doorkeeper = .allocate(capacity: doorkeeperWords)
        doorkeeper.initialize(repeating: 0, count: doorkeeperWords)
        doorkeeperMask = doorkeeperBits - 1
        ghostCapacity = eviction == .s3fifo ? max(1, self.capacity - smallCapacity) : 1
        var ghostSlots = 32
        while ghostSlots < ghostCapacity * 8 { ghostSlots <<= 1 }
        if eviction != .s3fifo { ghostSlots = 32 }
        ghostWordCount = ghostSlots / 32
        ghostWords = .allocate(capacity: ghostWordCount)
        ghostWords.initialize(repeating: 0, count: ghostWordCount)
        ghostMask = ghostSlots - 1
    }

    package func deallocate() {
        state.deallocate()
        previous.deallocate()
        next.deallocate()
        freeBits.deallocate()
        expiryTicks.deallocate()
        doorkeeper.deallocate()
        ghostWords.deallocate()
    }

    /// Bytes held besides the frequency bytes.
    package var retainedBytes: Int {
        MemoryLayout<State>.stride + capacity * 12 + freeWords * 8
            + (doorkeeperAdmission ? (doorkeeperMask + 1) / 8 : 8) + ghostWordCount * 8
    }

    /// Entries in the queues (cached, fresh or stale).
    package var count: Int { state.pointee.count }

    // MARK: Hits

    /// Records a hit. SIEVE and S3-FIFO readers that hold no lock call `bump` directly.
    @inline(__always)
    package func touch(_ id: UInt32) {
        switch eviction {
        case .lru: moveToHead(id)
        case .sieve, .s3fifo: frequencies.bump(id, limit: Self.maximumFrequency(eviction))
        }
    }

    /// The most a hit raises a frequency byte: SIEVE's visited bit, S3-FIFO's 2-bit count.
    package static func maximumFrequency(_ eviction: EvictionPolicy) -> UInt8 { eviction == .sieve ? 1 : 3 }

    // MARK: Misses

    /// Whether a missed key may be placed: always, or with the doorkeeper on
    /// its second miss in the current window.
    @inline(__always)
    package func admit(_ hash: UInt64) -> Bool { !doorkeeperAdmission || doorkeeperAdmits(hash) }

    /// Places an admitted key that expires at `expiry` (nanoseconds): the
    /// sweep while not full, an eviction when full, then a free entry (`preferred` when it is
    /// free) joins its queue. Returns the entry.
    ///
    /// `release(id, evicted)` must take a swept (`evicted` false) or evicted
    /// entry out of the caller's index before its id is reused. `hashBits(id)`
    /// gives the low 32 bits of a queued entry's hash (for S3-FIFO's ghost):
    /// the shard reads them from the victim's record, the line its
    /// replacement is about to be written to.
    @inline(__always)
    package func place(hash: UInt64, expiry: UInt64, now: UInt64, preferred: UInt32, hashBits: (UInt32) -> UInt32,
                       release: (UInt32, Bool) -> Void) -> UInt32 {
        // A full shard evicts anyway; the sweep (a trip to memory per queue
        // end) runs only while there is room, to give back expired entries.
        if state.pointee.count < capacity { sweep(now: now, release: release) }
        var reuse = Self.none
        if state.pointee.count >= capacity {
            reuse = evict(hashBits: hashBits)
            release(reuse, true)
            markFree(reuse)
        }
        // The preferred entry when free (lookups try it first), else the one
        // just evicted (its line is warm), else any free one.
        let id = isFree(preferred) ? preferred : reuse != Self.none ? reuse : anyFree()
        markUsed(id)
        frequencies.store(id, 0)
        expiryTicks[Int(id)] = Self.tick(expiry)
        state.pointee.count += 1
        switch eviction {
        case .lru: pushHead(id)
        case .sieve: push(id, &state.pointee.second)
        case .s3fifo:
            if ghostContains(fingerprint: Self.fingerprint(hash)) { push(id, &state.pointee.second) }
            else { push(id, &state.pointee.first) }
        }
        return id
    }

    /// The ghost's fingerprint of a key's hash (its low 32 bits, never 0).
    @inline(__always)
    package static func fingerprint(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash) | 1 }

    /// Sets a queued entry's expiry, when its key is decided again in place.
    @inline(__always)
    package func setExpiry(_ id: UInt32, _ expiry: UInt64) {
        expiryTicks[Int(id)] = Self.tick(expiry)
    }

    /// Nanoseconds in ticks of 2^20 ns (about 1 ms), wrapping every 52 days,
    /// rounded up: the sweep never drops an entry before its expiry.
    @inline(__always)
    static func tick(_ nanoseconds: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: (nanoseconds &+ (1 << 20 - 1)) >> 20) }

    /// Whether an entry's expiry tick has come (wrapping: entries expired
    /// more than 26 days ago look fresh here and wait for eviction instead;
    /// lookups compare the exact expiry).
    @inline(__always)
    func isExpired(_ id: UInt32, tick: UInt32) -> Bool {
        Int32(bitPattern: tick &- expiryTicks[Int(id)]) >= 0
    }

    // MARK: Free entries

    @inline(__always) func isFree(_ id: UInt32) -> Bool { freeBits[Int(id) >> 6] & (1 << UInt64(id & 63)) != 0 }
    @inline(__always) func markUsed(_ id: UInt32) { freeBits[Int(id) >> 6] &= ~(1 << UInt64(id & 63)) }

    @inline(__always)
    func markFree(_ id: UInt32) {
        freeBits[Int(id) >> 6] |= 1 << UInt64(id & 63)
        frequencies.store(id, Self.free)
        state.pointee.count -= 1
    }

    /// A free entry, found from a cursor that moves on only past full words.
    /// Called only when the queues hold fewer than `capacity` entries.
    func anyFree() -> UInt32 {
        var w = state.pointee.freeCursor
        while freeBits[w] == 0 { w = w + 1 == freeWords ? 0 : w + 1 }
        state.pointee.freeCursor = w
        return UInt32(w * 64 + freeBits[w].trailingZeroBitCount)
    }

    // MARK: Sweep and eviction

    /// Amortized expiry: drops the oldest entry of each queue once expired.
    /// Reads only the expiry ticks, never the caller's records.
    @inline(__always)
    func sweep(now: UInt64, release: (UInt32, Bool) -> Void) {
        let tick = UInt32(truncatingIfNeeded: now >> 20) // rounded down: never ahead of `now`
        switch eviction {
        case .lru:
            let tail = state.pointee.lruTail
            if tail != Self.none && isExpired(tail, tick: tick) { unlink(tail); release(tail, false); markFree(tail) }
        case .sieve:
            // The oldest entry: the first the hand passed, else the hand's.
            if state.pointee.first.count > 0 { sweepFront(&state.pointee.first, tick: tick, release: release) }
            else { sweepFront(&state.pointee.second, tick: tick, release: release) }
        case .s3fifo:
            sweepFront(&state.pointee.second, tick: tick, release: release)
            sweepFront(&state.pointee.first, tick: tick, release: release)
        }
    }

    @inline(__always)
    func sweepFront(_ ring: inout Ring, tick: UInt32, release: (UInt32, Bool) -> Void) {
        guard ring.count > 0 else { return }
        let id = ring.ids[ring.start]
        guard isExpired(id, tick: tick) else { return }
        _ = pop(&ring)
        release(id, false)
        markFree(id)
    }

    /// Takes the victim out of its queue and returns it (the caller releases it).
    func evict(hashBits: (UInt32) -> UInt32) -> UInt32 {
        switch eviction {
        case .lru:
            let tail = state.pointee.lruTail
            unlink(tail)
            return tail
        case .sieve:
            // The hand is the front of `second`; entries it spares move to `first`.
            while true {
                if state.pointee.second.count == 0 {
                    // The hand wraps: the entries it passed are ahead of it again.
                    let passed = state.pointee.first
                    state.pointee.first = state.pointee.second
                    state.pointee.second = passed
                }
                let id = pop(&state.pointee.second)
                if frequencies.load(id) == 0 { return id }
                frequencies.store(id, 0)
                push(id, &state.pointee.first)
            }
        case .s3fifo:
            while true {
                let small = state.pointee.first.count
                if small > 0 && (small >= smallCapacity || state.pointee.second.count == 0) {
                    let id = pop(&state.pointee.first)
                    if frequencies.load(id) > 0 {
                        // Seen again while on probation: promoted to the main queue.
                        frequencies.store(id, 0)
                        push(id, &state.pointee.second)
                        continue
                    }
                    ghostAdd(Self.fingerprint(UInt64(hashBits(id))))
                    return id
                }
                let id = pop(&state.pointee.second)
                let f = frequencies.load(id)
                if f > 0 {
                    frequencies.store(id, f - 1)
                    push(id, &state.pointee.second)
                    continue
                }
                return id
            }
        }
    }
}

extension EvictionFrequencies {
    /// Raises a frequency byte by one up to `limit`, storing only when it
    /// changes, so a hot entry's line stays shared between cores. A free
    /// entry's byte (`free`) is above every limit and never changes here.
    @inline(__always)
    package func bump(_ id: UInt32, limit: UInt8) {
        let f = load(id)
        if f < limit { store(id, f &+ 1) }
    }
}
