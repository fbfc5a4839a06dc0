import InternalByteUtilities
import Testing

/// The word-at-a-time scans and compares against their byte-at-a-time
/// definitions, over random bytes (every byte value, non-ASCII included).
@Suite struct ByteScanTests {
    static let names: [StaticString] = ["vary", "connection", "content-length", "transfer-encoding",
                                        "access-control-allow-origin", "access-control-allow-credentials"]

    @Test func caseInsensitiveEqualityMatchesTheBytewiseDefinition() {
        var rng = SplitMix64(seed: 24)
        for name in Self.names {
            let text = Array(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            for _ in 0..<2_000 {
                // Mostly the name with some bytes changed: case flips, near letters, non-ASCII, and other lengths.
                var candidate = text
                for _ in 0..<Int.random(in: 0...2, using: &rng) {
                    let i = Int.random(in: 0..<candidate.count, using: &rng)
                    candidate[i] = [candidate[i] ^ 0x20, candidate[i] | 0x80, UInt8.random(in: 0...255, using: &rng), candidate[i] &+ 1]
                        .randomElement(using: &rng)!
                }
                if Int.random(in: 0..<10, using: &rng) == 0 { candidate.append(UInt8(ascii: "x")) }
                let expected = candidate.count == text.count && zip(candidate, text).allSatisfy { ASCIICase.lowercased($0) == $1 }
                let got = candidate.withUnsafeBytes { ASCIICase.equal($0, lowercase: name) }
                #expect(got == expected, "\(candidate) against \(name)")
            }
        }
    }

    @Test func firstFindsTheFirstByteOrTheEnd() {
        var rng = SplitMix64(seed: 25)
        for _ in 0..<3_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in [0x0A, 0x0D, 0x3A, 0x41, 0xFF].randomElement(using: &rng)! as UInt8 }
            let from = Int.random(in: 0...bytes.count, using: &rng), to = Int.random(in: from...bytes.count, using: &rng)
            for byte in [0x0A, 0x3A, 0x00] as [UInt8] {
                let expected = bytes[from..<to].firstIndex(of: byte) ?? to
                #expect(bytes.withUnsafeBytes { ByteScan.first(byte, in: $0, from: from, to: to) } == expected)
            }
        }
    }
}
