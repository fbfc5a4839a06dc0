/// The parser of `Access-Control-Request-Headers` values.
///
/// Browsers send lowercase names, sorted, unique, joined by `,`. Other clients
/// send mixed case, spaces, duplicates, or several header lines that the server
/// joins with commas (cors-facts.md section 1). This parser tolerates all of
/// that and bounds its work on hostile input (section 6): values longer than
/// `maximumLength` are refused before any scan, and runs of empty elements
/// beyond `maximumEmptyElements` are refused, so no input costs more than one
/// pass over `maximumLength` bytes. It allocates nothing.
public enum RequestHeaderList {
    /// The longest value examined: far above any browser's (a handful of names),
    /// far below what would make a decision cost more than a few microseconds.
    public static let maximumLength = 8192
    /// Empty list elements tolerated (`a, ,b`), per RFC 9110 section 5.6.1's "reasonable number".
    public static let maximumEmptyElements = 16

    /// Calls `body` with the byte range of each name, in order, trimmed of
    /// optional whitespace. Returns false, possibly after some calls, when the
    /// value is malformed: too long, too many empty elements, or an element
    /// that is not an HTTP token. `body` returns false to stop early.
    ///
    /// - Complexity: O(n) with n bounded by `maximumLength`.
    @inlinable
    public static func forEachName(in value: UnsafeRawBufferPointer, _ body: (Range<Int>) -> Bool) -> Bool {
        firstMistake(in: value, body) == nil
    }

    /// The first rule a header list breaks, as `forEachName` reads it.
    public enum Mistake: Sendable, Equatable {
        /// Longer than `maximumLength`.
        case tooLong
        /// More than `maximumEmptyElements` empty elements.
        case tooManyEmptyElements
        /// The element at these bytes (trimmed of optional whitespace) is not an HTTP token.
        case notAToken(Range<Int>)
    }

    /// The grammar itself: calls `body` as `forEachName` does and returns the
    /// first mistake it finds, or nil when the value is well formed (or
    /// `body` stopped early).
    ///
    /// - Complexity: O(n) with n bounded by `maximumLength`.
    @inlinable
    public static func firstMistake(in value: UnsafeRawBufferPointer, _ body: (Range<Int>) -> Bool = { _ in true }) -> Mistake? {
        let n = value.count
        guard n <= maximumLength else { return .tooLong }
        var empties = 0
        var i = 0
        while i <= n {
            while i < n && (value[i] == 0x20 || value[i] == 0x09) { i += 1 }
            let start = i
            while i < n && value[i] != UInt8(ascii: ",") { i += 1 }
            var end = i
            while end > start && (value[end - 1] == 0x20 || value[end - 1] == 0x09) { end -= 1 }
            i += 1
            if start == end {
                empties += 1
                if empties > maximumEmptyElements { return .tooManyEmptyElements }
                continue
            }
            for j in start..<end where lowercasedTokenByte(value[j]) == 0 { return .notAToken(start..<end) }
            if !body(start..<end) { return nil }
        }
        return nil
    }

    /// The byte lowercased when it is an HTTP token character, else 0.
    ///
    /// Two 64-bit masks instead of a table: no global to initialize or load on
    /// the per-byte path.
    @inlinable @inline(__always)
    public static func lowercasedTokenByte(_ b: UInt8) -> UInt8 {
        // tchar = "!#$%&'*+-.^_`|~" / DIGIT / ALPHA (RFC 9110 section 5.6.2).
        let low: UInt64 = 0x03FF_6CFA_0000_0000   // ! # $ % & ' * + - . 0-9
        let high: UInt64 = 0x57FF_FFFF_C7FF_FFFE  // A-Z ^ _ ` a-z | ~
        let mask = b < 64 ? low : high
        guard b < 128, (mask >> UInt64(b & 63)) & 1 != 0 else { return 0 }
        return b &- UInt8(ascii: "A") < 26 ? b | 0x20 : b
    }

    /// The browser form of a value: names lowercased, sorted, unique, joined by
    /// `,`; nil when malformed. Allocates; for responses and tools, not the hot path.
    public static func normalized(_ value: String) -> String? {
        var copy = value
        var names: [String] = []
        let ok = copy.withUTF8 { utf8 in
            let raw = UnsafeRawBufferPointer(utf8)
            return forEachName(in: raw) { range in
                names.append(String(decoding: raw[range].map { lowercasedTokenByte($0) }, as: UTF8.self))
                return true
            }
        }
        guard ok else { return nil }
        return Array(Set(names)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.joined(separator: ",")
    }
}
