import CORSPolicy

/// The cache key of a preflight: `[origin length][method length][origin]
/// [method][request headers in browser form]`, built in a caller's buffer.
///
/// Header lists that already come in browser form (lowercase, sorted, unique,
/// comma-joined) are copied as they are; others are normalized in place, so
/// `Content-Type, X-Request-ID` and `x-request-id,content-type` share a key.
public enum CacheKey {
    /// The longest key cached; longer requests are decided without caching and
    /// counted as `uncacheable`. 96 bytes hold a 40-byte origin, a method and
    /// four typical header names, and keep an entry within 160 bytes.
    public static let maximumLength = 96
    /// The most header names normalized; more make the request uncacheable.
    public static let maximumHeaderNames = 32

    /// Writes the key into `buffer` (at least `maximumLength` bytes) and returns
    /// its length, or nil when the request is uncacheable (too long, too many
    /// names, or a malformed header list, which the engine denies cheaply).
    ///
    /// - Complexity: O(n) for browser-form headers, O(n + k²) for k names otherwise; allocates nothing.
    @inline(__always)
    public static func build(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?,
                             into buffer: UnsafeMutableRawPointer) -> Int? {
        let fixed = 2 + origin.count + method.count
        guard origin.count < 256, method.count < 256, fixed <= maximumLength else { return nil }
        buffer.storeBytes(of: UInt8(origin.count), as: UInt8.self)
        buffer.storeBytes(of: UInt8(method.count), toByteOffset: 1, as: UInt8.self)
        if origin.count > 0 { (buffer + 2).copyMemory(from: origin.baseAddress!, byteCount: origin.count) }
        if method.count > 0 { (buffer + 2 + origin.count).copyMemory(from: method.baseAddress!, byteCount: method.count) }
        guard let headers = requestHeaders, headers.count > 0 else { return fixed }
        if isBrowserForm(headers) {
            guard fixed + headers.count <= maximumLength else { return nil }
            (buffer + fixed).copyMemory(from: headers.baseAddress!, byteCount: headers.count)
            return fixed + headers.count
        }
        return normalize(headers, into: buffer + fixed, capacity: maximumLength - fixed).map { fixed + $0 }
    }

    /// Lowercase token names, strictly ascending, joined by single commas.
    @inline(__always)
    static func isBrowserForm(_ value: UnsafeRawBufferPointer) -> Bool {
        var previousStart = 0, previousEnd = -1
        var start = 0
        for i in 0...value.count {
            if i == value.count || value[i] == UInt8(ascii: ",") {
                if i == start { return false }
                if previousEnd >= 0 {
                    // Bytes are known lowercase here: compare them as they are.
                    let a = UnsafeRawBufferPointer(rebasing: value[previousStart..<previousEnd])
                    let b = UnsafeRawBufferPointer(rebasing: value[start..<i])
                    if !a.lexicographicallyPrecedes(b) { return false }
                }
                previousStart = start; previousEnd = i
                start = i + 1
                continue
            }
            let b = value[i]
            if RequestHeaderList.lowercasedTokenByte(b) != b { return false }
        }
        return true
    }

    /// Byte order of two names compared case-insensitively: negative, 0 or positive.
    @inline(__always)
    static func compare(_ a: UnsafeRawBufferPointer, _ ra: Range<Int>, _ b: UnsafeRawBufferPointer, _ rb: Range<Int>) -> Int {
        let n = min(ra.count, rb.count)
        for k in 0..<n {
            let x = RequestHeaderList.lowercasedTokenByte(a[ra.lowerBound + k])
            let y = RequestHeaderList.lowercasedTokenByte(b[rb.lowerBound + k])
            if x != y { return Int(x) - Int(y) }
        }
        return ra.count - rb.count
    }

    /// Sorts, lowercases and deduplicates the names into `out`; nil if malformed or too big.
    static func normalize(_ value: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer, capacity: Int) -> Int? {
        withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: maximumHeaderNames) { names -> Int? in
            var count = 0
            var tooMany = false
            let wellFormed = RequestHeaderList.forEachName(in: value) { range in
                guard count < maximumHeaderNames else { tooMany = true; return false }
                // Insertion sort as names arrive: k is small.
                var i = count
                while i > 0 && compare(value, names[i - 1], value, range) > 0 {
                    names[i] = names[i - 1]
                    i -= 1
                }
                names[i] = range
                count += 1
                return true
            }
            guard wellFormed, !tooMany else { return nil }
            var length = 0
            var previous: Range<Int>? = nil
            for k in 0..<count {
                let range = names[k]
                if let previous, compare(value, previous, value, range) == 0 { continue }
                let needed = range.count + (length > 0 ? 1 : 0)
                guard length + needed <= capacity else { return nil }
                if length > 0 { out.storeBytes(of: UInt8(ascii: ","), toByteOffset: length, as: UInt8.self); length += 1 }
                for j in range {
                    out.storeBytes(of: RequestHeaderList.lowercasedTokenByte(value[j]), toByteOffset: length, as: UInt8.self)
                    length += 1
                }
                previous = range
            }
            return length
        }
    }
}
