import CORSPolicy
import InternalByteUtilities

// Header lists that are not in browser form (mixed case, spaces, unsorted,
// repeated names), brought to it for the cache key.

extension CacheKey {
    /// A name found in a list: its first eight bytes lowercased in big-endian
    /// order (so integer order is byte order), and where it is.
    struct NameReference {
        var prefix: UInt64
        var start: Int
        var count: Int
    }

    /// Token bytes (ASCII) with `A`-`Z` lowercased, eight at a time.
    @inline(__always)
    static func lowercased(_ word: UInt64) -> UInt64 {
        word | Word.bytes(in: 0x41...0x5A, of: word) >> 2
    }

    /// Whether name `a` sorts before `b` (0 when equal), case-insensitively, eight bytes at a time.
    @inline(__always)
    static func order(_ base: UnsafeRawPointer, _ a: NameReference, _ b: NameReference) -> Int {
        if a.prefix != b.prefix { return a.prefix < b.prefix ? -1 : 1 }
        var i = 8
        while i < a.count && i < b.count {
            let x = lowercased(chunk(base + a.start + i, a.count - i)).byteSwapped
            let y = lowercased(chunk(base + b.start + i, b.count - i)).byteSwapped
            if x != y { return x < y ? -1 : 1 }
            i += 8
        }
        return a.count == b.count ? 0 : a.count < b.count ? -1 : 1
    }

    /// Sorts, lowercases and deduplicates the names into `out`; nil if
    /// malformed or too big. Names are ordered by their first eight bytes as
    /// one integer (ties, rare, compare the rest) and written a word at a
    /// time; `out` must have 8 bytes of slack past `capacity`.
    static func normalize(_ value: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer, capacity: Int) -> Int? {
        guard let base = value.baseAddress else { return 0 }
        return withUnsafeTemporaryAllocation(of: NameReference.self, capacity: maximumHeaderNames) { names -> Int? in
            var count = 0
            var tooMany = false
            let wellFormed = RequestHeaderList.forEachName(in: value) { range in
                guard count < maximumHeaderNames else { tooMany = true; return false }
                let name = NameReference(prefix: lowercased(chunk(base + range.lowerBound, range.count)).byteSwapped,
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
                    out.storeBytes(of: lowercased(chunk(base + name.start + i, name.count - i)), toByteOffset: length + i, as: UInt64.self)
                    i += 8
                }
                length += name.count
            }
            return length
        }
    }
}
