/// Searches of byte buffers eight bytes a step, for parsing HTTP heads.
///
/// Public for the reason `Word` gives: cross-module inlining.
public enum ByteScan {
    /// The offset of the first `byte` in `from..<to` of `b`, or `to`.
    ///
    /// - Complexity: O(`to - from`), one word compare per eight bytes.
    @inlinable @inline(__always)
    public static func first(_ byte: UInt8, in b: UnsafeRawBufferPointer, from: Int, to: Int) -> Int {
        guard let base = b.baseAddress else { return to }
        var i = from
        while i &+ 8 <= to {
            let found = Word.bytes(equalTo: byte, in: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            if found != 0 { return i &+ found.trailingZeroBitCount &>> 3 }
            i &+= 8
        }
        while i < to && b[i] != byte { i &+= 1 }
        return i
    }
}
