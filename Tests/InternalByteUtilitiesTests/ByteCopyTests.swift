import InternalByteUtilities
import Testing

/// The short-copy routines the response writer is built on, against plain
/// byte-by-byte copies, for every size class and alignment.
@Suite struct ByteCopyTests {
    static let guardByte: UInt8 = 0xA5

    /// A source of distinct bytes (never the guard byte) at offset `shift`.
    static func source(_ count: Int, shift: Int, slack: Int = 0) -> [UInt8] {
        [UInt8](repeating: 0, count: shift) + (0..<(count + slack)).map { i in
            let byte = UInt8(truncatingIfNeeded: i &* 7 &+ 1)
            return byte == guardByte ? 0x5A : byte
        }
    }

    @Test func copyWritesExactlyTheBytesGiven() {
        for count in 0...300 {
            for shift in [0, 1, 7, 13] {
                let from = Self.source(count, shift: shift)
                var to = [UInt8](repeating: Self.guardByte, count: count + 2 * 40)
                from.withUnsafeBytes { s in to.withUnsafeMutableBytes { d in
                    ByteCopy.copy(d.baseAddress! + 40, s.baseAddress! + shift, count)
                } }
                #expect(Array(to[40..<(40 + count)]) == Array(from[shift...]), "count \(count), shift \(shift)")
                #expect(to[..<40].allSatisfy { $0 == Self.guardByte } && to[(40 + count)...].allSatisfy { $0 == Self.guardByte },
                        "count \(count), shift \(shift): wrote outside the bytes given")
            }
        }
    }

    @Test func copyInChunksCopiesTheRunAndStaysWithinItsSlack() {
        for count in 0...200 {
            for shift in [0, 3, 16] {
                let from = Self.source(count, shift: shift, slack: ByteCopy.chunkSlack)
                let size = count + ByteCopy.chunkSlack
                var to = [UInt8](repeating: Self.guardByte, count: 40 + size + 40)
                from.withUnsafeBytes { s in to.withUnsafeMutableBytes { d in
                    ByteCopy.copyInChunks(d.baseAddress! + 40, s.baseAddress! + shift, count)
                } }
                #expect(Array(to[40..<(40 + count)]) == Array(from[shift..<(shift + count)]), "count \(count), shift \(shift)")
                #expect(to[..<40].allSatisfy { $0 == Self.guardByte } && to[(40 + size)...].allSatisfy { $0 == Self.guardByte },
                        "count \(count), shift \(shift): wrote past the slack")
            }
        }
    }

    @Test func wordLoadReadsLittleEndianWithZerosPastTheEnd() {
        for count in 0...20 {
            let bytes = (0..<count).map { UInt8($0 + 1) }
            for offset in 0...count {
                var expected: UInt64 = 0
                for i in 0..<8 where offset + i < count { expected |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
                let word = bytes.withUnsafeBytes { b in
                    count == 0 ? 0 : Word.load(b.baseAddress!, at: offset, count: count)
                }
                #expect(word == expected, "count \(count), offset \(offset)")
            }
        }
    }
}
