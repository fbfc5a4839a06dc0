import InternalByteUtilities
@testable import PreflightCache
import Testing

/// `KeyFingerprint`: its field arithmetic against 128-bit integers, its fast
/// form (chunk loads, precomputed tails) against the definition, and distinct
/// fingerprints for keys built to be as alike as possible.
@Suite struct KeyFingerprintTests {
    static let p = UInt128(KeyFingerprint.prime)

    @Test func reductionAndProductsAgreeWithWideIntegers() {
        var rng = SplitMix64(seed: 11)
        let edges: [UInt64] = [0, 1, 2, KeyFingerprint.prime - 1, KeyFingerprint.prime, KeyFingerprint.prime + 1, .max, .max - 1, 1 << 61, 1 << 63]
        for high in edges + (0..<2000).map({ _ in rng.next() }) {
            for low in edges + (0..<4).map({ _ in rng.next() }) {
                let x = UInt128(high) << 64 | UInt128(low)
                #expect(UInt128(KeyFingerprint.reduce(high: high, low: low)) == x % Self.p)
            }
        }
        for _ in 0..<20_000 {
            let a = rng.next() % KeyFingerprint.prime, b = rng.next() % KeyFingerprint.prime
            #expect(UInt128(KeyFingerprint.multiply(a, b)) == UInt128(a) * UInt128(b) % Self.p)
            #expect(UInt128(KeyFingerprint.add(a, b)) == (UInt128(a) + UInt128(b)) % Self.p)
        }
    }

    /// The definition: all 16 coefficients (lengths, then 7-byte chunks,
    /// then zeros), every pair multiplied, everything reduced as it goes.
    static func reference(_ key: [UInt8], lengths: UInt64, keys: UnsafePointer<UInt64>) -> UInt64 {
        var x = [UInt128](repeating: 0, count: KeyFingerprint.coefficients)
        x[0] = UInt128(lengths)
        for (i, byte) in key.enumerated() { x[1 + i / 7] |= UInt128(byte) << (8 * (i % 7)) }
        var sum: UInt128 = 0
        for i in 0..<KeyFingerprint.pairs {
            let a = (x[2 * i] + UInt128(keys[2 * i])) % p, b = (x[2 * i + 1] + UInt128(keys[2 * i + 1])) % p
            sum = (sum + a * b % p) % p
        }
        return UInt64(sum)
    }

    /// The fingerprint of `origin`, `method`, `headers` through `CacheKey.build`.
    static func fingerprint(_ f: KeyFingerprint, _ origin: String, _ method: String, _ headers: String?,
                            garbage: UInt64 = 0) -> (shape: CacheKey.Shape, words: [UInt64], print: (UInt64, UInt64))? {
        var origin = origin, method = method, headers = headers ?? ""
        let hasHeaders = !headers.isEmpty
        return origin.withUTF8 { o in method.withUTF8 { m in headers.withUTF8 { h in
            var words = [UInt64](repeating: garbage, count: CacheKey.bufferWords)
            return words.withUnsafeMutableBufferPointer { buffer in
                guard let shape = CacheKey.build(origin: UnsafeRawBufferPointer(o), method: UnsafeRawBufferPointer(m),
                                                 requestHeaders: hasHeaders ? UnsafeRawBufferPointer(h) : nil,
                                                 into: buffer.baseAddress!) else { return nil }
                return (shape, Array(buffer), f.fingerprint(buffer.baseAddress!, shape))
            }
        } } }
    }

    @Test func fastFormMatchesTheDefinition() throws {
        var generator = SplitMix64(seed: 3)
        let f = KeyFingerprint(using: &generator)
        defer { f.deallocate() }
        var rng = SplitMix64(seed: 5)
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789-.:/")
        func text(_ n: Int) -> String { String((0..<n).map { _ in letters[Int(rng.next() % UInt64(letters.count))] }) }
        for _ in 0..<3000 {
            let origin = text(Int(rng.next() % 60) + 1), method = text(Int(rng.next() % 8) + 1)
            let headers: String? = rng.next() % 3 == 0 ? nil : "x-" + text(Int(rng.next() % 24))
            // Garbage in the buffer past the key must not change the fingerprint.
            guard let built = Self.fingerprint(f, origin, method, headers, garbage: rng.next()) else { continue }
            let bytes = built.words.withUnsafeBytes { Array($0.prefix(built.shape.wordCount * 8)) }
            #expect(built.print.0 == Self.reference(bytes, lengths: built.shape.lengths, keys: f.keys))
            #expect(built.print.1 == Self.reference(bytes, lengths: built.shape.lengths, keys: f.keys + KeyFingerprint.coefficients))
            #expect(built.print.0 < KeyFingerprint.prime && built.print.1 < KeyFingerprint.prime)
        }
    }

    /// Keys a byte apart, keys whose parts split the same bytes differently,
    /// keys differing only in trailing zero padding's place: all distinct.
    @Test func nearIdenticalKeysGetDistinctFingerprints() throws {
        var generator = SplitMix64(seed: 17)
        let f = KeyFingerprint(using: &generator)
        defer { f.deallocate() }
        var seen: [String: String] = [:]
        var collisions: [String] = []
        func add(_ origin: String, _ method: String, _ headers: String?) {
            guard let built = Self.fingerprint(f, origin, method, headers) else { return }
            let print = "\(built.print.0):\(built.print.1)"
            let name = "\(origin)|\(method)|\(headers ?? "-")"
            if let other = seen[print], other != name { collisions.append("\(other) and \(name)") }
            seen[print] = name
        }
        let base = Array("https://app.tenant.example.com")
        for i in base.indices {
            for replacement in ["a", "b", "z", "0", "-", "."] {
                var o = base
                o[i] = Character(replacement)
                for method in ["PUT", "PATCH", "DELETE"] {
                    for headers in [nil, "content-type", "content-typf", "x-request-id,content-type"] { add(String(o), method, headers) }
                }
            }
        }
        // The same bytes split differently between the parts.
        add("https://a.example", "PUTX", nil)
        add("https://a.exampleP", "UTX", nil)
        add("https://a.example", "PUT", "x")
        add("https://a.example", "PUTx", nil)
        for n in 1..<40 { add("https://" + String(repeating: "a", count: n), "PUT", String(repeating: "b", count: 40 - n)) }
        #expect(collisions.isEmpty, "\(collisions.prefix(3))")
        #expect(seen.count > 2000)
    }
}
