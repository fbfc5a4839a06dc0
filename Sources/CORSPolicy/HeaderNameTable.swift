import InternalByteUtilities

/// Allowed request header names (lowercase) in an open-addressing table whose
/// slots hold each name's first two words and length, so a name of up to 16
/// bytes (nearly all of them) is found by one hash of two words and one
/// compare of two words, with no per-byte work.
///
/// Raw storage, written once: no reference counting on the lookup path.
final class HeaderNameTable: @unchecked Sendable {
    // Safe to share: written once in `init`, only read afterwards.
    struct Slot {
        var first: UInt64 = 0
        var second: UInt64 = 0
        /// 0 marks an empty slot (no name is empty).
        var length: UInt32 = 0
        /// Index in the policy's sorted name list, and of the name's tail in `rest`.
        var index: UInt16 = 0
    }

    let slots: UnsafeMutableBufferPointer<Slot>
    /// Bytes 16... of each name (empty for shorter ones), by index, word-aligned.
    let rest: PackedStrings
    let mask: Int
    /// The longest allowed name: a longer request name is never scanned further.
    let longest: Int

    init(_ names: [String]) {
        var capacity = 8
        while capacity < names.count * 2 { capacity <<= 1 }
        let slots = UnsafeMutableBufferPointer<Slot>.allocate(capacity: capacity)
        slots.initialize(repeating: Slot())
        for (index, name) in names.enumerated() {
            let bytes = Array(name.utf8)
            bytes.withUnsafeBytes { raw in
                let base = raw.baseAddress!
                let first = Word.load(base, at: 0, count: raw.count), second = Word.load(base, at: 8, count: raw.count)
                var i = Int(truncatingIfNeeded: Self.hash(first, second, length: raw.count, rest: base, lowercase: false)) & (capacity - 1)
                while slots[i].length != 0 { i = (i + 1) & (capacity - 1) }
                slots[i] = Slot(first: first, second: second, length: UInt32(raw.count), index: UInt16(index))
            }
        }
        self.slots = slots
        mask = capacity - 1
        rest = PackedStrings(names.map { Array($0.utf8.dropFirst(16)) }, alignment: 8)
        longest = names.map(\.utf8.count).max() ?? 0
    }

    deinit {
        slots.deallocate()
        rest.deallocate()
    }

    /// The word `offset` bytes into a name of `length` bytes at `name`, zero
    /// past its end, lowercased when asked (the bytes must then be tokens).
    @inline(__always)
    static func word(_ name: UnsafeRawPointer, at offset: Int, length: Int, lowercase: Bool) -> UInt64 {
        let word = Word.load(name, at: offset, count: length)
        return lowercase ? Word.lowercased(word) : word
    }

    /// One multiply for the first 16 bytes and the length, one more per word beyond.
    @inline(__always)
    static func hash(_ first: UInt64, _ second: UInt64, length: Int, rest name: UnsafeRawPointer, lowercase: Bool) -> UInt64 {
        var h = ByteHash.fold(first ^ 0x9E37_79B9_7F4A_7C15, second ^ 0xA076_1D64_78BD_642F ^ UInt64(truncatingIfNeeded: length))
        var offset = 16
        while offset < length {
            h = ByteHash.fold(h ^ word(name, at: offset, length: length, lowercase: lowercase), 0xE703_7ED1_A0B4_28DB)
            offset &+= 8
        }
        return h
    }

    /// The index of the name whose first two words (zero past its end) are
    /// `first` and `second`; `name` points at its `length` bytes, read only
    /// beyond 16 bytes. With `lowercase`, words beyond 16 bytes are
    /// lowercased as read (`first` and `second` must be already).
    ///
    /// - Complexity: O(1) expected for names of at most 16 bytes, plus one
    ///   word per further 8 bytes; a name longer than every allowed name is
    ///   refused before any of it is read.
    @inline(__always)
    func index(first: UInt64, second: UInt64, length: Int, name: UnsafeRawPointer, lowercase: Bool) -> Int? {
        guard length <= longest else { return nil }
        let h = Self.hash(first, second, length: length, rest: name, lowercase: lowercase)
        var i = Int(truncatingIfNeeded: h) & mask
        let slots = UnsafePointer(self.slots.baseAddress.unsafelyUnwrapped)
        while true {
            let slot = slots + i
            if slot.pointee.length == 0 { return nil }
            if slot.pointee.first == first && slot.pointee.second == second && Int(slot.pointee.length) == length
                && (length <= 16 || restEqual(slot.pointee, name, length: length, lowercase: lowercase)) {
                return Int(slot.pointee.index)
            }
            i = (i &+ 1) & mask
        }
    }

    /// Out of line on purpose: kept inline, it made `index` too big for the
    /// optimizer to inline into the evaluator (a call per header name).
    @inline(never)
    func restEqual(_ slot: Slot, _ name: UnsafeRawPointer, length: Int, lowercase: Bool) -> Bool {
        var offset = 16
        var stored = rest.start(of: Int(slot.index))
        while offset < length {
            if stored.load(as: UInt64.self) != Self.word(name, at: offset, length: length, lowercase: lowercase) { return false }
            stored += 8
            offset += 8
        }
        return true
    }

    /// `authorization`, which `*` never covers (Fetch, CORS-preflight fetch step 7).
    static let authorizationFirst: UInt64 = 0x7A69_726F_6874_7561, authorizationSecond: UInt64 = 0x6E_6F69_7461
}
