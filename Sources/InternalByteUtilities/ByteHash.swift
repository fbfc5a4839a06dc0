/// A fast non-cryptographic hash of short byte strings (origins, labels, header
/// names), eight bytes at a time with a 64x64->128 multiply-fold, in the style
/// of wyhash. Hash-flooding is not a concern: every table built with it holds
/// policy data chosen by the operator, never keys chosen by a client, or it
/// verifies keys by full comparison with bounded probing (see the cache).
///
/// The one home of the multiply-fold: the matchers' tables, the header-name
/// table and the cache's keyed hash all fold with `fold`. Public for the
/// reason `Word` gives.
public enum ByteHash {
    /// The 64x64->128 multiply of `a` and `b`, halves xored: the mixing step
    /// of every hash here (wyhash's `mum`).
    @inlinable @inline(__always)
    public static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    /// Hashes `count` bytes at `p`.
    ///
    /// From eight bytes on, the last word is the buffer's last eight bytes,
    /// overlapping the word before it: every byte is covered with no partial
    /// load and no branch on the length's remainder.
    ///
    /// - Complexity: O(count), one multiply per eight bytes.
    @inlinable @inline(__always)
    public static func hash(_ p: UnsafeRawPointer, _ count: Int, seed: UInt64 = 0) -> UInt64 {
        var h = seed ^ 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count)
        guard count >= 8 else { return fold(h ^ Word.loadShort(p, count), 0xE703_7ED1_A0B4_28DB) }
        var offset = 0
        while offset &+ 8 < count {
            h = fold(h ^ p.loadUnaligned(fromByteOffset: offset, as: UInt64.self), 0xA076_1D64_78BD_642F)
            offset &+= 8
        }
        return fold(h ^ p.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self), 0xE703_7ED1_A0B4_28DB)
    }

    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        guard let base = bytes.baseAddress else { return hash(UnsafeRawPointer(bitPattern: 1)!, 0, seed: seed) }
        return hash(base, bytes.count, seed: seed)
    }

    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }
}

extension UnsafeRawBufferPointer {
    /// Whether `count` bytes from `start` equal the bytes at `other`, compared
    /// a word at a time; from eight bytes on, the last word compared is the
    /// last eight bytes (overlapping), so no partial loads.
    @inlinable @inline(__always)
    public func bytesEqual(from start: Int, count: Int, to other: UnsafeRawPointer) -> Bool {
        let base = baseAddress.unsafelyUnwrapped + start
        guard count >= 8 else {
            return count <= 0 || Word.loadShort(base, count) == Word.loadShort(other, count)
        }
        var i = 0
        while i &+ 8 < count {
            if base.loadUnaligned(fromByteOffset: i, as: UInt64.self) != other.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i &+= 8
        }
        return base.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self) == other.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
    }
}
