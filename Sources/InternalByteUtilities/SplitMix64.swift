/// A small, fast, seedable generator (SplitMix64), so every workload and
/// every randomized test is reproducible from its seed. Used only while
/// generating, never while timing.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    package var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A uniform double in [0, 1).
    package mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// SplitMix64's finalizer: a bijection of 64-bit words whose every output
    /// bit depends on every input bit, for stand-in hashes of small ids.
    @inline(__always)
    package static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
