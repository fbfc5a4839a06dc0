#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

// The writer side of `BucketedPreflightCache`: the bucket lock (its seqlock
// version, odd while held) and the insert that chooses a way.
extension BucketedPreflightCache {
    /// Takes the bucket's lock: its version goes from even to odd, so
    /// lock-free readers of the bucket discard what they read meanwhile.
    /// Returns the even version it found. Critical sections are a few dozen
    /// stores, so a waiter spins; one that spins long yields its core, in
    /// case the holder was descheduled (more threads than cores).
    @inline(__always)
    func lockBucket(_ header: UnsafeMutablePointer<Atomic<UInt64>>) -> UInt64 {
        var spins = 0
        while true {
            let v = header.pointee.load(ordering: .relaxed)
            if v & 1 == 0, header.pointee.compareExchange(expected: v, desired: v | 1, ordering: .acquiring).exchanged {
                // Orders the odd version before every store of the write (a
                // reader that sees one of them then sees the version move).
                atomicMemoryFence(ordering: .releasing)
                return v
            }
            spins &+= 1
            if spins & 63 == 0 { sched_yield() }
        }
    }

    /// Releases the bucket: the version moves to the next even number when
    /// the bucket changed, else back to `version` (readers lose nothing).
    @inline(__always)
    func unlockBucket(_ header: UnsafeMutablePointer<Atomic<UInt64>>, _ version: UInt64, changed: Bool) {
        header.pointee.store(changed ? version &+ 2 : version, ordering: .releasing)
    }

    /// Places a decision computed on a miss: refreshes the key's way in
    /// place when it is there (stale, or inserted by another thread
    /// meanwhile), else asks the bucket's admission, chooses a way and writes
    /// it. Reads and writes only the bucket's header and its two lines.
    /// Returns the counter the insert adds one to (expired, rejected, filled
    /// or evicted), if any, for the caller to bump with its miss.
    func insert(_ fingerprint: (UInt64, UInt64), hash: UInt64, reason: UInt8, expiry: UInt64, generation: UInt32,
                now: UInt64, currentGeneration: UInt32) -> Int? {
        let b = bucket(of: hash)
        let header = headers + b &* 2
        let base = records + b &* wordsPerBucket
        let first = BucketWay.firstWord(fingerprint)
        let ghost = BucketControl.fingerprint(hashLow32: UInt32(truncatingIfNeeded: hash))
        let meta = BucketWay.meta(generation: generation, reason: reason, ghost: ghost)
        let version = lockBucket(header)
        var free: UInt8 = 0, stale: UInt8 = 0
        for way in 0..<ways {
            let slot = base + way &* BucketWay.words
            let f = slot[BucketWay.first].load(ordering: .relaxed)
            if f == 0 {
                free |= 1 << UInt8(way)
                continue
            }
            let m = slot[BucketWay.meta].load(ordering: .relaxed)
            let isStale = BucketWay.generation(m) != currentGeneration || now >= slot[BucketWay.expiry].load(ordering: .relaxed)
            if f == first && slot[BucketWay.second].load(ordering: .relaxed) == fingerprint.1 {
                slot[BucketWay.expiry].store(expiry, ordering: .relaxed)
                slot[BucketWay.meta].store(meta, ordering: .relaxed)
                unlockBucket(header, version, changed: true)
                return isStale ? Self.expiredCounter : nil
            }
            if isStale { stale |= 1 << UInt8(way) }
        }
        // The replacement word is written with a plain store: a hit's
        // compare-and-swap racing it either fails or is overwritten, and a
        // lost hit mark is advice lost, never a wrong answer.
        let controlWord = header + 1
        var control = BucketControl(word: controlWord.pointee.load(ordering: .relaxed))
        let admission = control.admit(ghost, eviction: eviction, doorkeeper: doorkeeper)
        guard admission.admitted else {
            controlWord.pointee.store(control.word, ordering: .relaxed)
            unlockBucket(header, version, changed: false)
            return Self.rejectedCounter
        }
        let (way, vacancy) = control.chooseWay(ways: ways, free: free, stale: stale, eviction: eviction) { w in
            BucketWay.ghost(base[w &* BucketWay.words &+ BucketWay.meta].load(ordering: .relaxed))
        }
        control.installed(way, probation: admission.probation)
        controlWord.pointee.store(control.word, ordering: .relaxed)
        let slot = base + way &* BucketWay.words
        slot[BucketWay.first].store(first, ordering: .relaxed)
        slot[BucketWay.second].store(fingerprint.1, ordering: .relaxed)
        slot[BucketWay.expiry].store(expiry, ordering: .relaxed)
        slot[BucketWay.meta].store(meta, ordering: .relaxed)
        unlockBucket(header, version, changed: true)
        switch vacancy {
        case .free: return Self.filledCounter
        case .expired: return Self.expiredCounter
        case .evicted: return Self.evictedCounter
        }
    }
}
