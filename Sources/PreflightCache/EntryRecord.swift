/// The layout of one entry of the sharded cache, in 64-bit words: the one
/// description of it, which the shard's writers, the lock-free lookup and the
/// memory sizing all use.
///
///     word 0       expiry, in the cache clock's nanoseconds
///     word 1       meta: policy generation (low 32 bits) | reason code << 32
///     word 2       shape: origin length | method length << 8 | header length << 16
///                  | in-use bit << 24 | low 32 bits of the key's hash << 32
///                  (a free record's shape is 0, so it matches no key)
///     words 3-14   the key, `CacheKey.maximumWords` words at most, zero past it
///     word 15      spare
///
/// 16 words are 128 bytes, two cache lines; a hit on a key of up to five
/// words reads only the first.
enum EntryRecord {
    static let words = 16
    static let expiry = 0, meta = 1, shape = 2, key = 3
    /// Key words in the record's first cache line (words 3-7).
    static let firstLineKeyWords = 5
}

extension EntryRecord {
    /// The meta word of a decision.
    @inline(__always)
    static func meta(generation: UInt32, reason: UInt8) -> UInt64 { UInt64(generation) | UInt64(reason) << 32 }

    /// The reason code a meta word holds.
    @inline(__always)
    static func reason(_ meta: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: meta >> 32) }

    /// The shape word of a key: its lengths, an in-use bit (a free record's
    /// shape word is 0, so it matches no key) and the low 32 bits of its hash.
    @inline(__always)
    static func shapeWord(_ shape: CacheKey.Shape, hash: UInt64) -> UInt64 { shape.lengths | 1 << 24 | hash << 32 }

    /// The generation a meta word holds.
    @inline(__always)
    static func generation(_ meta: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: meta) }
}
