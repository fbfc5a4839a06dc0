import InternalByteUtilities
import OriginMatching
import PreflightWorkload

/// A request stream of parsed origins over one buffer that outlives the measurement.
struct OriginStream {
    let texts: PackedStrings
    let origins: [RequestOrigin]
    /// The reference decision (some pattern's `matches`) for a prefix of the
    /// stream: the reference is a linear scan, too slow for all of it at 10,000 patterns.
    let expected: [Bool]
    /// Origins checked against the reference: 1,024, fewer for long lists so
    /// the check (a scan of every pattern per origin) stays near 20 million pattern tests.
    static func referencePrefix(patterns: Int) -> Int { max(64, min(1024, 20_000_000 / max(patterns, 1))) }
    let mask: Int
    let allowedShare: Double

    init(patterns: [OriginPattern], length: Int, allowedShare: Double, seed: UInt64) {
        precondition(length > 0 && length & (length - 1) == 0, "stream length must be a power of two")
        var rng = SplitMix64(seed: seed)
        var texts: [String] = []
        texts.reserveCapacity(length)
        while texts.count < length {
            guard let pattern = patterns.randomElement(using: &rng)?.text else { texts.append("https://nobody.example"); continue }
            let origin = rng.nextUnit() < allowedShare ? SyntheticPolicy.allowedOrigin(for: pattern, &rng) : SyntheticPolicy.nearMiss(for: pattern, &rng)
            // Only well-formed origins reach a matcher; the engine refuses the rest before matching.
            if RequestOrigin.withParsed(origin, { if case .origin = $0 { return true } else { return false } }) { texts.append(origin) }
        }
        self.texts = PackedStrings(texts.map(\.utf8))
        var origins: [RequestOrigin] = []
        var expected: [Bool] = []
        for i in 0..<self.texts.count {
            if case let .origin(o) = RequestOrigin.parse(self.texts[i]) {
                origins.append(o)
                if expected.count < Self.referencePrefix(patterns: patterns.count) { expected.append(patterns.contains { $0.matches(o) }) }
            }
        }
        self.origins = origins
        self.expected = expected
        self.mask = length - 1
        self.allowedShare = Double(expected.filter { $0 }.count) / Double(max(expected.count, 1))
    }

    func deallocate() { texts.deallocate() }
}
