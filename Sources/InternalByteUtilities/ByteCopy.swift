/// Copies of short byte runs (tens of bytes: header names, origins, status
/// lines) inlined as a few overlapping word moves instead of a call to
/// `memcpy`, whose call and size dispatch cost more than the copy at these
/// sizes (a response head is eight or so such copies).
///
/// Public for the reason `Word` gives: cross-module inlining.
public enum ByteCopy {
    /// Copies `count` bytes from `source` to `destination` (not overlapping).
    ///
    /// Reads and writes only the `count` bytes given: each size class is two
    /// moves that overlap in the middle (16 to 32 bytes: two 16-byte moves;
    /// 8 to 16: two 8-byte moves), and longer runs loop 16 bytes at a time
    /// and end with an overlapping 16-byte move.
    @inlinable @inline(__always)
    public static func copy(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, _ count: Int) {
        typealias Chunk = SIMD16<UInt8>
        if count >= 16 {
            if count > 256 {
                destination.copyMemory(from: source, byteCount: count)
                return
            }
            var i = 0
            while i &+ 32 < count {
                destination.storeBytes(of: source.loadUnaligned(fromByteOffset: i, as: Chunk.self), toByteOffset: i, as: Chunk.self)
                i &+= 16
            }
            let head = source.loadUnaligned(fromByteOffset: i, as: Chunk.self)
            let tail = source.loadUnaligned(fromByteOffset: count &- 16, as: Chunk.self)
            destination.storeBytes(of: head, toByteOffset: i, as: Chunk.self)
            destination.storeBytes(of: tail, toByteOffset: count &- 16, as: Chunk.self)
        } else if count >= 8 {
            let head = source.loadUnaligned(as: UInt64.self), tail = source.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            destination.storeBytes(of: head, as: UInt64.self)
            destination.storeBytes(of: tail, toByteOffset: count &- 8, as: UInt64.self)
        } else if count >= 4 {
            let head = source.loadUnaligned(as: UInt32.self), tail = source.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
            destination.storeBytes(of: head, as: UInt32.self)
            destination.storeBytes(of: tail, toByteOffset: count &- 4, as: UInt32.self)
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
