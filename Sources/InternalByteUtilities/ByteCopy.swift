/// Copies of short byte runs (tens of bytes: header names, origins, status
/// lines) inlined as a few overlapping word moves instead of a call to
/// `memcpy`, whose call and size dispatch cost more than the copy at these
/// sizes (a response head is eight or so such copies).
///
/// Public for the reason `Word` gives: cross-module inlining.
public enum ByteCopy {
    /// Copies `count` bytes from `source` to `destination` (not overlapping).
    ///
    /// Reads and writes only the `count` bytes given: runs of 8 bytes or more
    /// end with a word that overlaps the previous one instead of a byte loop.
    @inlinable @inline(__always)
    public static func copy(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, _ count: Int) {
        if count >= 8 {
            if count > 256 {
                destination.copyMemory(from: source, byteCount: count)
                return
            }
            var i = 0
            while i + 16 <= count {
                destination.storeBytes(of: source.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self), toByteOffset: i,
                                       as: SIMD16<UInt8>.self)
                i += 16
            }
            if i + 8 <= count {
                destination.storeBytes(of: source.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
                i += 8
            }
            if i < count {
                destination.storeBytes(of: source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self), toByteOffset: count - 8,
                                       as: UInt64.self)
            }
        } else if count >= 4 {
            destination.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
            destination.storeBytes(of: source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self), toByteOffset: count - 4, as: UInt32.self)
        } else {
            for i in 0..<count {
                destination.storeBytes(of: source.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self)
            }
        }
    }
}

extension ByteCopy {
    /// Copies `count` bytes in whole 16-byte chunks: up to 15 bytes past
    /// `count` are read from `source` and written to `destination`, so both
    /// must have that much slack. For runs kept in padded storage and written
    /// into a buffer whose next bytes are written over afterwards: fewer
    /// branches than an exact copy.
    @inlinable @inline(__always)
    public static func copyInChunks(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, _ count: Int) {
        var i = 0
        while i < count {
            destination.storeBytes(of: source.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self), toByteOffset: i, as: SIMD16<UInt8>.self)
            i &+= 16
        }
    }
}
