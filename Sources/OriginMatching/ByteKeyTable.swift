import InternalByteUtilities

/// An immutable open-addressing table from byte strings to 32-bit values,
/// built once and read by any number of threads.
///
/// Each slot is one 64-byte cache line holding the hash tag, the value and the
/// key's first 48 bytes, so a lookup reads one line and verifies the key with
/// no dependent load (longer keys keep their tail in `tails`). The caller
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
        /// The index of the key's bytes 48... in `tails` (empty for shorter keys).
        var tailIndex: UInt32 = 0
        var key: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
    }
    static let inlineKeyBytes = 48
    /// Where `find` reads a slot's fields: literals, so the probe compiles to
    /// plain offsets; `init` checks them against `MemoryLayout<Slot>`.
    static var valueOffset: Int { 8 }
    static var tailIndexOffset: Int { 12 }
    static var keyOffset: Int { 16 }

    let slots: UnsafeMutablePointer<Slot>
    /// Two bytes per slot, never 0 for a used one: probes read this small array
    /// (it stays in cache) and touch a slot's line only when its tag matches.
    let tags: UnsafeMutablePointer<UInt16>
    let mask: Int
    /// Bytes 48... of each key, by insertion order.
    let tails: PackedStrings
    let count: Int

    /// Builds the table; a key given twice keeps its first value.
    ///
    /// - Complexity: O(n) expected, load factor at most 2/3.
    init(_ entries: [(key: [UInt8], hash: UInt64, value: UInt32)]) {
        precondition(MemoryLayout<Slot>.stride == 64, "a slot must be one cache line")
        precondition(MemoryLayout<Slot>.offset(of: \.value) == Self.valueOffset && MemoryLayout<Slot>.offset(of: \.tailIndex) == Self.tailIndexOffset
                     && MemoryLayout<Slot>.offset(of: \.key) == Self.keyOffset && MemoryLayout<Slot>.offset(of: \.lengthPlusOne) == 4,
                     "find's field offsets must match the slot's layout")
        var capacity = 8
        while capacity * 2 < entries.count * 3 { capacity <<= 1 }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * 64, alignment: 64)
        slots = raw.bindMemory(to: Slot.self, capacity: capacity)
        slots.initialize(repeating: Slot(), count: capacity)
        tags = .allocate(capacity: capacity)
        tags.initialize(repeating: 0, count: capacity)
        mask = capacity - 1
        var tails: [ArraySlice<UInt8>] = []
        var count = 0
        for (key, hash, value) in entries {
            var i = Int(truncatingIfNeeded: hash) & mask
            var duplicate = false
            while slots[i].lengthPlusOne != 0 {
                if slots[i].tag == UInt32(truncatingIfNeeded: hash >> 32), Int(slots[i].lengthPlusOne) == key.count + 1,
                   Self.keyBytes(slots[i], tails).elementsEqual(key) {
                    duplicate = true
                    break
                }
                i = (i + 1) & mask
            }
            if duplicate { continue }
            var slot = Slot(tag: UInt32(truncatingIfNeeded: hash >> 32), lengthPlusOne: UInt32(key.count + 1), value: value, tailIndex: UInt32(tails.count))
            withUnsafeMutableBytes(of: &slot.key) { $0.copyBytes(from: key.prefix(Self.inlineKeyBytes)) }
            tails.append(key.dropFirst(Self.inlineKeyBytes))
            slots[i] = slot
            tags[i] = Self.shortTag(hash)
            count += 1
        }
        self.tails = PackedStrings(tails)
        self.count = count
    }

    private static func keyBytes(_ slot: Slot, _ tails: [ArraySlice<UInt8>]) -> [UInt8] {
        let length = Int(slot.lengthPlusOne) - 1
        return withUnsafeBytes(of: slot.key) { Array($0.prefix(min(length, inlineKeyBytes))) } + tails[Int(slot.tailIndex)]
    }

    @inline(__always)
    static func shortTag(_ hash: UInt64) -> UInt16 { UInt16(truncatingIfNeeded: hash >> 48) | 1 }

    deinit {
        tags.deallocate()
        slots.deinitialize(count: mask + 1)
        UnsafeMutableRawPointer(slots).deallocate()
        tails.deallocate()
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
                    if request.bytesEqual(from: 0, count: inline, to: slot + Self.keyOffset)
                        && (length <= Self.inlineKeyBytes
                            || request.bytesEqual(from: inline, count: length - inline,
                                                  to: tails.start(of: Int(slot.load(fromByteOffset: Self.tailIndexOffset, as: UInt32.self))))) {
                        return slot.load(fromByteOffset: Self.valueOffset, as: UInt32.self)
                    }
                }
            }
            i = (i &+ 1) & mask
        }
    }

    /// Heap bytes held.
    var retainedBytes: Int { (mask + 1) * 66 + tails.retainedBytes }
}
