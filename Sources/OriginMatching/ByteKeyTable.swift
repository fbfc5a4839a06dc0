import InternalByteUtilities

/// An immutable open-addressing table from byte strings to 32-bit values,
/// built once and read by any number of threads.
///
/// Each slot is one 64-byte cache line holding the hash tag, the value and the
/// key's first 48 bytes, so a lookup reads one line and verifies the key with
/// no dependent load (longer keys keep their tail in a side pool). The caller
/// supplies the hash, so one table type serves whole-origin hashing and the
/// trie's path hashing. Keys are always verified byte for byte: a hash
/// collision can cost time, never a wrong answer.
final class ByteKeyTable: @unchecked Sendable {
    // Safe to share across threads: every buffer is written once in `init` and
    // only read afterwards; nothing is mutated after construction.
    struct Slot {
        var tag: UInt32 = 0
        /// Key length + 1; 0 marks an empty slot.
        var lengthPlusOne: UInt32 = 0
        var value: UInt32 = 0
        /// Where bytes 48... of a longer key start in `pool`.
        var poolOffset: UInt32 = 0
        var key: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
    }
    static let inlineKeyBytes = 48

    let slots: UnsafeMutablePointer<Slot>
    /// Two bytes per slot, never 0 for a used one: probes read this small array
    /// (it stays in cache) and touch a slot's line only when its tag matches.
    let tags: UnsafeMutablePointer<UInt16>
    let mask: Int
    let pool: UnsafeMutableRawBufferPointer
    let count: Int

    /// Builds the table; a key given twice keeps its first value.
    ///
    /// - Complexity: O(n) expected, load factor at most 2/3.
    init(_ entries: [(key: [UInt8], hash: UInt64, value: UInt32)]) {
        precondition(MemoryLayout<Slot>.stride == 64, "a slot must be one cache line")
        var capacity = 8
        while capacity * 2 < entries.count * 3 { capacity <<= 1 }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * 64, alignment: 64)
        slots = raw.bindMemory(to: Slot.self, capacity: capacity)
        slots.initialize(repeating: Slot(), count: capacity)
        tags = .allocate(capacity: capacity)
        tags.initialize(repeating: 0, count: capacity)
        mask = capacity - 1
        var tail: [UInt8] = []
        var count = 0
        for (key, hash, value) in entries {
            var i = Int(truncatingIfNeeded: hash) & mask
            var duplicate = false
            while slots[i].lengthPlusOne != 0 {
                if slots[i].tag == UInt32(truncatingIfNeeded: hash >> 32), Int(slots[i].lengthPlusOne) == key.count + 1,
                   Self.keyBytes(slots[i], tail).elementsEqual(key) {
                    duplicate = true
                    break
                }
                i = (i + 1) & mask
            }
            if duplicate { continue }
            var slot = Slot(tag: UInt32(truncatingIfNeeded: hash >> 32), lengthPlusOne: UInt32(key.count + 1), value: value, poolOffset: UInt32(tail.count))
            withUnsafeMutableBytes(of: &slot.key) { $0.copyBytes(from: key.prefix(Self.inlineKeyBytes)) }
            if key.count > Self.inlineKeyBytes { tail += key.dropFirst(Self.inlineKeyBytes) }
            slots[i] = slot
            tags[i] = Self.shortTag(hash)
            count += 1
        }
        pool = .allocate(byteCount: max(tail.count, 8), alignment: 8)
        pool.copyBytes(from: tail)
        self.count = count
    }

    private static func keyBytes(_ slot: Slot, _ tail: [UInt8]) -> [UInt8] {
        let length = Int(slot.lengthPlusOne) - 1
        var key = withUnsafeBytes(of: slot.key) { Array($0.prefix(min(length, inlineKeyBytes))) }
        if length > inlineKeyBytes { key += tail[Int(slot.poolOffset)..<(Int(slot.poolOffset) + length - inlineKeyBytes)] }
        return key
    }

    @inline(__always)
    static func shortTag(_ hash: UInt64) -> UInt16 { UInt16(truncatingIfNeeded: hash >> 48) | 1 }

    deinit {
        tags.deallocate()
        slots.deinitialize(count: mask + 1)
        UnsafeMutableRawPointer(slots).deallocate()
        pool.deallocate()
    }

    /// The value stored for the `length` bytes at `key`, whose hash is `hash`.
    ///
    /// - Complexity: O(1) expected; allocates nothing.
    @inline(__always)
    func find(hash: UInt64, key: UnsafeRawPointer, length: Int) -> UInt32? {
        var i = Int(truncatingIfNeeded: hash) & mask
        let tag = UInt32(truncatingIfNeeded: hash >> 32)
        let short = Self.shortTag(hash)
        let request = UnsafeRawBufferPointer(start: key, count: length)
        while true {
            let stored = tags[i]
            if stored == 0 { return nil }
            if stored == short {
                let slot = UnsafeRawPointer(slots + i)
                let header = slot.load(as: (UInt32, UInt32).self)
                if header.0 == tag && Int(header.1) == length &+ 1 {
                    let inline = min(length, Self.inlineKeyBytes)
                    if request.bytesEqual(from: 0, count: inline, to: slot + 16)
                        && (length <= Self.inlineKeyBytes
                            || request.bytesEqual(from: inline, count: length - inline,
                                                  to: UnsafeRawPointer(pool.baseAddress!) + Int(slot.load(fromByteOffset: 12, as: UInt32.self)))) {
                        return slot.load(fromByteOffset: 8, as: UInt32.self)
                    }
                }
            }
            i = (i &+ 1) & mask
        }
    }

    /// Heap bytes held.
    var retainedBytes: Int { (mask + 1) * 66 + pool.count }
}
