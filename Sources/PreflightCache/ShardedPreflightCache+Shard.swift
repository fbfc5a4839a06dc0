#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// One shard: raw buffers reached through a trivial struct of pointers, so
/// using a shard never touches a reference count.
///
/// Concurrency: writers hold `mutex`; structural changes (insertions and
/// removals, which change what a lookup can find) happen while `version` is
/// odd. Readers of SIEVE and S3-FIFO shards look up without the mutex, as with
/// a seqlock: they read `version`, probe, and accept what they read only if
/// `version` is the same even number afterwards. Every word a reader may see
/// is an atomic read and written with relaxed atomic operations, so there is
/// no data race (and ThreadSanitizer sees none); the version check makes the
/// words read consistent.
struct Shard {
    /// Lookup results besides a reason code: not decided here (a writer interfered) ...
    static let missing: UInt8 = 0xFF
    /// ... certainly not cached (found nowhere while no writer ran) ...
    static let absent: UInt8 = 0xFE
    /// ... and found, but expired or decided by an older policy.
    static let stale: UInt8 = 0xFD
    static let none: UInt32 = .max

    /// The mutex and the statistics, alone on their cache lines; the version has a line of its own.
    struct Header {
        var mutex = pthread_mutex_t()
        var hits = 0, misses = 0, expired = 0, evicted = 0, rejected = 0
    }

    let header: UnsafeMutablePointer<Header>
    let version: UnsafeMutablePointer<Atomic<UInt64>>
    let records: UnsafeMutablePointer<Atomic<UInt64>>
    /// Queues, admission, the sweep and free entries; its frequency bytes
    /// (SIEVE's visited bit, S3-FIFO's count) are bumped by readers without the mutex.
    let queues: EvictionQueues<AtomicFrequencies>
    /// Slots: hash tag (high bits) | entry id + 1 (low `idBits`); 0 is empty.
    /// Four bytes a slot at a load of at most 3/4 (about 530 KB for 100,000
    /// entries); lookups read it only when a key is not in its preferred record.
    let index: UnsafeMutablePointer<Atomic<UInt32>>
    let indexSize: Int
    let idBits: UInt32
    let idMask: UInt32
    let capacity: Int

    /// Index slots for a shard of `capacity` entries (load at most 3/4).
    static func indexSize(capacity: Int) -> Int {
        max(8, (max(1, capacity) * 4 + 2) / 3)
    }

    /// `records` (capacity x 16 words), `index` (`indexSize` words),
    /// `frequency` (capacity bytes) and `version` (a word on a 128-byte block
    /// of its own) are carved by the cache from slabs it owns: big ones can sit
    /// on huge pages, and the hit path finds a shard's parts by arithmetic.
    init(capacity: Int, eviction: EvictionPolicy, admission: AdmissionPolicy, records: UnsafeMutablePointer<Atomic<UInt64>>,
         index: UnsafeMutablePointer<Atomic<UInt32>>, frequency: UnsafeMutablePointer<Atomic<UInt8>>, version: UnsafeMutablePointer<Atomic<UInt64>>) {
        self.capacity = max(1, capacity)
        let headerBytes = (MemoryLayout<Header>.stride + 127) & ~127
        header = UnsafeMutableRawPointer.allocate(byteCount: headerBytes, alignment: 128).bindMemory(to: Header.self, capacity: 1)
        header.initialize(to: Header())
        checkPThread(pthread_mutex_init(&header.pointee.mutex, nil), "pthread_mutex_init")
        self.version = version
        self.records = records
        queues = EvictionQueues(capacity: self.capacity, eviction: eviction, admission: admission,
                                frequencies: AtomicFrequencies(bytes: frequency))
        self.index = index
        indexSize = Self.indexSize(capacity: self.capacity)
        idBits = UInt32(UInt.bitWidth - UInt(self.capacity).leadingZeroBitCount)
        idMask = UInt32(truncatingIfNeeded: (UInt64(1) << UInt64(idBits)) &- 1)
    }

    func deallocate() {
        checkPThread(pthread_mutex_destroy(&header.pointee.mutex), "pthread_mutex_destroy")
        header.deinitialize(count: 1)
        UnsafeMutableRawPointer(header).deallocate()
        queues.deallocate()
    }

    var retainedBytes: Int {
        ((MemoryLayout<Header>.stride + 127) & ~127) + 128 + capacity * (EntryRecord.words * 8 + 1)
            + indexSize * 4 + queues.retainedBytes
    }

    /// Entries held, fresh or stale.
    var count: Int { queues.count }

    // MARK: Words

    @inline(__always) func word(_ id: UInt32, _ w: Int) -> UInt64 { records[Int(id) * EntryRecord.words + w].load(ordering: .relaxed) }
    @inline(__always) func setWord(_ id: UInt32, _ w: Int, _ value: UInt64) { records[Int(id) * EntryRecord.words + w].store(value, ordering: .relaxed) }

    /// The shape word of a key: its lengths, an in-use bit (a free record's
    /// shape word is 0, so it matches no key) and the low 32 bits of its hash
    /// (its tag, and the S3-FIFO ghost's fingerprint).
    /// (See `EntryRecord`.)
    @inline(__always) static func shapeWord(_ shape: CacheKey.Shape, hash: UInt64) -> UInt64 { EntryRecord.shapeWord(shape, hash: hash) }

    /// The record a key would like to live in, from hash bits 26 to 57 (the
    /// home and tag come from the low 32, the shard from the top bits).
    @inline(__always) func preferred(_ hash: UInt64) -> UInt32 { Self.preferred(hash, capacity: capacity) }

    @inline(__always) static func preferred(_ hash: UInt64, capacity: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: (((hash &>> 26) & 0xFFFF_FFFF) &* UInt64(truncatingIfNeeded: capacity)) &>> 32)
    }

    @inline(__always) func lock() { checkPThread(pthread_mutex_lock(&header.pointee.mutex), "pthread_mutex_lock") }
    @inline(__always) func unlock() { checkPThread(pthread_mutex_unlock(&header.pointee.mutex), "pthread_mutex_unlock") }

    /// Opens a window in which readers' results are discarded (mutex held).
    @inline(__always) func beginWrite() {
        let v = version[0].load(ordering: .relaxed)
        version[0].store(v &+ 1, ordering: .relaxed)
        atomicMemoryFence(ordering: .releasing)
    }

    @inline(__always) func endWrite() {
        let v = version[0].load(ordering: .relaxed)
        version[0].store(v &+ 1, ordering: .releasing)
    }

    /// The tag stored beside an entry's id: the hash's low 32 bits above the
    /// id's bits (the shard is picked by the top bits, the preferred record by
    /// bits 26 to 57).
    @inline(__always) func tag(_ hash: UInt64) -> UInt32 { Self.tag(hash, idMask: idMask) }

    @inline(__always) static func tag(_ hash: UInt64, idMask: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: hash) & ~idMask
    }

    /// The home slot of a tag, by multiply-shift onto the index. An index
    /// entry holds its tag, so deletion finds every entry's home without
    /// reading its record (a cache miss each).
    @inline(__always) func home(tag: UInt32) -> Int { Self.home(tag: tag, indexSize: indexSize) }

    @inline(__always) static func home(tag: UInt32, indexSize: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(tag) &* UInt64(truncatingIfNeeded: indexSize)) &>> 32)
    }

    /// Compares `key` with entry `id`'s shape word (lengths and hash bits,
    /// which turn away almost every other key) and its `words` key words.
    @inline(__always)
    func keyEquals(_ id: UInt32, _ key: UnsafePointer<UInt64>, shapeWord: UInt64, words: Int) -> Bool {
        Self.keyEquals(records, id, key, shapeWord: shapeWord, words: words)
    }

    @inline(__always)
    static func keyEquals(_ records: UnsafeMutablePointer<Atomic<UInt64>>, _ id: UInt32, _ key: UnsafePointer<UInt64>, shapeWord: UInt64,
                          words: Int) -> Bool {
        let record = records + Int(id) &* EntryRecord.words
        guard record[EntryRecord.shape].load(ordering: .relaxed) == shapeWord else { return false }
        // Whole blocks, straight-line: the key words in the record's first
        // line, then, for longer keys, the rest. Past its key a record and a
        // key buffer are zero (`insert` writes every key word), so the blocks
        // compare equal exactly when the keys do. A loop over the key's own
        // word count cost more in setup and spills than the compares.
        @inline(__always) func differs(_ w: Int) -> UInt64 { record[EntryRecord.key &+ w].load(ordering: .relaxed) ^ key[w] }
        var difference = differs(0) | differs(1) | differs(2) | differs(3) | differs(4)
        if words > EntryRecord.firstLineKeyWords {
            difference |= differs(5) | differs(6) | differs(7) | differs(8) | differs(9) | differs(10) | differs(11)
        }
        return difference == 0
    }

    /// The entry holding `key`, or `none`: its preferred record first, which
    /// answers without touching the index when the key got that record (one
    /// trip to memory), then the index.
    @inline(__always)
    func find(hash: UInt64, key: UnsafePointer<UInt64>, shape: CacheKey.Shape) -> UInt32 {
        let guess = preferred(hash)
        if keyEquals(guess, key, shapeWord: Self.shapeWord(shape, hash: hash), words: shape.wordCount) { return guess }
        return probe(hash: hash, key: key, shape: shape).entry
    }

    /// The index slot holding `key`, or the empty slot where it would go.
    /// Bounded by the index size, so a reader racing a writer cannot loop forever.
    @inline(__always)
    func probe(hash: UInt64, key: UnsafePointer<UInt64>, shape: CacheKey.Shape) -> (slot: Int, entry: UInt32) {
        let tag = tag(hash)
        let shapeWord = Self.shapeWord(shape, hash: hash)
        var i = home(tag: tag)
        for _ in 0..<indexSize {
            let stored = index[i].load(ordering: .relaxed)
            if stored == 0 { return (i, Self.none) }
            if stored & ~idMask == tag {
                let id = (stored & idMask) &- 1
                if id < UInt32(capacity) && keyEquals(id, key, shapeWord: shapeWord, words: shape.wordCount) {
                    return (i, id)
                }
            }
            i += 1
            if i == indexSize { i = 0 }
        }
        return (-1, Self.none)
    }

    /// A lookup with the mutex held: counts a hit or a miss. A stale entry
    /// stays where it is, to be refreshed in place by the insert that follows.
    func lockedLookup(hash: UInt64, key: UnsafePointer<UInt64>, shape: CacheKey.Shape, now: UInt64, generation: UInt32) -> UInt8 {
        let id = find(hash: hash, key: key, shape: shape)
        guard id != Self.none, !isStale(id, now: now, generation: generation) else {
            header.pointee.misses += 1
            return id == Self.none ? Self.absent : Self.stale
        }
        header.pointee.hits += 1
        queues.touch(id)
        return EntryRecord.reason(word(id, EntryRecord.meta))
    }

    /// Whether a queued entry has expired or was decided under an older policy.
    @inline(__always)
    func isStale(_ id: UInt32, now: UInt64, generation: UInt32) -> Bool {
        EntryRecord.generation(word(id, EntryRecord.meta)) != generation || now >= word(id, EntryRecord.expiry)
    }

    /// Inserts a decision computed on a miss (mutex held), evicting if the
    /// shard is full. `absentAtVersion` is the version under which a lookup
    /// without the mutex found the key absent: while it is still current,
    /// nothing has changed since, and the index is probed only once.
    func insert(hash: UInt64, key: UnsafePointer<UInt64>, shape: CacheKey.Shape, reason: UInt8, expiry: UInt64, generation: UInt32,
                now: UInt64, currentGeneration: UInt32, absentAtVersion: UInt64?) {
        let meta = EntryRecord.meta(generation: generation, reason: reason)
        var slot = -1
        if absentAtVersion == nil || absentAtVersion != version[0].load(ordering: .relaxed) {
            let (found, existing) = probe(hash: hash, key: key, shape: shape)
            if existing != Self.none {
                // Stale (or inserted by another thread meanwhile): refresh it in
                // place, keeping its queue position and frequency.
                if isStale(existing, now: now, generation: currentGeneration) { header.pointee.expired += 1 }
                queues.setExpiry(existing, expiry)
                beginWrite()
                setWord(existing, EntryRecord.expiry, expiry)
                setWord(existing, EntryRecord.meta, meta)
                endWrite()
                return
            }
            slot = found
        }
        guard queues.admit(hash) else {
            header.pointee.rejected += 1
            return
        }
        beginWrite()
        defer { endWrite() }
        var released = false
        let id = queues.place(hash: hash, expiry: expiry, now: now, preferred: preferred(hash),
                              hashBits: { UInt32(truncatingIfNeeded: word($0, EntryRecord.shape) >> 32) }) { victim, evicted in
            released = true
            if evicted { header.pointee.evicted += 1 } else { header.pointee.expired += 1 }
            removeFromIndex(victim)
        }
        setWord(id, EntryRecord.shape, Self.shapeWord(shape, hash: hash))
        setWord(id, EntryRecord.expiry, expiry)
        // Every key word, zeros past the key: `keyEquals` compares whole blocks.
        for w in 0..<CacheKey.maximumWords { setWord(id, EntryRecord.key + w, w < shape.wordCount ? key[w] : 0) }
        setWord(id, EntryRecord.meta, meta)
        // Removals shift index entries back: the slot found before them may have moved.
        if slot < 0 || released { slot = probe(hash: hash, key: key, shape: shape).slot }
        index[slot].store(tag(hash) | (id + 1), ordering: .relaxed)
    }

    /// Takes an entry out of the index by backward-shift deletion and clears
    /// its shape word, so no lookup matches it (inside a write window).
    func removeFromIndex(_ id: UInt32) {
        var i = home(tag: tag(word(id, EntryRecord.shape) >> 32))
        while index[i].load(ordering: .relaxed) & idMask != id + 1 { i = i + 1 == indexSize ? 0 : i + 1 }
        var j = i
        while true {
            j = j + 1 == indexSize ? 0 : j + 1
            let stored = index[j].load(ordering: .relaxed)
            if stored == 0 { break }
            let k = home(tag: stored & ~idMask)
            // Move j back to i unless its home lies cyclically in (i, j].
            let between = i <= j ? (k > i && k <= j) : (k > i || k <= j)
            if !between {
                index[i].store(stored, ordering: .relaxed)
                i = j
            }
        }
        index[i].store(0, ordering: .relaxed)
        setWord(id, EntryRecord.shape, 0)
    }
}
