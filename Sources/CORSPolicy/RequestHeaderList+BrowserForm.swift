import InternalByteUtilities

// The browser form of an `Access-Control-Request-Headers` value (lowercase
// token names, strictly ascending, joined by single commas; cors-facts.md
// section 1): recognizing it and bringing other lists to it, a word at a time
// and without allocating, for keys that must be equal exactly when two lists
// name the same headers. The cache keys on it; `forEachName` stays the one
// reading of the list grammar both use.

extension RequestHeaderList {
    /// The most names `normalize` sorts; longer lists are refused (nil).
    package static let maximumNormalizedNames = 32

    /// Lowercase token names, strictly ascending, joined by single commas.
    ///
    /// Words of lowercase letters, digits, `-` and `,` (what browsers send) are
    /// checked eight bytes at a time, and names are compared at the commas that
    /// check finds; any other byte sends the list to the byte-wise check.
    package static func isBrowserForm(_ value: UnsafeRawBufferPointer) -> Bool {
        let n = value.count
        let p = value.baseAddress.unsafelyUnwrapped
        var start = 0
        var previousStart = -1
        var i = 0
        while i < n {
            let rest = n - i
            let word = rest >= 8 ? p.loadUnaligned(fromByteOffset: i, as: UInt64.self) : Word.loadShort(p + i, rest)
            let valid = rest >= 8 ? Word.highs : Word.highs & ((UInt64(1) << UInt64(rest * 8)) &- 1)
            var (common, comma) = classify(word)
            if common & valid != valid { return isBrowserFormBytewise(value) }
            comma &= valid
            while comma != 0 {
                let end = i + comma.trailingZeroBitCount >> 3
                if end == start { return false }
                if previousStart >= 0 && !precedes(p + previousStart, start - 1 - previousStart, p + start, end - start) { return false }
                previousStart = start
                start = end + 1
                comma &= comma &- 1
            }
            i += 8
        }
        if start == n { return false }
        return previousStart < 0 || precedes(p + previousStart, start - 1 - previousStart, p + start, n - start)
    }

    /// Per byte (high bit of each byte): whether it is in `a-z`, `0-9`, `-` or
    /// `,`, and whether it is `,`. Assumes nothing about the input bytes.
    @inline(__always)
    package static func classify(_ word: UInt64) -> (common: UInt64, comma: UInt64) {
        let ones = Word.ones
        let ascii = ~word & Word.highs
        let low = word & ~Word.highs
        // For 7-bit x, x + (0x80 - c) sets the high bit exactly when x >= c.
        @inline(__always) func atLeast(_ c: UInt64) -> UInt64 { (low &+ ones &* (0x80 - c)) & Word.highs }
        @inline(__always) func equal(_ c: UInt64) -> UInt64 {
            let x = low ^ (ones &* c)
            return ~((x &+ ones &* 0x7F) | x) & Word.highs
        }
        let letter = atLeast(0x61) & ~atLeast(0x7B)
        let digit = atLeast(0x30) & ~atLeast(0x3A)
        let comma = equal(0x2C) & ascii
        let common = (letter | digit | equal(0x2D) | comma) & ascii
        return (common, comma)
    }

    /// Whether `a` sorts strictly before `b`, compared eight bytes at a time.
    @inline(__always)
    package static func precedes(_ a: UnsafeRawPointer, _ an: Int, _ b: UnsafeRawPointer, _ bn: Int) -> Bool {
        var i = 0
        while true {
            let ar = an - i, br = bn - i
            if ar <= 0 || br <= 0 { return ar < br }
            let x = chunk(a + i, ar).byteSwapped, y = chunk(b + i, br).byteSwapped
            if x != y { return x < y }
            if ar <= 8 || br <= 8 { return ar < br }
            i += 8
        }
    }

    /// Up to eight bytes at `p` (`remaining` > 0 of them readable), zero-padded.
    @inline(__always)
    package static func chunk(_ p: UnsafeRawPointer, _ remaining: Int) -> UInt64 {
        remaining >= 8 ? p.loadUnaligned(as: UInt64.self) : Word.loadShort(p, remaining)
    }

    /// The exact check, a byte at a time, for lists with other token characters.
    package static func isBrowserFormBytewise(_ value: UnsafeRawBufferPointer) -> Bool {
        var previousStart = 0, previousEnd = -1
        var start = 0
        for i in 0...value.count {
            if i == value.count || value[i] == UInt8(ascii: ",") {
                if i == start { return false }
                if previousEnd >= 0 {
                    let base = value.baseAddress.unsafelyUnwrapped
                    if !precedes(base + previousStart, previousEnd - previousStart, base + start, i - start) { return false }
                }
                previousStart = start; previousEnd = i
                start = i + 1
                continue
            }
            let b = value[i]
            // Non-token bytes map to 0, so a NUL byte would pass `!= b` alone.
            if b == 0 || RequestHeaderList.lowercasedTokenByte(b) != b { return false }
        }
        return true
    }

    /// A name found in a list: its first eight bytes lowercased in big-endian
    /// order (so integer order is byte order), and where it is.
    struct NameReference {
        var prefix: UInt64
        var start: Int
        var count: Int
    }

    /// Whether name `a` sorts before `b` (0 when equal), case-insensitively, eight bytes at a time.
    @inline(__always)
    static func order(_ base: UnsafeRawPointer, _ a: NameReference, _ b: NameReference) -> Int {
        if a.prefix != b.prefix { return a.prefix < b.prefix ? -1 : 1 }
        var i = 8
        while i < a.count && i < b.count {
            let x = Word.lowercased(chunk(base + a.start + i, a.count - i)).byteSwapped
            let y = Word.lowercased(chunk(base + b.start + i, b.count - i)).byteSwapped
            if x != y { return x < y ? -1 : 1 }
            i += 8
        }
        return a.count == b.count ? 0 : a.count < b.count ? -1 : 1
    }

    /// Sorts, lowercases and deduplicates the names into `out`; nil if
    /// malformed or too big. Names are ordered by their first eight bytes as
    /// one integer (ties, rare, compare the rest) and written a word at a
    /// time; `out` must have 8 bytes of slack past `capacity`.
    package static func normalize(_ value: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer, capacity: Int) -> Int? {
        guard let base = value.baseAddress else { return 0 }
        return withUnsafeTemporaryAllocation(of: NameReference.self, capacity: maximumNormalizedNames) { names -> Int? in
            var count = 0
            var tooMany = false
            let wellFormed = RequestHeaderList.forEachName(in: value) { range in
                guard count < maximumNormalizedNames else { tooMany = true; return false }
                let name = NameReference(prefix: Word.lowercased(chunk(base + range.lowerBound, range.count)).byteSwapped,
                                         start: range.lowerBound, count: range.count)
                // Insertion sort as names arrive: k is small.
                var i = count
                while i > 0 && order(base, names[i - 1], name) > 0 {
                    names[i] = names[i - 1]
                    i -= 1
                }
                names[i] = name
                count += 1
                return true
            }
            guard wellFormed, !tooMany else { return nil }
            var length = 0
            for k in 0..<count {
                let name = names[k]
                if k > 0 && order(base, names[k - 1], name) == 0 { continue }
                let comma = length > 0 ? 1 : 0
                guard length + comma + name.count <= capacity else { return nil }
                if comma == 1 { out.storeBytes(of: UInt8(ascii: ","), toByteOffset: length, as: UInt8.self) }
                length += comma
                var i = 0
                while i < name.count {
                    // Whole words, zero past the name: the next name's bytes overwrite the excess.
                    out.storeBytes(of: Word.lowercased(chunk(base + name.start + i, name.count - i)), toByteOffset: length + i, as: UInt64.self)
                    i += 8
                }
                length += name.count
            }
            return length
        }
    }
}

extension RequestHeaderList {
    /// Whether a well-formed list names anything (`" , "` names nothing):
    /// true at once when it starts with a name, as every browser's list does.
    @inline(__always)
    package static func namesAnything(_ value: UnsafeRawBufferPointer) -> Bool {
        guard let first = value.first else { return false }
        if lowercasedTokenByte(first) != 0 { return true }  // a comma is no token byte
        var found = false
        _ = forEachName(in: value) { _ in found = true; return false }
        return found
    }
}
