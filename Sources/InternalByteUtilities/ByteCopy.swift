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
    /// 8 to 16: two 8-byte moves; 1 to 3: three byte moves), and longer runs
    /// loop 16 bytes at a time and end with an overlapping 16-byte move.
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
        } else if count > 0 {
            // 1 to 3 bytes: the first, the middle and the last, which cover them all.
            let middle = count &>> 1
            let first = source.load(as: UInt8.self), mid = source.load(fromByteOffset: middle, as: UInt8.self)
            let last = source.load(fromByteOffset: count &- 1, as: UInt8.self)
            destination.storeBytes(of: first, as: UInt8.self)
            destination.storeBytes(of: mid, toByteOffset: middle, as: UInt8.self)
            destination.storeBytes(of: last, toByteOffset: count &- 1, as: UInt8.self)
        }
    }
}

extension ByteCopy {
    /// The slack `copyInChunks` needs past `count`, in source and destination.
    public static let chunkSlack = 64

    /// Copies `count` bytes in whole 64-byte chunks, at least one: up to
    /// `chunkSlack` bytes past `count` are read from `source` and written to
    /// `destination`, so both must have that much slack. For runs kept in
    /// padded storage and written into a buffer whose next bytes are written
    /// over afterwards: no size dispatch, and a quarter of the loop turns of
    /// 16-byte chunks (four 16-byte moves per turn, which every x86-64 and
    /// arm64 has; a rendered preflight head is about 200 bytes).
    ///
    /// - Complexity: O(`count`); about 11 instructions per 64 bytes.
    @inlinable @inline(__always)
    public static func copyInChunks(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, _ count: Int) {
        typealias Chunk = SIMD16<UInt8>
        var i = 0
        repeat {
            let a = source.loadUnaligned(fromByteOffset: i, as: Chunk.self)
            let b = source.loadUnaligned(fromByteOffset: i &+ 16, as: Chunk.self)
            let c = source.loadUnaligned(fromByteOffset: i &+ 32, as: Chunk.self)
            let d = source.loadUnaligned(fromByteOffset: i &+ 48, as: Chunk.self)
            destination.storeBytes(of: a, toByteOffset: i, as: Chunk.self)
            destination.storeBytes(of: b, toByteOffset: i &+ 16, as: Chunk.self)
            destination.storeBytes(of: c, toByteOffset: i &+ 32, as: Chunk.self)
            destination.storeBytes(of: d, toByteOffset: i &+ 48, as: Chunk.self)
            i &+= 64
        } while i < count
    }
}
