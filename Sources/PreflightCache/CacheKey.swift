import CORSPolicy
import InternalByteUtilities

/// The cache key of a preflight, as whole 64-bit words: the origin, the method
/// and the request headers in browser form, each zero-padded to a multiple of
/// eight bytes, plus a shape word holding the three lengths.
///
/// Header lists that already come in browser form (lowercase, sorted, unique,
/// comma-joined) are used as they are; others are normalized, so
/// `Content-Type, X-Request-ID` and `x-request-id,content-type` share a key.
///
/// Whole words let the caches build, hash and compare a key with word loads
/// and stores only: no `memcpy` calls, no byte loops on the common path.
enum CacheKey {
    /// The longest key cached, in words; longer requests are decided without
    /// caching and counted as `uncacheable`. 12 words (96 bytes, each part
    /// padded to a multiple of 8) hold a 40-byte origin, a method and four
    /// typical header names, and keep an entry within 128 bytes.
    static let maximumWords = 12
    /// Words a key buffer must have: the key, one word of slack that
    /// normalization's whole-word writes may reach past the key's end, and
    /// one more that `KeyFingerprint`'s last chunk load may reach.
    static let bufferWords = maximumWords + 2

    /// Stack space for a key (`bufferWords` words), without the out-of-line
    /// closure and stack checks that `withUnsafeTemporaryAllocation` costs on
    /// every lookup.
    struct Buffer {
        var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
            = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    }

    /// Calls `body` with a zeroed key buffer of `bufferWords` words on the stack.
    ///
    /// Without a stack protector (`_withUnprotectedUnsafeMutableBytes`): the
    /// buffer's writes are bounded by `maximumWords` checks before any write,
    /// and the canary's store, load and compare were six of every lookup's
    /// instructions.
    @inline(__always)
    static func withBuffer<R>(_ body: (UnsafeMutablePointer<UInt64>) -> R) -> R {
        var buffer = Buffer()
        return _withUnprotectedUnsafeMutableBytes(of: &buffer) { raw in
            body(raw.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: UInt64.self))
        }
    }

    /// The lengths of the three parts and the number of words they fill.
    struct Shape {
        /// origin length | method length << 8 | header length << 16 (each at most 96).
        var lengths: UInt64
        var wordCount: Int
    }

    @inline(__always)
    static func words(_ byteCount: Int) -> Int { (byteCount &+ 7) &>> 3 }

    /// Writes the key's words into `words` (`bufferWords` of them, zero
    /// past the key): the parts one after another, each zero-padded to whole words, with the
    /// header list in browser form (copied when it already is, else
    /// normalized). Returns the key's shape, or nil when the request is
    /// uncacheable: too long, too many names, or a malformed header list
    /// (which the engine denies cheaply).
    ///
    /// - Complexity: O(n) for browser-form headers, O(n + k²) for k names otherwise; allocates nothing.
    @inline(__always)
    static func build(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?,
                      into words: UnsafeMutablePointer<UInt64>) -> Shape? {
        let headerCount = requestHeaders?.count ?? 0
        var used = Self.words(origin.count) + Self.words(method.count)
        let rawFits = used + Self.words(headerCount) <= maximumWords
        guard used <= maximumWords else { return nil }
        used = copyWords(origin, to: words)
        used += copyWords(method, to: words + used)
        var headerLength = 0
        if let headers = requestHeaders, headerCount > 0 {
            if rawFits && RequestHeaderList.isBrowserForm(headers) {
                used += copyWords(headers, to: words + used)
                headerLength = headerCount
            } else {
                // Normalizing may shorten the list (spaces, duplicates): try it even when the raw list is too long.
                let out = UnsafeMutableRawPointer(words + used)
                guard let length = RequestHeaderList.normalize(headers, into: out, capacity: (maximumWords - used) * 8) else { return nil }
                let padded = (length + 7) & ~7
                if padded > length { (out + length).initializeMemory(as: UInt8.self, repeating: 0, count: padded - length) }
                headerLength = length
                used += padded >> 3
            }
        }
        // Zero past the key, as `KeyFingerprint` reads those words (the
        // buffer may hold a longer key from an earlier attempt).
        var w = used
        while w < bufferWords {
            words[w] = 0
            w += 1
        }
        return Shape(lengths: UInt64(origin.count) | UInt64(method.count) << 8 | UInt64(headerLength) << 16, wordCount: used)
    }

    /// The lookup key of a request as it came (its header list copied
    /// unchecked: it can match a stored key, always in browser form, only
    /// when the list already is in browser form) and its hash, in one pass: each
    /// word is hashed as it is stored. nil when the request is too long.
    @inline(__always)
    static func buildHashing(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?,
                             into words: UnsafeMutablePointer<UInt64>, hasher: KeyHasher) -> (shape: Shape, hash: UInt64)? {
        let headerCount = requestHeaders?.count ?? 0
        guard Self.words(origin.count) &+ Self.words(method.count) &+ Self.words(headerCount) <= maximumWords else { return nil }
        var sum: UInt64 = 0
        var used = copyHashing(origin, to: words, at: 0, hasher, &sum)
        used = copyHashing(method, to: words, at: used, hasher, &sum)
        if let headers = requestHeaders { used = copyHashing(headers, to: words, at: used, hasher, &sum) }
        let shape = Shape(lengths: UInt64(origin.count) | UInt64(method.count) << 8 | UInt64(headerCount) << 16, wordCount: used)
        return (shape, hasher.finish(sum, shape.lengths))
    }

    /// `copyWords` to `words + u`, adding each word's hash to `sum`; returns the next word's index.
    @_transparent
    static func copyHashing(_ bytes: UnsafeRawBufferPointer, to words: UnsafeMutablePointer<UInt64>, at u: Int, _ hasher: KeyHasher,
                            _ sum: inout UInt64) -> Int {
        let n = bytes.count
        guard n > 0 else { return u }
        let p = bytes.baseAddress.unsafelyUnwrapped
        let full = n &>> 3
        var i = 0
        while i < full {
            let w = p.loadUnaligned(fromByteOffset: i &<< 3, as: UInt64.self)
            words[u &+ i] = w
            sum = hasher.accumulate(sum, w, at: u &+ i)
            i &+= 1
        }
        let rest = n & 7
        guard rest > 0 else { return u &+ full }
        let w = tailWord(p, n, rest)
        words[u &+ full] = w
        sum = hasher.accumulate(sum, w, at: u &+ full)
        return u &+ full &+ 1
    }

    /// Copies `bytes` as whole little-endian words, zero-padding the last one,
    /// without reading a byte outside `bytes` or writing past the last word.
    /// Returns the words written. (`@_transparent`: the optimizer declines
    /// `@inline(__always)` here, and the call costs as much as the copy.)
    @_transparent
    static func copyWords(_ bytes: UnsafeRawBufferPointer, to words: UnsafeMutablePointer<UInt64>) -> Int {
        let n = bytes.count
        guard n > 0 else { return 0 }
        let p = bytes.baseAddress.unsafelyUnwrapped
        let full = n &>> 3
        var i = 0
        while i < full {
            words[i] = p.loadUnaligned(fromByteOffset: i &<< 3, as: UInt64.self)
            i &+= 1
        }
        let rest = n & 7
        guard rest > 0 else { return full }
        words[full] = tailWord(p, n, rest)
        return full &+ 1
    }

    /// The last `rest` (1...7) bytes of the `n` at `p`, zero-padded: what
    /// `Word.load` gives at offset `n - rest`, without its checks for the
    /// cases a tail cannot be (a whole word, or nothing left).
    @inline(__always)
    static func tailWord(_ p: UnsafeRawPointer, _ n: Int, _ rest: Int) -> UInt64 {
        n >= 8 ? p.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) &>> UInt64(truncatingIfNeeded: 64 &- 8 &* rest)
            : Word.loadShort(p, rest)
    }

    /// Whether the first or last eight bytes of a header list hold a byte
    /// that no list in browser form has there: one with bit 5 clear (uppercase
    /// letters, controls such as tab; also `^` and `_`, which are allowed, so
    /// such lists merely take the slower path) or a space. A cheap screen
    /// (two loads, a dozen operations), not a check: false means nothing.
    /// Lists shorter than eight bytes are not screened.
    @inline(__always)
    static func isPlainlyNotBrowserForm(_ value: UnsafeRawBufferPointer) -> Bool {
        let n = value.count
        guard n >= 8 else { return false }
        let p = value.baseAddress.unsafelyUnwrapped
        @inline(__always) func suspicious(_ w: UInt64) -> UInt64 {
            let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
            let bit5Clear = (~w << 2) & Word.highs
            let x = w ^ 0x2020_2020_2020_2020
            let space = ~(((x & low7) &+ low7) | x) & Word.highs
            return bit5Clear | space
        }
        return suspicious(p.loadUnaligned(as: UInt64.self)) | suspicious(p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) != 0
    }

    /// The keyed hash of a key: each word, xored with its position's
    /// secret, is multiplied (64x64->128, halves folded) by a secret odd
    /// multiplier, and the products are added to a sum rotated by one bit
    /// per word, so the multiplies do not wait on each other and a word can
    /// be hashed as it is copied. The finish folds in the shape's lengths,
    /// which tell apart keys whose parts split differently.
    ///
    /// - Complexity: O(words): one multiply per word, and one more.
    struct KeyHasher {
        /// `maximumWords` position secrets, the multiplier, two finishing secrets.
        let secrets: UnsafePointer<UInt64>
        static let secretCount = maximumWords + 3

        /// Draws `secretCount` odd secrets from `source` into memory the
        /// hasher owns until `deallocate()`.
        init(drawingFrom source: inout HashSecretSource) {
            let drawn = UnsafeMutablePointer<UInt64>.allocate(capacity: Self.secretCount)
            for i in 0..<Self.secretCount { (drawn + i).initialize(to: source.next() | 1) }
            secrets = UnsafePointer(drawn)
        }

        func deallocate() { secrets.deallocate() }

        @inline(__always)
        func word(_ w: UInt64, at position: Int) -> UInt64 { ByteHash.fold(w ^ secrets[position], secrets[maximumWords]) }

        /// `sum` rotated by one bit plus word `w`'s product. The rotation is
        /// one instruction and keeps the products independent of each other,
        /// but it makes the sum no plain reduction, so the compiler keeps the
        /// per-part loops scalar: a part is one to five words, too few for
        /// vector code's setup, alias checks and shuffles to pay.
        @inline(__always)
        func accumulate(_ sum: UInt64, _ w: UInt64, at position: Int) -> UInt64 {
            ((sum &<< 1) | (sum &>> 63)) &+ word(w, at: position)
        }

        @inline(__always)
        func finish(_ sum: UInt64, _ lengths: UInt64) -> UInt64 {
            ByteHash.fold(sum ^ secrets[maximumWords + 1], lengths ^ secrets[maximumWords + 2])
        }

        @inline(__always)
        func hash(_ key: UnsafePointer<UInt64>, _ shape: Shape) -> UInt64 {
            var sum: UInt64 = 0
            var u = 0
            while u < shape.wordCount {
                sum = accumulate(sum, key[u], at: u)
                u &+= 1
            }
            return finish(sum, shape.lengths)
        }
    }

    /// The key as bytes (shape word, then the words), for the `locked` cache's `String` keys.
    static func bytes(_ words: UnsafePointer<UInt64>, _ shape: Shape) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: words, count: shape.wordCount * 8)
    }
}
