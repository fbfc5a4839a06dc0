/// Exact origins in an open-addressing hash table keyed by their bytes;
/// wildcard and any-port patterns are scanned as `linear` does.
///
/// - Complexity: one expected probe for exact origins, plus O(w) for w
///   wildcard patterns when the probe misses.
public struct HashedOriginMatcher: OriginMatcher {
    let table: ExactOriginTable
    let others: LinearOriginMatcher

    public init(patterns: [OriginPattern]) {
        let exact = patterns.filter { !$0.isWildcardHost && $0.port != .any }
        table = ExactOriginTable(exact.map { Array($0.text.utf8) })
        others = LinearOriginMatcher(patterns: patterns.filter { $0.isWildcardHost || $0.port == .any })
    }

    public func matches(_ origin: RequestOrigin) -> Bool {
        table.contains(origin.bytes) || others.matches(origin)
    }

    public var retainedBytes: Int? { table.retainedBytes + (others.retainedBytes ?? 0) }
}

/// A set of byte strings: hashes in one array, the strings packed in another,
/// probed linearly. Built once, read-only afterwards.
struct ExactOriginTable: Sendable {
    struct Slot: Sendable {
        var hash: UInt64 = 0
        var offset: UInt32 = 0
        /// Length + 1; 0 marks an empty slot.
        var lengthPlusOne: UInt32 = 0
    }

    let slots: [Slot]
    let pool: [UInt8]
    let mask: Int

    init(_ keys: [[UInt8]]) {
        var capacity = 8
        while capacity < keys.count * 2 { capacity <<= 1 }
        var slots = [Slot](repeating: Slot(), count: capacity)
        var pool: [UInt8] = []
        pool.reserveCapacity(keys.reduce(0) { $0 + $1.count })
        let mask = capacity - 1
        for key in keys {
            let h = ByteHash.hash(key)
            var i = Int(truncatingIfNeeded: h) & mask
            var duplicate = false
            while slots[i].lengthPlusOne != 0 {
                if slots[i].hash == h, Int(slots[i].lengthPlusOne) - 1 == key.count,
                   pool[Int(slots[i].offset)..<(Int(slots[i].offset) + key.count)].elementsEqual(key) {
                    duplicate = true
                    break
                }
                i = (i + 1) & mask
            }
            if duplicate { continue }
            slots[i] = Slot(hash: h, offset: UInt32(pool.count), lengthPlusOne: UInt32(key.count + 1))
            pool.append(contentsOf: key)
        }
        self.slots = slots
        self.pool = pool
        self.mask = mask
    }

    @inline(__always)
    func contains(_ key: UnsafeRawBufferPointer) -> Bool {
        let h = ByteHash.hash(key)
        return slots.withUnsafeBufferPointer { slots in
            pool.withUnsafeBytes { pool in
                var i = Int(truncatingIfNeeded: h) & mask
                while true {
                    let slot = slots[i]
                    if slot.lengthPlusOne == 0 { return false }
                    if slot.hash == h, Int(slot.lengthPlusOne) - 1 == key.count,
                       key.bytesEqual(from: 0, count: key.count, to: pool.baseAddress! + Int(slot.offset)) {
                        return true
                    }
                    i = (i + 1) & mask
                }
            }
        }
    }

    var retainedBytes: Int { slots.capacity * MemoryLayout<Slot>.stride + pool.capacity }
}
