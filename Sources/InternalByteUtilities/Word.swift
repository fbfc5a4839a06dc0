/// Word-at-a-time byte operations (SWAR: SIMD within a register) on 64-bit
/// little-endian words, for scanning origins, methods and header lists eight
/// bytes per step.
///
/// A byte mask here has 0x80 in each selected byte and 0 elsewhere, so masks
/// combine with `&`, `|` and `~` (then `& Word.highs`), and the first selected
/// byte is `trailingZeroBitCount >> 3`. Every operation is exact for every
/// input byte unless its documentation says it needs ASCII.
///
/// Public rather than `package` although no product exports this module:
/// with Swift 6.3, `@inlinable package` functions were not inlined into the
/// modules calling them (a call per word, seen in the disassembly), while
/// `@inlinable public` ones are.
public enum Word {
    @inlinable public static var ones: UInt64 { 0x0101_0101_0101_0101 }
    @inlinable public static var highs: UInt64 { 0x8080_8080_8080_8080 }
    @inlinable public static var lows: UInt64 { 0x7F7F_7F7F_7F7F_7F7F }

    /// The bytes of `word` equal to `byte`. Exact: no borrow crosses bytes.
    @inlinable @inline(__always)
    public static func bytes(equalTo byte: UInt8, in word: UInt64) -> UInt64 {
        let x = word ^ (ones &* UInt64(byte))
        return ~(((x & lows) &+ lows) | x | lows)
    }

    /// The bytes of `word` at least `bound` (at most 0x80). Needs ASCII bytes
    /// (check `word & highs == 0` first): `(b | 0x80) - bound` keeps bit 7 set
    /// exactly when `b >= bound`, and never borrows from the next byte.
    @inlinable @inline(__always)
    public static func bytes(atLeast bound: UInt8, in word: UInt64) -> UInt64 {
        ((word | highs) &- ones &* UInt64(bound)) & highs
    }

    /// The bytes of `word` in `range`. Needs ASCII bytes.
    @inlinable @inline(__always)
    public static func bytes(in range: ClosedRange<UInt8>, of word: UInt64) -> UInt64 {
        bytes(atLeast: range.lowerBound, in: word) & ~bytes(atLeast: range.upperBound &+ 1, in: word)
    }

    /// `word` with `A`-`Z` lowercased. Needs ASCII bytes.
    @inlinable @inline(__always)
    public static func lowercased(_ word: UInt64) -> UInt64 {
        word | bytes(in: UInt8(ascii: "A")...UInt8(ascii: "Z"), of: word) &>> 2
    }

    /// The mask of the low `count` bytes (0...8) of a word.
    @inlinable @inline(__always)
    public static func lowBytes(_ count: Int) -> UInt64 {
        count >= 8 ? ~0 : (1 &<< UInt64(8 &* count)) &- 1
    }

    /// The mask selecting byte `index` when it lies inside the word (0..<8), else 0.
    @inlinable @inline(__always)
    public static func marker(at index: Int) -> UInt64 {
        UInt(bitPattern: index) < 8 ? 0x80 &<< UInt64(8 &* index) : 0
    }

    /// The bytes `offset..<offset + 8` of a buffer of `count` bytes at `base`,
    /// little-endian, with zeros for positions at or past `count`. Never reads
    /// outside `0..<count`: at the tail it reads the buffer's last eight bytes
    /// and shifts, or, in buffers shorter than a word, assembles the bytes.
    @inlinable @inline(__always)
    public static func load(_ base: UnsafeRawPointer, at offset: Int, count: Int) -> UInt64 {
        if offset &+ 8 <= count { return base.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
        let remaining = count &- offset
        if remaining <= 0 { return 0 }
        if count >= 8 {
            return base.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self) &>> UInt64(8 &* (8 &- remaining))
        }
        return loadShort(base + offset, remaining)
    }

    /// `count` (0...7) bytes at `p` as the low bytes of a little-endian word,
    /// read as at most two overlapping loads.
    @inlinable @inline(__always)
    public static func loadShort(_ p: UnsafeRawPointer, _ count: Int) -> UInt64 {
        switch count {
        case 4...:
            let low = UInt64(p.loadUnaligned(as: UInt32.self))
            let high = UInt64(p.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self))
            return low | high &<< UInt64(8 &* (count &- 4))
        case 2...:
            let low = UInt64(p.loadUnaligned(as: UInt16.self))
            let high = UInt64(p.loadUnaligned(fromByteOffset: count &- 2, as: UInt16.self))
            return low | high &<< UInt64(8 &* (count &- 2))
        case 1: return UInt64(p.load(as: UInt8.self))
        default: return 0
        }
    }

    /// The little-endian word of an ASCII literal of at most eight bytes.
    public static func literal(_ text: StaticString) -> UInt64 {
        precondition(text.utf8CodeUnitCount <= 8, "a word holds eight bytes")
        var word: UInt64 = 0
        for i in 0..<text.utf8CodeUnitCount { word |= UInt64(text.utf8Start[i]) << UInt64(8 * i) }
        return word
    }
}
