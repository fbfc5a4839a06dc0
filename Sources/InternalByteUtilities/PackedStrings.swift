/// Byte strings stored back to back in one allocation and found by index:
/// the form every table here keeps its strings in (long schemes of the trie
/// matcher, tails of long methods and header names, the strings of request
/// streams and matcher streams), so a reader follows no reference, takes no
/// reference count and touches one buffer.
///
/// Every string starts at a multiple of `alignment` bytes, and at least eight
/// zero bytes follow the last one, so that whole little-endian words may be
/// read from any string's start up to eight bytes past its end.
///
/// A value over raw memory, as `UnsafeMutableBufferPointer` is: the owner
/// calls `deallocate()` once, after its last read. Public rather than
/// `package` for the reason `Word` gives (the request stream's reads are on
/// the load generator's timed path).
public struct PackedStrings: @unchecked Sendable {
    // Sendable: the memory is written only in `init` and read-only afterwards;
    // the owner deallocates it after every reader is done.
    @usableFromInline let base: UnsafeMutableRawPointer
    @usableFromInline let spans: UnsafeMutableBufferPointer<(offset: Int, length: Int)>
    /// Bytes allocated, padding included.
    public let byteCount: Int

    /// Packs `strings` in order.
    ///
    /// - Complexity: O(total bytes); one allocation for the bytes, one for the spans.
    public init<Strings: Collection>(_ strings: Strings, alignment: Int = 1) where Strings.Element: Collection, Strings.Element.Element == UInt8 {
        precondition(alignment > 0 && alignment & (alignment - 1) == 0, "alignment must be a power of two")
        var lengths: [Int] = []
        var total = 0
        for s in strings {
            total = (total + alignment - 1) & ~(alignment - 1)
            lengths.append(s.count)
            total += s.count
        }
        byteCount = total + 8
        base = .allocate(byteCount: byteCount, alignment: 8)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        spans = .allocate(capacity: max(lengths.count, 1))
        var offset = 0
        for (i, s) in strings.enumerated() {
            offset = (offset + alignment - 1) & ~(alignment - 1)
            UnsafeMutableRawBufferPointer(start: base + offset, count: lengths[i]).copyBytes(from: s)
            spans[i] = (offset, lengths[i])
            offset += lengths[i]
        }
        count = lengths.count
    }

    /// The number of strings.
    public let count: Int

    /// String `i`'s bytes.
    @inlinable @inline(__always)
    public subscript(i: Int) -> UnsafeRawBufferPointer {
        let span = spans[i]
        return UnsafeRawBufferPointer(start: base + span.offset, count: span.length)
    }

    /// Where string `i` starts; whole words may be read to eight bytes past its end.
    @inlinable @inline(__always)
    public func start(of i: Int) -> UnsafeRawPointer { UnsafeRawPointer(base + spans[i].offset) }

    /// Bytes held, spans included.
    public var retainedBytes: Int { byteCount + spans.count * MemoryLayout<(offset: Int, length: Int)>.stride }

    /// Frees the memory; no read may follow.
    public func deallocate() {
        base.deallocate()
        spans.deallocate()
    }
}
