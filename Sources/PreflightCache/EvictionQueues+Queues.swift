// The queue structures and the admission filters of `EvictionQueues`: FIFO
// rings of entry ids, LRU's linked list over arrays, the doorkeeper and
// S3-FIFO's ghost. All are called with the shard's mutex held.

extension EvictionQueues {
    // MARK: Admission

    func doorkeeperAdmits(_ hash: UInt64) -> Bool {
        let bit = Int(truncatingIfNeeded: hash >> 17) & doorkeeperMask
        let word = doorkeeper + (bit >> 6)
        let mask = UInt64(1) << UInt64(bit & 63)
        if word.pointee & mask != 0 { return true }
        word.pointee |= mask
        state.pointee.admissionAttempts += 1
        // Forget the window periodically, as TinyLFU resets its sketch.
        if state.pointee.admissionAttempts >= capacity * 4 {
            doorkeeper.update(repeating: 0, count: (doorkeeperMask + 1) / 64)
            state.pointee.admissionAttempts = 0
        }
        return false
    }

    // MARK: Rings

    @inline(__always)
    func push(_ id: UInt32, _ ring: inout Ring) {
        var end = ring.start + ring.count
        if end >= capacity { end -= capacity }
        ring.ids[end] = id
        ring.count += 1
    }

    @inline(__always)
    func pop(_ ring: inout Ring) -> UInt32 {
        let id = ring.ids[ring.start]
        ring.start = ring.start + 1 == capacity ? 0 : ring.start + 1
        ring.count -= 1
        return id
    }

    // MARK: LRU list

    @inline(__always)
    func pushHead(_ id: UInt32) {
        let head = state.pointee.lruHead
        previous[Int(id)] = Self.none
        next[Int(id)] = head
        if head != Self.none { previous[Int(head)] = id } else { state.pointee.lruTail = id }
        state.pointee.lruHead = id
    }

    @inline(__always)
    func unlink(_ id: UInt32) {
        let p = previous[Int(id)], n = next[Int(id)]
        if p != Self.none { next[Int(p)] = n } else { state.pointee.lruHead = n }
        if n != Self.none { previous[Int(n)] = p } else { state.pointee.lruTail = p }
    }

    @inline(__always)
    func moveToHead(_ id: UInt32) {
        guard state.pointee.lruHead != id else { return }
        unlink(id)
        pushHead(id)
    }

    // MARK: Ghost (S3-FIFO)

    @inline(__always)
    func ghostContains(fingerprint: UInt32) -> Bool {
        let slot = Int(fingerprint) & ghostMask
        return (ghostWords[slot >> 5] >> UInt64((slot & 31) * 2)) & 3 != 0
    }

    func ghostAdd(_ fingerprint: UInt32) {
        let slot = Int(fingerprint) & ghostMask
        ghostWords[slot >> 5] |= state.pointee.ghostGeneration << UInt64((slot & 31) * 2)
        state.pointee.ghostAdded += 1
        if state.pointee.ghostAdded >= ghostCapacity {
            // The other generation, the older, is forgotten and refilled.
            let next: UInt64 = state.pointee.ghostGeneration == 1 ? 2 : 1
            let keep = ~(0x5555_5555_5555_5555 &* next)
            for w in 0..<ghostWordCount { ghostWords[w] &= keep }
            state.pointee.ghostGeneration = next
            state.pointee.ghostAdded = 0
        }
    }
}
