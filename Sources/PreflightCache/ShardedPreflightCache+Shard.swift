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
    /// Lookup results besides a reason code: not decided here (stale, or a writer interfered) ...
    static let missing: UInt8 = 0xFF
    /// ... and certainly not cached (found nowhere while no writer ran).
    static let absent: UInt8 = 0xFE
    static let none: UInt32 = .max
    /// An entry record: 16 words, two cache lines.
    static let recordWords = 16
    static let keyWords = CacheKey.maximumWords
    // Record layout (word index): expiry; meta; shape (key lengths, low 32
    // bits of the hash); the key words; queue links.
    static let wExpiry = 0, wMeta = 1, wShape = 2, wKey = 3, wLinks = 15

    /// The mutex and the writers' state, alone on their cache lines; the version has a line of its own.
    struct Header {
        var mutex = pthread_mutex_t()
        var count = 0
        /// Free records, doubly linked so that an insert can take its preferred record from anywhere in the list.
        var freeHead: UInt32 = Shard.none
        var mainHead: UInt32 = Shard.none, mainTail: UInt32 = Shard.none, mainCount = 0
        var smallHead: UInt32 = Shard.none, smallTail: UInt32 = Shard.none, smallCount = 0
        var hand: UInt32 = Shard.none
        var hits = 0, misses = 0, expired = 0, evicted = 0, rejected = 0
        var admissionAttempts = 0
        var ghostPosition = 0
    }

    let header: UnsafeMutablePointer<Header>
    let version: UnsafeMutablePointer<Atomic<UInt64>>
    let records: UnsafeMutablePointer<Atomic<UInt64>>
    /// SIEVE's visited bit or S3-FIFO's 2-bit frequency, per entry; readers
    /// bump it without the mutex. `free` marks a record on the free list, so
    /// an insert learns whether its preferred record is free without reading
    /// the record (a miss): readers never write `free`, and a reader's late
    /// bump can only hide a free record (which then is not preferred), never
    /// show a used one as free.
    let frequency: UnsafeMutablePointer<Atomic<UInt8>>
    static let free: UInt8 = 0xFF
    /// Slots: hash tag (high bits) | entry id + 1 (low `idBits`); 0 is empty.
    /// Four bytes a slot at a load of at most 3/4 (about 530 KB for 100,000
    /// entries); lookups read it only when a key is not in its preferred record.
    let index: UnsafeMutablePointer<Atomic<UInt32>>
    let indexSize: Int
    let idBits: UInt32
    let idMask: UInt32
    let capacity: Int
    let eviction: EvictionPolicy
    let admission: AdmissionPolicy
    let smallCapacity: Int
    /// Doorkeeper bits (TinyLFU): a key is admitted on its second miss in a window.
    let doorkeeper: UnsafeMutablePointer<UInt64>
    let doorkeeperMask: Int
    /// S3-FIFO ghost: a ring of fingerprints of keys evicted from the small queue, and a counting filter over it.
    let ghostRing: UnsafeMutablePointer<UInt32>
    let ghostCapacity: Int
    let ghostCounts: UnsafeMutablePointer<UInt8>
    let ghostMask: Int


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
        self.eviction = eviction
        self.admission = admission
        let headerBytes = (MemoryLayout<Header>.stride + 127) & ~127
        header = UnsafeMutableRawPointer.allocate(byteCount: headerBytes, alignment: 128).bindMemory(to: Header.self, capacity: 1)
        header.initialize(to: Header())
        checkPThread(pthread_mutex_init(&header.pointee.mutex, nil), "pthread_mutex_init")
        self.version = version
        self.records = records
        self.frequency = frequency
        for i in 0..<self.capacity { frequency[i].store(Self.free, ordering: .relaxed) }
        self.index = index
        indexSize = Self.indexSize(capacity: self.capacity)
        idBits = UInt32(UInt.bitWidth - UInt(self.capacity).leadingZeroBitCount)
        idMask = UInt32(truncatingIfNeeded: (UInt64(1) << UInt64(idBits)) &- 1)
        smallCapacity = max(1, self.capacity / 10)
        var doorkeeperBits = 64
        while doorkeeperBits < self.capacity * 4 { doorkeeperBits <<= 1 }
        let doorkeeperWords = admission == .doorkeeper ? doorkeeperBits / 64 : 1
        doorkeeper = .allocate(capacity: doorkeeperWords)
        doorkeeper.initialize(repeating: 0, count: doorkeeperWords)
        doorkeeperMask = doorkeeperBits - 1
        ghostCapacity = eviction == .s3fifo ? max(1, self.capacity - smallCapacity) : 1
        ghostRing = .allocate(capacity: ghostCapacity)
        ghostRing.initialize(repeating: 0, count: ghostCapacity)
        var ghostSize = 8
        while ghostSize < ghostCapacity * 2 { ghostSize <<= 1 }
        let ghostSlots = eviction == .s3fifo ? ghostSize : 1
        ghostCounts = .allocate(capacity: ghostSlots)
        ghostCounts.initialize(repeating: 0, count: ghostSlots)
        ghostMask = ghostSlots - 1
        // Every record starts on the free list, in order.
        for i in 0..<UInt32(self.capacity) {
            setLinks(i, prev: i == 0 ? Self.none : i - 1, next: i + 1 == UInt32(self.capacity) ? Self.none : i + 1)
        }
        header.pointee.freeHead = 0
    }

    func deallocate() {
        checkPThread(pthread_mutex_destroy(&header.pointee.mutex), "pthread_mutex_destroy")
        header.deinitialize(count: 1)
        UnsafeMutableRawPointer(header).deallocate()
        doorkeeper.deallocate()
        ghostRing.deallocate()
        ghostCounts.deallocate()
    }

    var retainedBytes: Int {
        let doorkeeperBytes = admission == .doorkeeper ? (doorkeeperMask + 1) / 8 : 8
        let ghostBytes = ghostCapacity * 4 + ghostMask + 1
        return ((MemoryLayout<Header>.stride + 127) & ~127) + 128 + capacity * (Self.recordWords * 8 + 1)
            + indexSize * 4 + doorkeeperBytes + ghostBytes
    }

    // MARK: Words

    @inline(__always) func word(_ id: UInt32, _ w: Int) -> UInt64 { records[Int(id) * Self.recordWords + w].load(ordering: .relaxed) }
    @inline(__always) func setWord(_ id: UInt32, _ w: Int, _ value: UInt64) { records[Int(id) * Self.recordWords + w].store(value, ordering: .relaxed) }

    @inline(__always) func prev(_ id: UInt32) -> UInt32 { UInt32(truncatingIfNeeded: word(id, Self.wLinks)) }
    @inline(__always) func next(_ id: UInt32) -> UInt32 { UInt32(truncatingIfNeeded: word(id, Self.wLinks) >> 32) }
    @inline(__always) func setLinks(_ id: UInt32, prev: UInt32, next: UInt32) { setWord(id, Self.wLinks, UInt64(next) << 32 | UInt64(prev)) }
    @inline(__always) func setPrev(_ id: UInt32, _ p: UInt32) { setLinks(id, prev: p, next: next(id)) }
    @inline(__always) func setNext(_ id: UInt32, _ n: UInt32) { setLinks(id, prev: prev(id), next: n) }

    /// Meta word: generation (bits 0..31), reason (32..39), queue (40..47; 1 main, 2 small).
    @inline(__always) func queue(_ id: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: word(id, Self.wMeta) >> 40) }
    @inline(__always) func setQueue(_ id: UInt32, _ q: UInt8) {
        setWord(id, Self.wMeta, word(id, Self.wMeta) & ~(UInt64(0xFF) << 40) | UInt64(q) << 40)
    }

    /// The shape word of a key: its lengths, an in-use bit (a free record's
    /// shape word is 0, so it matches no key) and the low 32 bits of its hash
    /// (its tag, and the S3-FIFO ghost's fingerprint).
    @inline(__always) static func shapeWord(_ shape: CacheKey.Shape, hash: UInt64) -> UInt64 { shape.lengths | 1 << 24 | hash << 32 }

    /// The record a key would like to live in, from hash bits 26 to 57 (the
    /// home and tag come from the low 32, the shard from the top bits).
    @inline(__always) func preferred(_ hash: UInt64) -> UInt32 { Self.preferred(hash, capacity: capacity) }

    @inline(__always) static func preferred(_ hash: UInt64, capacity: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: (((hash >> 26) & 0xFFFF_FFFF) &* UInt64(capacity)) >> 32)
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
    @inline(__always) func tag(_ hash: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: hash) & ~idMask
    }

    /// The home slot of a tag, by multiply-shift onto the index. An index
    /// entry holds its tag, so deletion finds every entry's home without
    /// reading its record (a cache miss each).
    @inline(__always) func home(tag: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(tag) &* UInt64(indexSize)) >> 32)
    }

    /// Compares `key` with entry `id`'s shape and key words.
    @inline(__always)
    func keyEquals(_ id: UInt32, _ key: UnsafePointer<UInt64>, shapeWord: UInt64, words: Int) -> Bool {
        let base = Int(id) * Self.recordWords
        guard records[base + Self.wShape].load(ordering: .relaxed) == shapeWord else { return false }
        for w in 0..<words where records[base + Self.wKey + w].load(ordering: .relaxed) != key[w] {
            return false
        }
        return true
    }

    /// The same comparison over all 12 key words (zero past the key in both),
    /// without an early exit or a variable count: no branch to mispredict, and
    /// the loads of both of the record's cache lines are in flight at once.
    @inline(__always)
    func keyEqualsBranchless(_ id: UInt32, _ key: UnsafePointer<UInt64>, shapeWord: UInt64) -> Bool {
        Self.keyEqualsBranchless(records, id, key, shapeWord: shapeWord)
    }

    @inline(__always)
    static func keyEqualsBranchless(_ records: UnsafeMutablePointer<Atomic<UInt64>>, _ id: UInt32, _ key: UnsafePointer<UInt64>, shapeWord: UInt64) -> Bool {
        let record = records + Int(id) &* recordWords
        var difference = record[wShape].load(ordering: .relaxed) ^ shapeWord
        for w in 0..<keyWords { difference |= record[wKey + w].load(ordering: .relaxed) ^ key[w] }
        return difference == 0
    }

    /// The entry holding `key`, or `none`: its preferred record first, which
    /// answers without touching the index when the key got that record (one
    /// trip to memory), then the index.
    @inline(__always)
    func find(hash: UInt64, key: UnsafePointer<UInt64>, shape: CacheKey.Shape) -> UInt32 {
        let guess = preferred(hash)
        if keyEqualsBranchless(guess, key, shapeWord: Self.shapeWord(shape, hash: hash)) { return guess }
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

    /// Records a hit for the eviction policy. Writes only when the value changes,
    /// so a hot entry's line stays shared between cores.
    @inline(__always)
    func touch(_ id: UInt32) {
        switch eviction {
        case .lru: moveToHead(id)
        case .sieve: Self.bump(frequency + Int(id), limit: 1)
        case .s3fifo: Self.bump(frequency + Int(id), limit: 3)
        }
    }

    /// Raises a frequency byte by one up to `limit` (SIEVE's visited bit, 1;
    /// S3-FIFO's 2-bit count, 3), storing only when it changes. A free
    /// record's byte (`free`) is above every limit, so it is never touched.
    @inline(__always)
    static func bump(_ frequency: UnsafeMutablePointer<Atomic<UInt8>>, limit: UInt8) {
        let f = frequency.pointee.load(ordering: .relaxed)
        if f < limit { frequency.pointee.store(f &+ 1, ordering: .relaxed) }
    }

    /// A lookup with the mutex held: counts a hit or a miss, drops a stale entry.
    func lockedLookup(hash: UInt64, key: UnsafePointer<UInt64>, shape: CacheKey.Shape, now: UInt64, generation: UInt32) -> UInt8 {
        let id = find(hash: hash, key: key, shape: shape)
        guard id != Self.none else {
            header.pointee.misses += 1
            return Self.missing
        }
        let meta = word(id, Self.wMeta)
        if UInt32(truncatingIfNeeded: meta) != generation || now >= word(id, Self.wExpiry) {
            beginWrite()
            remove(id)
            endWrite()
            header.pointee.expired += 1
            header.pointee.misses += 1
            return Self.missing
        }
        touch(id)
        header.pointee.hits += 1
        return UInt8(truncatingIfNeeded: meta >> 32)
    }

    /// Inserts a decision computed on a miss (mutex held), evicting if the shard is full.
    func insert(hash: UInt64, key: UnsafePointer<UInt64>, shape: CacheKey.Shape, reason: UInt8, expiry: UInt64, generation: UInt32, now: UInt64, currentGeneration: UInt32) {
        let meta = UInt64(generation) | UInt64(reason) << 32
        let (_, existing) = probe(hash: hash, key: key, shape: shape)
        if existing != Self.none {
            // Another thread inserted it meanwhile: keep the newer decision.
            beginWrite()
            setWord(existing, Self.wExpiry, expiry)
            setWord(existing, Self.wMeta, meta | UInt64(queue(existing)) << 40)
            endWrite()
            return
        }
        if admission == .doorkeeper && !admit(hash) {
            header.pointee.rejected += 1
            return
        }
        beginWrite()
        defer { endWrite() }
        sweep(now: now, generation: currentGeneration)
        if header.pointee.count >= capacity { evict() }
        // The preferred record when it is free (lookups try it first), else any free one.
        let guess = preferred(hash)
        let id = frequency[Int(guess)].load(ordering: .relaxed) == Self.free ? guess : header.pointee.freeHead
        unlinkFree(id)
        setWord(id, Self.wShape, Self.shapeWord(shape, hash: hash))
        setWord(id, Self.wExpiry, expiry)
        for w in 0..<Self.keyWords { setWord(id, Self.wKey + w, key[w]) }
        frequency[Int(id)].store(0, ordering: .relaxed)
        let small = eviction == .s3fifo && !ghostContains(hash)
        setWord(id, Self.wMeta, meta | UInt64(small ? 2 : 1) << 40)
        let (slot, _) = probe(hash: hash, key: key, shape: shape)
        index[slot].store(tag(hash) | (id + 1), ordering: .relaxed)
        header.pointee.count += 1
        pushHead(id, small: small)
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

    /// From the low 32 bits of the hash, which an entry keeps in its shape word.
    @inline(__always)
    func fingerprint(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash) | 1 }

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

    // MARK: Queues (mutex held)

    func pushHead(_ id: UInt32, small: Bool) {
        if small {
            let head = header.pointee.smallHead
            setLinks(id, prev: Self.none, next: head)
            if head != Self.none { setPrev(head, id) } else { header.pointee.smallTail = id }
            header.pointee.smallHead = id
            header.pointee.smallCount += 1
        } else {
            let head = header.pointee.mainHead
            setLinks(id, prev: Self.none, next: head)
            if head != Self.none { setPrev(head, id) } else { header.pointee.mainTail = id }
            header.pointee.mainHead = id
            header.pointee.mainCount += 1
        }
    }

    func unlink(_ id: UInt32) {
        let p = prev(id), n = next(id)
        let small = queue(id) == 2
        if header.pointee.hand == id { header.pointee.hand = p }
        if p != Self.none { setNext(p, n) } else if small { header.pointee.smallHead = n } else { header.pointee.mainHead = n }
        if n != Self.none { setPrev(n, p) } else if small { header.pointee.smallTail = p } else { header.pointee.mainTail = p }
        if small { header.pointee.smallCount -= 1 } else { header.pointee.mainCount -= 1 }
    }

    @inline(__always)
    func moveToHead(_ id: UInt32) {
        guard header.pointee.mainHead != id else { return }
        unlink(id)
        pushHead(id, small: false)
    }

    /// Removes an entry (inside a write window): out of the index by
    /// backward-shift deletion, out of its queue, onto the free list.
    func remove(_ id: UInt32) {
        var i = home(tag: tag(word(id, Self.wShape) >> 32))
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
        unlink(id)
        setQueue(id, 0)
        setWord(id, Self.wShape, 0)
        frequency[Int(id)].store(Self.free, ordering: .relaxed)
        pushFree(id)
        header.pointee.count -= 1
    }

    func pushFree(_ id: UInt32) {
        let head = header.pointee.freeHead
        setLinks(id, prev: Self.none, next: head)
        if head != Self.none { setPrev(head, id) }
        header.pointee.freeHead = id
    }

    func unlinkFree(_ id: UInt32) {
        let p = prev(id), n = next(id)
        if p != Self.none { setNext(p, n) } else { header.pointee.freeHead = n }
        if n != Self.none { setPrev(n, p) }
    }

    /// Amortized cleanup: drop up to two stale entries from the old ends of the queues.
    func sweep(now: UInt64, generation: UInt32) {
        sweep(header.pointee.mainTail, now: now, generation: generation)
        sweep(header.pointee.smallTail, now: now, generation: generation)
    }

    @inline(__always)
    func sweep(_ tail: UInt32, now: UInt64, generation: UInt32) {
        guard tail != Self.none else { return }
        if UInt32(truncatingIfNeeded: word(tail, Self.wMeta)) != generation || now >= word(tail, Self.wExpiry) {
            remove(tail)
            header.pointee.expired += 1
        }
    }

    /// Frees one entry according to the eviction policy (inside a write window).
    func evict() {
        header.pointee.evicted += 1
        switch eviction {
        case .lru:
            remove(header.pointee.mainTail)
        case .sieve:
            var hand = header.pointee.hand == Self.none ? header.pointee.mainTail : header.pointee.hand
            while true {
                if frequency[Int(hand)].load(ordering: .relaxed) == 0 {
                    header.pointee.hand = prev(hand)
                    remove(hand)
                    return
                }
                frequency[Int(hand)].store(0, ordering: .relaxed)
                hand = prev(hand) == Self.none ? header.pointee.mainTail : prev(hand)
            }
        case .s3fifo:
            while true {
                if header.pointee.smallCount > 0 && (header.pointee.smallCount >= smallCapacity || header.pointee.mainCount == 0) {
                    let tail = header.pointee.smallTail
                    if frequency[Int(tail)].load(ordering: .relaxed) > 0 {
                        // Seen again while on probation: promote to the main queue.
                        unlink(tail)
                        frequency[Int(tail)].store(0, ordering: .relaxed)
                        setQueue(tail, 1)
                        pushHead(tail, small: false)
                        continue
                    }
                    ghostAdd(word(tail, Self.wShape) >> 32)
                    remove(tail)
                    return
                }
                let tail = header.pointee.mainTail
                let f = frequency[Int(tail)].load(ordering: .relaxed)
                if f > 0 {
                    frequency[Int(tail)].store(f - 1, ordering: .relaxed)
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
