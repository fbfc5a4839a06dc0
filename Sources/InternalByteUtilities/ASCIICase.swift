/// ASCII comparisons that ignore letter case, for header names: HTTP names
/// are case-insensitive (RFC 9110 section 5.1) and only `A`-`Z` fold.
///
/// Public for the reason `Word` gives: cross-module inlining.
public enum ASCIICase {
    /// `b` with `A`-`Z` lowercased; every other byte as it is.
    @inlinable @inline(__always)
    public static func lowercased(_ b: UInt8) -> UInt8 { b &- UInt8(ascii: "A") < 26 ? b | 0x20 : b }

    /// Whether `a` and `b` hold the same bytes but for the case of letters.
    @inlinable
    public static func equal(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        a.count == b.count && a.elementsEqual(b) { lowercased($0) == lowercased($1) }
    }

    /// Whether `a` equals `lowercase` (written in lowercase) but for the case of letters.
    @inlinable
    public static func equal(_ a: some Collection<UInt8>, lowercase: StaticString) -> Bool {
        equal(a, UnsafeRawBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount))
    }

    /// Whether `a` is `lowercase` (written in lowercase) but for the case of
    /// letters, eight bytes a step. Exact for every byte: `Word.lowercased`
    /// leaves a byte from 0x80 up at 0x80 or more, so it never equals the
    /// ASCII text.
    @inlinable @inline(__always)
    public static func equal(_ a: UnsafeRawBufferPointer, lowercase: StaticString) -> Bool {
        let count = lowercase.utf8CodeUnitCount
        guard a.count == count else { return false }
        guard count > 0, let base = a.baseAddress else { return true }
        let expected = UnsafeRawPointer(lowercase.utf8Start)
        var i = 0
        while i < count {
            if Word.lowercased(Word.load(base, at: i, count: count)) != Word.load(expected, at: i, count: count) { return false }
            i &+= 8
        }
        return true
    }

    /// Whether `a` and `b` hold the same bytes but for the case of letters,
    /// eight bytes a step. Exact for every byte: only bytes below 0x80 that
    /// are `A`-`Z` fold.
    @inlinable @inline(__always)
    public static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let count = a.count
        guard b.count == count else { return false }
        guard count > 0, let x = a.baseAddress, let y = b.baseAddress else { return true }
        @inline(__always) func folded(_ word: UInt64) -> UInt64 {
            let upper = Word.bytes(in: UInt8(ascii: "A")...UInt8(ascii: "Z"), of: word & Word.lows) & ~word & Word.highs
            return word | upper &>> 2
        }
        var i = 0
        while i < count {
            if folded(Word.load(x, at: i, count: count)) != folded(Word.load(y, at: i, count: count)) { return false }
            i &+= 8
        }
        return true
    }

    /// Whether `lowercase` occurs in `a` but for the case of letters.
    public static func contains(_ a: UnsafeRawBufferPointer, lowercase: StaticString) -> Bool {
        let m = lowercase.utf8CodeUnitCount
        guard a.count >= m else { return false }
        return (0...(a.count - m)).contains { equal(UnsafeRawBufferPointer(rebasing: a[$0..<($0 + m)]), lowercase: lowercase) }
    }
}
