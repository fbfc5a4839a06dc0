#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One shard: raw buffers reached through a trivial struct of pointers, so
/// using a shard never touches a reference count. Every mutable field is read
/// and written only while `header.mutex` is held.
struct Shard {
    static let missing: UInt8 = 0xFF
    static let none: UInt32 = .max
    static let keySlot = 96

    /// 32 bytes of metadata per entry.
    struct Entry {
        var hash: UInt64 = 0
        var expiry: UInt64 = 0
        var generation: UInt32 = 0
        /// Toward the newer end of the entry's queue (or the next free entry).
        var prev: UInt32 = Shard.none
        /// Toward the older end of the entry's queue.
        var next: UInt32 = Shard.none
        var keyLength: UInt8 = 0
        var reason: UInt8 = 0
        /// SIEVE's visited bit, or S3-FIFO's 2-bit frequency.
        var frequency: UInt8 = 0
        /// 1: main queue (the only one for LRU and SIEVE), 2: S3-FIFO's small queue.
        var queue: UInt8 = 0
    }

    /// The shard's lock, counters and queue ends, alone on their cache lines.
    struct Header {
        var mutex = pthread_mutex_t()
        var count = 0
        var freeHead: UInt32 = Shard.none
        var unusedFrom: UInt32 = 0
        var mainHead: UInt32 = Shard.none, mainTail: UInt32 = Shard.none, mainCount = 0
        var smallHead: UInt32 = Shard.none, smallTail: UInt32 = Shard.none, smallCount = 0
        var hand: UInt32 = Shard.none
        var hits = 0, misses = 0, expired = 0, evicted = 0, rejected = 0, uncacheable = 0
        var admissionAttempts = 0
        var ghostPosition = 0
    }

    let header: UnsafeMutablePointer<Header>
    let entries: UnsafeMutablePointer<Entry>
    let keys: UnsafeMutableRawPointer
    let index: UnsafeMutablePointer<UInt32>
    let indexMask: Int
    let capacity: Int
    let eviction: EvictionPolicy
    let admission: AdmissionPolicy
    let smallCapacity: Int
    /// Doorkeeper bits (TinyLFU): a key is admitted on its second miss in a window.
    let doorkeeper: UnsafeMutablePointer<UInt64>
    let doorkeeperMask: Int
    /// S3-FIFO ghost: a ring of fingerprints of keys evicted from the small queue,
    /// and a counting filter over it.
    let ghostRing: UnsafeMutablePointer<UInt32>
    let ghostCapacity: Int
    let ghostCounts: UnsafeMutablePointer<UInt8>
    let ghostMask: Int

    init(capacity: Int, eviction: EvictionPolicy, admission: AdmissionPolicy) {
        self.capacity = max(1, capacity)
        self.eviction = eviction
        self.admission = admission
        let headerBytes = (MemoryLayout<Header>.stride + 127) & ~127
        header = UnsafeMutableRawPointer.allocate(byteCount: headerBytes, alignment: 128).bindMemory(to: Header.self, capacity: 1)
        header.initialize(to: Header())
        pthread_mutex_init(&header.pointee.mutex, nil)
        entries = .allocate(capacity: self.capacity)
        entries.initialize(repeating: Entry(), count: self.capacity)
        keys = .allocate(byteCount: self.capacity * Self.keySlot, alignment: 16)
        var indexSize = 8
        while indexSize * 2 < self.capacity * 3 { indexSize <<= 1 }
        index = .allocate(capacity: indexSize)
        index.initialize(repeating: 0, count: indexSize)
        indexMask = indexSize - 1
        smallCapacity = max(1, self.capacity / 10)
        var doorkeeperBits = 64
        while doorkeeperBits < self.capacity * 4 { doorkeeperBits <<= 1 }
        doorkeeper = .allocate(capacity: admission == .doorkeeper ? doorkeeperBits / 64 : 1)
        doorkeeper.initialize(repeating: 0, count: admission == .doorkeeper ? doorkeeperBits / 64 : 1)
        doorkeeperMask = doorkeeperBits - 1
        ghostCapacity = eviction == .s3fifo ? max(1, self.capacity - smallCapacity) : 1
        ghostRing = .allocate(capacity: ghostCapacity)
        ghostRing.initialize(repeating: 0, count: ghostCapacity)
        var ghostSize = 8
        while ghostSize < ghostCapacity * 2 { ghostSize <<= 1 }
        ghostCounts = .allocate(capacity: eviction == .s3fifo ? ghostSize : 1)
        ghostCounts.initialize(repeating: 0, count: eviction == .s3fifo ? ghostSize : 1)
        ghostMask = eviction == .s3fifo ? ghostSize - 1 : 0
    }

    func deallocate() {
        pthread_mutex_destroy(&header.pointee.mutex)
        header.deinitialize(count: 1)
        UnsafeMutableRawPointer(header).deallocate()
        entries.deallocate()
        keys.deallocate()
        index.deallocate()
        doorkeeper.deallocate()
        ghostRing.deallocate()
        ghostCounts.deallocate()
    }

    var retainedBytes: Int {
        let doorkeeperBytes = admission == .doorkeeper ? (doorkeeperMask + 1) / 8 : 8
        let ghostBytes = eviction == .s3fifo ? ghostCapacity * 4 + ghostMask + 1 : 5
        return ((MemoryLayout<Header>.stride + 127) & ~127) + capacity * (MemoryLayout<Entry>.stride + Self.keySlot)
            + (indexMask + 1) * 4 + doorkeeperBytes + ghostBytes
    }

    @inline(__always) func lock() { pthread_mutex_lock(&header.pointee.mutex) }
    @inline(__always) func unlock() { pthread_mutex_unlock(&header.pointee.mutex) }

    @inline(__always)
    func home(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash) & indexMask }

    /// The index slot holding the entry for `key`, or the empty slot where it would go.
    @inline(__always)
    func probe(hash: UInt64, key: UnsafeRawBufferPointer) -> (slot: Int, entry: UInt32) {
        var i = home(hash)
        while true {
            let stored = index[i]
            if stored == 0 { return (i, Self.none) }
            let id = Int(stored - 1)
            if entries[id].hash == hash && Int(entries[id].keyLength) == key.count
                && key.bytesEqual(from: 0, count: key.count, to: keys + id * Self.keySlot) {
                return (i, UInt32(id))
            }
            i = (i + 1) & indexMask
        }
    }

    /// The cached reason, or `missing`. Counts a hit or a miss; drops an entry
    /// that expired or was computed under an earlier policy.
    @inline(__always)
    func lookup(hash: UInt64, key: UnsafeRawBufferPointer, now: UInt64, generation: UInt32) -> UInt8 {
        let (_, id) = probe(hash: hash, key: key)
        guard id != Self.none else {
            header.pointee.misses += 1
            return Self.missing
        }
        let entry = entries + Int(id)
        if entry.pointee.generation != generation || now >= entry.pointee.expiry {
            remove(id)
            header.pointee.expired += 1
            header.pointee.misses += 1
            return Self.missing
        }
        switch eviction {
        case .lru: moveToHead(id)
        case .sieve: if entry.pointee.frequency == 0 { entry.pointee.frequency = 1 }
        case .s3fifo: if entry.pointee.frequency < 3 { entry.pointee.frequency += 1 }
        }
        header.pointee.hits += 1
        return entry.pointee.reason
    }

    /// Inserts a decision computed on a miss, evicting if the shard is full.
    func insert(hash: UInt64, key: UnsafeRawBufferPointer, reason: UInt8, expiry: UInt64, generation: UInt32, now: UInt64, currentGeneration: UInt32) {
        let (_, existing) = probe(hash: hash, key: key)
        if existing != Self.none {
            // Another thread inserted it meanwhile: keep the newer decision.
            entries[Int(existing)].reason = reason
            entries[Int(existing)].expiry = expiry
            entries[Int(existing)].generation = generation
            return
        }
        if admission == .doorkeeper && !admit(hash) {
            header.pointee.rejected += 1
            return
        }
        sweep(now: now, generation: currentGeneration)
        if header.pointee.count >= capacity { evict() }
        let id: UInt32
        if header.pointee.freeHead != Self.none {
            id = header.pointee.freeHead
            header.pointee.freeHead = entries[Int(id)].prev
        } else {
            id = header.pointee.unusedFrom
            header.pointee.unusedFrom += 1
        }
        var entry = Entry(hash: hash, expiry: expiry, generation: generation, keyLength: UInt8(key.count), reason: reason)
        (keys + Int(id) * Self.keySlot).copyMemory(from: key.baseAddress!, byteCount: key.count)
        let (slot, _) = probe(hash: hash, key: key)
        index[slot] = id + 1
        header.pointee.count += 1
        if eviction == .s3fifo && !ghostContains(hash) {
            entry.queue = 2
            entries[Int(id)] = entry
            pushHead(id, small: true)
        } else {
            entry.queue = 1
            entries[Int(id)] = entry
            pushHead(id, small: false)
        }
    }

    // MARK: Admission

    @inline(__always)
    func admit(_ hash: UInt64) -> Bool {
        let bit = Int(truncatingIfNeeded: hash >> 17) & doorkeeperMask
        let word = doorkeeper + (bit >> 6)
        let mask = UInt64(1) << UInt64(bit & 63)
        if word.pointee & mask != 0 { return true }
        word.pointee |= mask
        header.pointee.admissionAttempts += 1
        // Forget the window periodically, as TinyLFU resets its sketch.
        if header.pointee.admissionAttempts >= capacity * 4 {
            doorkeeper.update(repeating: 0, count: (doorkeeperMask + 1) / 64)
            header.pointee.admissionAttempts = 0
        }
        return false
    }

    // MARK: Ghost (S3-FIFO)

    @inline(__always)
    func fingerprint(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash >> 32) | 1 }

    func ghostContains(_ hash: UInt64) -> Bool {
        ghostCounts[Int(fingerprint(hash)) & ghostMask] > 0
    }

    func ghostAdd(_ hash: UInt64) {
        let position = header.pointee.ghostPosition
        let old = ghostRing[position]
        if old != 0 { ghostCounts[Int(old) & ghostMask] -= 1 }
        let fp = fingerprint(hash)
        ghostRing[position] = fp
        if ghostCounts[Int(fp) & ghostMask] < 255 { ghostCounts[Int(fp) & ghostMask] += 1 } else { ghostRing[position] = 0 }
        header.pointee.ghostPosition = position + 1 == ghostCapacity ? 0 : position + 1
    }

    // MARK: Queues

    func pushHead(_ id: UInt32, small: Bool) {
        let entry = entries + Int(id)
        entry.pointee.prev = Self.none
        if small {
            entry.pointee.next = header.pointee.smallHead
            if header.pointee.smallHead != Self.none { entries[Int(header.pointee.smallHead)].prev = id } else { header.pointee.smallTail = id }
            header.pointee.smallHead = id
            header.pointee.smallCount += 1
        } else {
            entry.pointee.next = header.pointee.mainHead
            if header.pointee.mainHead != Self.none { entries[Int(header.pointee.mainHead)].prev = id } else { header.pointee.mainTail = id }
            header.pointee.mainHead = id
            header.pointee.mainCount += 1
        }
    }

    func unlink(_ id: UInt32) {
        let entry = entries[Int(id)]
        let small = entry.queue == 2
        if header.pointee.hand == id { header.pointee.hand = entry.prev }
        if entry.prev != Self.none { entries[Int(entry.prev)].next = entry.next }
        else if small { header.pointee.smallHead = entry.next } else { header.pointee.mainHead = entry.next }
        if entry.next != Self.none { entries[Int(entry.next)].prev = entry.prev }
        else if small { header.pointee.smallTail = entry.prev } else { header.pointee.mainTail = entry.prev }
        if small { header.pointee.smallCount -= 1 } else { header.pointee.mainCount -= 1 }
    }

    @inline(__always)
    func moveToHead(_ id: UInt32) {
        guard header.pointee.mainHead != id else { return }
        unlink(id)
        pushHead(id, small: false)
    }

    /// Removes an entry: out of the index (backward-shift deletion), out of its queue, onto the free list.
    func remove(_ id: UInt32) {
        let key = UnsafeRawBufferPointer(start: keys + Int(id) * Self.keySlot, count: Int(entries[Int(id)].keyLength))
        var (i, _) = probe(hash: entries[Int(id)].hash, key: key)
        var j = i
        while true {
            j = (j + 1) & indexMask
            let stored = index[j]
            if stored == 0 { break }
            let k = home(entries[Int(stored - 1)].hash)
            // Move j back to i unless its home lies cyclically in (i, j].
            let between = i <= j ? (k > i && k <= j) : (k > i || k <= j)
            if !between {
                index[i] = stored
                i = j
            }
        }
        index[i] = 0
        unlink(id)
        entries[Int(id)].queue = 0
        entries[Int(id)].prev = header.pointee.freeHead
        header.pointee.freeHead = id
        header.pointee.count -= 1
    }

    /// Amortized cleanup: drop up to two stale entries from the old ends of the queues.
    func sweep(now: UInt64, generation: UInt32) {
        for tail in [header.pointee.mainTail, header.pointee.smallTail] where tail != Self.none {
            let entry = entries[Int(tail)]
            if entry.generation != generation || now >= entry.expiry {
                remove(tail)
                header.pointee.expired += 1
            }
        }
    }

    /// Frees one entry according to the eviction policy.
    func evict() {
        header.pointee.evicted += 1
        switch eviction {
        case .lru:
            remove(header.pointee.mainTail)
        case .sieve:
            var hand = header.pointee.hand == Self.none ? header.pointee.mainTail : header.pointee.hand
            while true {
                let entry = entries + Int(hand)
                if entry.pointee.frequency == 0 {
                    header.pointee.hand = entry.pointee.prev
                    remove(hand)
                    return
                }
                entry.pointee.frequency = 0
                hand = entry.pointee.prev == Self.none ? header.pointee.mainTail : entry.pointee.prev
            }
        case .s3fifo:
            while true {
                if header.pointee.smallCount > 0 && (header.pointee.smallCount >= smallCapacity || header.pointee.mainCount == 0) {
                    let tail = header.pointee.smallTail
                    if entries[Int(tail)].frequency > 0 {
                        // Seen again while on probation: promote to the main queue.
                        unlink(tail)
                        entries[Int(tail)].frequency = 0
                        entries[Int(tail)].queue = 1
                        pushHead(tail, small: false)
                        continue
                    }
                    ghostAdd(entries[Int(tail)].hash)
                    remove(tail)
                    return
                }
                let tail = header.pointee.mainTail
                if entries[Int(tail)].frequency > 0 {
                    entries[Int(tail)].frequency -= 1
                    unlink(tail)
                    pushHead(tail, small: false)
                    continue
                }
                remove(tail)
                return
            }
        }
    }
}
