/// A fast non-cryptographic hash of short byte strings (origins, labels, header
/// names), eight bytes at a time with a 64x64->128 multiply-fold, in the style
/// of wyhash. Hash-flooding is not a concern: every table built with it holds
/// policy data chosen by the operator, never keys chosen by a client, or it
/// verifies keys by full comparison with bounded probing (see the cache).
@usableFromInline
enum ByteHash {
    @inlinable @inline(__always)
    static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    /// Reads `count` (< 8) bytes at `p` as a little-endian integer without reading past them.
    @inlinable @inline(__always)
    static func loadPartial(_ p: UnsafeRawPointer, _ count: Int) -> UInt64 {
        switch count {
        case 0: return 0
        case 1, 2, 3:
            // First, middle and last byte cover 1...3 bytes without branches on each.
            let first = UInt64(p.load(as: UInt8.self))
            let middle = UInt64(p.load(fromByteOffset: count >> 1, as: UInt8.self))
            let last = UInt64(p.load(fromByteOffset: count - 1, as: UInt8.self))
            return first << 16 | middle << 8 | last
        default:
            let low = UInt64(p.loadUnaligned(as: UInt32.self))
            let high = UInt64(p.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            return low << 32 | high
        }
    }

    /// Hashes `count` bytes at `p`.
    ///
    /// From eight bytes on, the last word is the buffer's last eight bytes,
    /// overlapping the word before it: every byte is covered with no partial
    /// load and no branch on the length's remainder.
    ///
    /// - Complexity: O(count), one multiply per eight bytes.
    @inlinable @inline(__always)
    static func hash(_ p: UnsafeRawPointer, _ count: Int, seed: UInt64 = 0) -> UInt64 {
        var h = seed ^ 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count)
        guard count >= 8 else { return fold(h ^ loadPartial(p, count), 0xE703_7ED1_A0B4_28DB) }
        var offset = 0
        while offset &+ 8 < count {
            h = fold(h ^ p.loadUnaligned(fromByteOffset: offset, as: UInt64.self), 0xA076_1D64_78BD_642F)
            offset &+= 8
        }
        return fold(h ^ p.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self), 0xE703_7ED1_A0B4_28DB)
    }

    @inlinable
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        guard let base = bytes.baseAddress else { return hash(UnsafeRawPointer(bitPattern: 1)!, 0, seed: seed) }
        return hash(base, bytes.count, seed: seed)
    }

    static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
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
            return count <= 0 || ByteHash.loadPartial(base, count) == ByteHash.loadPartial(other, count)
        }
        var i = 0
        while i &+ 8 < count {
            if base.loadUnaligned(fromByteOffset: i, as: UInt64.self) != other.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i &+= 8
        }
        return base.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self) == other.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
    }
}

/// A fast, seeded, non-cryptographic hash of bytes (the one the matchers use),
/// for tables whose keys clients choose: pass a random per-table seed so that
/// colliding keys cannot be precomputed.
///
/// - Complexity: O(n), one multiply per eight bytes.
@inlinable @inline(__always)
public func hashBytes(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
    ByteHash.hash(bytes, seed: seed)
}
