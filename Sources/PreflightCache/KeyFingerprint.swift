/// A 122-bit fingerprint of a cache key with a proven collision bound: two
/// independent NH hashes over the prime field of p = 2^61 − 1, with secret
/// random keys drawn per cache. The `bucketed` cache stores a key's
/// fingerprint instead of its bytes, so an entry is 32 bytes, not 128.
///
/// **Encoding.** A key (`CacheKey`: its words, each part zero-padded, and the
/// shape's lengths) becomes 16 coefficients below p: x₀ is the lengths (below
/// 2^24), x₁ … x₁₅ the key's bytes in 7-byte chunks (at most 96 bytes, 14
/// chunks, each below 2^56), zero past the key. Equal lengths mean equal word
/// counts, so two distinct keys always differ in some coefficient.
///
/// **Hash.** h(x) = Σᵢ (x₂ᵢ + k₂ᵢ)(x₂ᵢ₊₁ + k₂ᵢ₊₁) mod p over the 8 pairs,
/// with k uniform in [0, p). Pairs past the key (both coefficients 0) add a
/// constant, precomputed per cache, so a key costs one multiply per 14 bytes.
///
/// **Bound.** For distinct keys x ≠ y, take a pair i where they differ; with
/// every other key fixed, h(x) − h(y) = k₂ᵢ₊₁(x₂ᵢ − y₂ᵢ) + k₂ᵢ(x₂ᵢ₊₁ − y₂ᵢ₊₁)
/// + c, a nonzero linear form in two uniform keys, so Pr[h(x) = h(y)] = 1/p.
/// With two independent key sets, Pr[both equal] = 1/p² < 2^-121.9. A lookup
/// compares with at most 4 ways, so it serves another key's decision with
/// probability below 2^-119: over 10^9 lookups a second for 100 years
/// (2^61.5 lookups), below 2^-57 in all.
///
/// The bound holds for keys chosen with any knowledge except the secret keys.
/// Nothing observable depends on those but whether two distinct keys'
/// fingerprints are equal (the event bounded): buckets are chosen by the
/// separate `CacheKey.KeyHasher`, never by the fingerprint.
///
/// - Complexity: O(key words): two 64x64->128 multiplies per 14 bytes; no
///   division (reduction mod 2^61 − 1 is shifts and adds).
struct KeyFingerprint {
    static let prime: UInt64 = (1 << 61) - 1
    static let coefficients = 16
    static let pairs = coefficients / 2
    /// Instance j's keys at `keys[j * coefficients ..< (j + 1) * coefficients]`.
    let keys: UnsafeMutablePointer<UInt64>
    /// Instance j's `tails[j * (pairs + 1) + q]`: Σ over pairs i ≥ q of
    /// k₂ᵢ · k₂ᵢ₊₁ mod p, what the all-zero pairs from q on add.
    let tails: UnsafeMutablePointer<UInt64>

    init(using generator: inout some RandomNumberGenerator) {
        precondition(CacheKey.maximumWords * 8 <= 7 * (Self.coefficients - 1), "a key's chunks must fit the coefficients")
        keys = .allocate(capacity: 2 * Self.coefficients)
        tails = .allocate(capacity: 2 * (Self.pairs + 1))
        for j in 0..<2 {
            for i in 0..<Self.coefficients { keys[j * Self.coefficients + i] = UInt64.random(in: 0..<Self.prime, using: &generator) }
            var tail: UInt64 = 0
            tails[j * (Self.pairs + 1) + Self.pairs] = 0
            for q in stride(from: Self.pairs - 1, through: 0, by: -1) {
                let k = keys + j * Self.coefficients + 2 * q
                tail = Self.add(tail, Self.multiply(k[0], k[1]))
                tails[j * (Self.pairs + 1) + q] = tail
            }
        }
    }

    func deallocate() {
        keys.deallocate()
        tails.deallocate()
    }

    /// x mod p for any 128-bit x given as (high, low): 2^61 ≡ 1 mod p, so
    /// the three 61-bit digits are added, then folded once more.
    @inline(__always)
    static func reduce(high: UInt64, low: UInt64) -> UInt64 {
        let digits = (low & prime) &+ (((low >> 61) | (high << 3)) & prime) &+ (high >> 58)
        let s = (digits & prime) &+ (digits >> 61)
        return s >= prime ? s &- prime : s
    }

    /// a · b mod p, for a, b < p.
    @inline(__always)
    static func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return reduce(high: product.high, low: product.low)
    }

    /// a + b mod p, for a, b < p.
    @inline(__always)
    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let s = a &+ b
        return s >= prime ? s &- prime : s
    }

    /// The fingerprint of the key in `words` with `shape`: (h₁, h₂), each
    /// below p. `words` must hold `CacheKey.bufferWords` words, zero past
    /// the key (`CacheKey.build` and `buildHashing` leave them so): the
    /// chunks are read a word at a time and may reach into them.
    @inline(__always)
    func fingerprint(_ words: UnsafePointer<UInt64>, _ shape: CacheKey.Shape) -> (UInt64, UInt64) {
        let bytes = UnsafeRawPointer(words)
        let chunks = (shape.wordCount &* 8 &+ 6) / 7
        let usedPairs = (chunks &+ 2) &>> 1
        let k1 = keys, k2 = keys + Self.coefficients
        var high1: UInt64 = 0, low1: UInt64 = 0, high2: UInt64 = 0, low2: UInt64 = 0
        @inline(__always) func pair(_ x: UInt64, _ y: UInt64, _ q: Int) {
            // Each factor is below 2^62 (a coefficient plus a key), each
            // product below 2^124: eight of them sum below 2^127.
            let p1 = (x &+ k1[2 &* q]).multipliedFullWidth(by: y &+ k1[2 &* q &+ 1])
            let p2 = (x &+ k2[2 &* q]).multipliedFullWidth(by: y &+ k2[2 &* q &+ 1])
            let (l1, o1) = low1.addingReportingOverflow(p1.low)
            low1 = l1
            high1 &+= p1.high &+ (o1 ? 1 : 0)
            let (l2, o2) = low2.addingReportingOverflow(p2.low)
            low2 = l2
            high2 &+= p2.high &+ (o2 ? 1 : 0)
        }
        let mask: UInt64 = (1 << 56) - 1
        @inline(__always) func chunk(_ i: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: i &* 7, as: UInt64.self) & mask }
        pair(shape.lengths, chunk(0), 0)
        var q = 1
        while q < usedPairs {
            pair(chunk(2 &* q &- 1), chunk(2 &* q), q)
            q &+= 1
        }
        let h1 = Self.add(Self.reduce(high: high1, low: low1), tails[usedPairs])
        let h2 = Self.add(Self.reduce(high: high2, low: low2), tails[Self.pairs &+ 1 &+ usedPairs])
        return (h1, h2)
    }
}
