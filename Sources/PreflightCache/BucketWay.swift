/// The layout of one way of a `bucketed` bucket, in 64-bit words: the one
/// description of it, which the lock-free lookup, the writers and the memory
/// sizing use. Four ways, 128 bytes, are a bucket: two adjacent cache lines.
///
///     word 0   h₁ of the key's fingerprint | in-use bit 63 (0 when free)
///     word 1   h₂ of the key's fingerprint
///     word 2   expiry, in the cache clock's nanoseconds
///     word 3   meta: policy generation (low 32 bits) | reason code << 32
///              | the key's 14-bit ghost fingerprint << 40 (`BucketControl`)
///
/// The key's bytes are not kept: `KeyFingerprint` bounds the chance that
/// two distinct keys' fingerprints are equal.
enum BucketWay {
    static let words = 4
    static let first = 0, second = 1, expiry = 2, meta = 3
    static let inUse: UInt64 = 1 << 63

    /// Word 0 of a key's way: never 0, so it matches no free way.
    @inline(__always)
    static func firstWord(_ fingerprint: (UInt64, UInt64)) -> UInt64 { fingerprint.0 | inUse }

    @inline(__always)
    static func meta(generation: UInt32, reason: UInt8, ghost: UInt64) -> UInt64 {
        UInt64(generation) | UInt64(reason) << 32 | ghost << 40
    }

    @inline(__always) static func generation(_ meta: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: meta) }
    @inline(__always) static func reason(_ meta: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: meta >> 32) }
    @inline(__always) static func ghost(_ meta: UInt64) -> UInt64 { meta >> 40 & 0x3FFF }
}
