package import InternalByteUtilities

/// Where a cache draws its hash secrets: the system's random generator, or,
/// for tests that need the same homes for the same keys on every run, a
/// seeded one.
///
/// A concrete type rather than a generic `inout some RandomNumberGenerator`
/// parameter: with one, ThreadSanitizer reported two caches built at once on
/// different threads as modifying the same global address, most likely the
/// stand-in address of the empty `SystemRandomNumberGenerator` passed inout.
package enum HashSecretSource: RandomNumberGenerator {
    case system
    case seeded(SplitMix64)

    package mutating func next() -> UInt64 {
        switch self {
        case .system:
            var generator = SystemRandomNumberGenerator()
            return generator.next()
        case var .seeded(generator):
            let value = generator.next()
            self = .seeded(generator)
            return value
        }
    }
}
