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

    /// Whether `lowercase` occurs in `a` but for the case of letters.
    public static func contains(_ a: UnsafeRawBufferPointer, lowercase: StaticString) -> Bool {
        let m = lowercase.utf8CodeUnitCount
        guard a.count >= m else { return false }
        return (0...(a.count - m)).contains { equal(UnsafeRawBufferPointer(rebasing: a[$0..<($0 + m)]), lowercase: lowercase) }
    }
}
