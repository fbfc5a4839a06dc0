/// The replacement state of one bucket of the `bucketed` cache, in one word:
/// the one home of its per-bucket LRU, CLOCK (SIEVE's visited bit) and
/// S3-FIFO, its doorkeeper and its ghost. The cache keeps the word beside the
/// bucket's seqlock version (lock-free hits update it by compare-and-swap);
/// `simulate` keeps one per simulated bucket and calls the same functions, so
/// both make the same choices.
///
///     bits  0-7    frequency, 2 bits a way (SIEVE: 0 or 1, S3-FIFO: 0 to 3)
///     bits  8-15   recency rank, 2 bits a way (LRU; 0 is the most recent;
///                  always a permutation of 0..<4)
///     bits 16-17   the hand (SIEVE and S3-FIFO): where the next scan starts
///     bits 18-21   probation, a bit a way (S3-FIFO's small queue)
///     bits 22-63   three 14-bit fingerprints of keys the bucket remembers
///                  (0 is empty), newest first: S3-FIFO's ghost (keys evicted
///                  from probation) and the doorkeeper's first misses
///
/// Everything a miss needs is in this word and in the bucket's own records,
/// so choosing a victim reads no other line.
///
/// - Complexity: every function is O(ways), at most a few dozen operations.
package struct BucketControl: Equatable, Sendable {
    package var word: UInt64

    package static let maximumWays = 4
    /// Ranks 0, 1, 2, 3 for ways 0, 1, 2, 3.
    package static let initial = BucketControl(word: 0xE4 << 8)

    package init(word: UInt64) { self.word = word }

    @inline(__always) package func frequency(_ way: Int) -> UInt8 { UInt8(truncatingIfNeeded: word >> UInt64(way &* 2)) & 3 }

    @inline(__always) mutating func setFrequency(_ way: Int, _ value: UInt8) {
        let shift = UInt64(way &* 2)
        word = word & ~(3 << shift) | UInt64(value & 3) << shift
    }

    @inline(__always) package func rank(_ way: Int) -> Int { Int(truncatingIfNeeded: word >> UInt64(8 &+ way &* 2)) & 3 }

    @inline(__always) var hand: Int { Int(truncatingIfNeeded: word >> 16) & 3 }

    /// The hand as a way: below `ways` whenever `setHand` wrote it, checked
    /// rather than taken modulo (a division on every eviction).
    @inline(__always) func handWay(_ ways: Int) -> Int { hand < ways ? hand : 0 }

    @inline(__always) mutating func setHand(_ way: Int) { word = word & ~(3 << 16) | UInt64(way & 3) << 16 }

    @inline(__always) package func onProbation(_ way: Int) -> Bool { word >> UInt64(18 &+ way) & 1 != 0 }

    @inline(__always) mutating func setProbation(_ way: Int, _ on: Bool) {
        let bit = UInt64(1) << UInt64(18 &+ way)
        word = on ? word | bit : word & ~bit
    }

    /// Makes `way` the most recent: the ways ranked before it move back one.
    @inline(__always) mutating func makeNewest(_ way: Int) {
        let old = rank(way)
        guard old != 0 else { return }
        var ranks = (word >> 8) & 0xFF
        for w in 0..<Self.maximumWays {
            let shift = UInt64(w &* 2)
            let r = Int(truncatingIfNeeded: ranks >> shift) & 3
            if w == way {
                ranks &= ~(3 << shift)
            } else if r < old {
                ranks = ranks & ~(3 << shift) | UInt64(r &+ 1) << shift
            }
        }
        word = word & ~(0xFF << 8) | ranks << 8
    }

    // MARK: Hits

    /// Whether a hit on `way` leaves the word as it is (see `touched`).
    @inline(__always)
    package func isSaturated(_ way: Int, eviction: EvictionPolicy) -> Bool {
        switch eviction {
        case .lru: return rank(way) == 0
        case .sieve: return frequency(way) != 0
        case .s3fifo: return frequency(way) == 3
        }
    }

    /// The word after a hit on `way`, or nil when a hit changes nothing (so a
    /// hot bucket's line is not written and stays shared between cores).
    @inline(__always)
    package func touched(_ way: Int, eviction: EvictionPolicy) -> BucketControl? {
        var next = self
        switch eviction {
        case .lru:
            guard rank(way) != 0 else { return nil }
            next.makeNewest(way)
        case .sieve:
            guard frequency(way) == 0 else { return nil }
            next.setFrequency(way, 1)
        case .s3fifo:
            let f = frequency(way)
            guard f < 3 else { return nil }
            next.setFrequency(way, f &+ 1)
        }
        return next
    }

    // MARK: Fingerprints

    /// The 14-bit fingerprint of a key from the low 32 bits of its hash
    /// (which the record's shape word keeps, so a victim's is known without
    /// its key); never 0.
    @inline(__always)
    package static func fingerprint(hashLow32: UInt32) -> UInt64 {
        let f = UInt64(hashLow32 >> 18)
        return f == 0 ? 1 : f
    }

    @inline(__always) func fingerprintSlot(_ i: Int) -> UInt64 { word >> UInt64(22 &+ i &* 14) & 0x3FFF }

    /// Whether the bucket remembers `fingerprint`; if so, forgets it.
    @inline(__always)
    mutating func recall(_ fingerprint: UInt64) -> Bool {
        for i in 0..<3 where fingerprintSlot(i) == fingerprint {
            // Close the gap: the slots after it move up one.
            let below = word & ((1 << UInt64(22 &+ i &* 14)) &- 1)
            let above = i == 2 ? 0 : (word >> UInt64(22 &+ (i &+ 1) &* 14)) << UInt64(22 &+ i &* 14)
            word = below | above
            return true
        }
        return false
    }

    /// Remembers `fingerprint` as the newest; the oldest of three is forgotten.
    @inline(__always)
    mutating func remember(_ fingerprint: UInt64) {
        let low = word & ((1 << 22) &- 1)
        let slots = (word >> 22) & ((1 << 28) &- 1) // the two newest
        word = low | fingerprint << 22 | slots << 36
    }

    // MARK: Misses

    /// Admission of a missed key with `fingerprint`: whether to place it, and
    /// whether on probation (S3-FIFO's small queue). The doorkeeper admits a
    /// key the bucket remembers missing (and remembers a first miss instead
    /// of admitting it); S3-FIFO places a key its ghost remembers straight
    /// into the main queue.
    @inline(__always)
    package mutating func admit(_ fingerprint: UInt64, eviction: EvictionPolicy, doorkeeper: Bool) -> (admitted: Bool, probation: Bool) {
        let remembered = recall(fingerprint)
        if doorkeeper && !remembered {
            remember(fingerprint)
            return (false, false)
        }
        return (true, eviction == .s3fifo && !remembered)
    }

    /// How a way was freed for a new key.
    package enum Vacancy: Equatable { case free, expired, evicted }

    /// The way a new key takes in a bucket of `ways` ways: a free one, else a
    /// stale one (expired, or decided by an older policy), else the policy's
    /// victim. `free` and `stale` are bit masks of ways. `victimFingerprint(w)`
    /// gives an occupied way's fingerprint, for S3-FIFO's ghost. Updates the
    /// hand, frequencies and probation bits the scan passes.
    @inline(__always)
    package mutating func chooseWay(ways: Int, free: UInt8, stale: UInt8, eviction: EvictionPolicy,
                                    victimFingerprint: (Int) -> UInt64) -> (way: Int, vacancy: Vacancy) {
        if free != 0 { return (free.trailingZeroBitCount, .free) }
        if stale != 0 { return (stale.trailingZeroBitCount, .expired) }
        switch eviction {
        case .lru:
            for w in 0..<ways where rank(w) == ways &- 1 { return (w, .evicted) }
            return (ways &- 1, .evicted) // unreachable while ranks stay a permutation
        case .sieve:
            var w = handWay(ways)
            // Two passes at most: the first clears every visited bit it passes.
            for _ in 0..<(2 &* ways) {
                if frequency(w) == 0 { break }
                setFrequency(w, 0)
                w = w &+ 1 == ways ? 0 : w &+ 1
            }
            setHand(w &+ 1 == ways ? 0 : w &+ 1)
            return (w, .evicted)
        case .s3fifo:
            var w = handWay(ways)
            // Each pass lowers every main entry's count by one or promotes a
            // probationary one: after four passes some way is at 0.
            for _ in 0..<(5 &* ways) {
                let f = frequency(w)
                if onProbation(w) {
                    if f == 0 {
                        remember(victimFingerprint(w))
                        break
                    }
                    setProbation(w, false)
                    setFrequency(w, 0)
                } else {
                    if f == 0 { break }
                    setFrequency(w, f &- 1)
                }
                w = w &+ 1 == ways ? 0 : w &+ 1
            }
            setHand(w &+ 1 == ways ? 0 : w &+ 1)
            return (w, .evicted)
        }
    }

    /// Records a new key in `way`: not yet visited, the most recent, on
    /// probation or not.
    @inline(__always)
    package mutating func installed(_ way: Int, probation: Bool) {
        setFrequency(way, 0)
        makeNewest(way)
        setProbation(way, probation)
    }
}
