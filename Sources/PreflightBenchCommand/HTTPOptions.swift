import ArgumentParser
import BenchmarkHost
import CORSPolicy
import OriginMatching
import PreflightCache
import PreflightWorkload

/// Where `serve` and `load` take their policy from: a policy file, or the
/// policy a scenario generates (so a server and a load generator given the
/// same scenario agree on what is allowed).
struct PolicySourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The policy file (JSON).", valueName: "file"))
    var policy: String?

    @Option(name: .long, help: ArgumentHelp("A preset name or scenario file whose policy to use (\(Scenario.presets.map(\.name).joined(separator: ", "))).",
                                            valueName: "name"))
    var scenario: String?

    /// The policy file's, else the scenario's (nil when neither was given).
    func loadPolicy() throws -> CORSPolicy? {
        if let policy { return try PreflightBenchCommand.loadPolicy(policy) }
        guard let scenario else { return nil }
        return try reportingFailures { try ScenarioSource.policy(for: ScenarioSource.load(scenario)) }
    }

    /// The scenario's request stream, when a scenario was given.
    func loadStream() throws -> RequestStream? {
        guard let scenario else { return nil }
        return try reportingFailures { try ScenarioSource.stream(for: ScenarioSource.load(scenario)) }
    }
}

/// One cache configuration, as `serve` runs it (`run` sweeps lists of these).
struct CacheChoiceOptions: ParsableArguments {
    @Option(name: .long, help: "The cache in front of the engine: none, locked, sharded or bucketed.",
            transform: CommaList.name("cache", of: PreflightCacheKind.self))
    var cache: PreflightCacheKind = .sharded

    @Option(name: .long, help: "Cache capacity in entries (1 to 50000000).")
    var capacity: Int = CacheConfiguration().capacity

    @Option(name: .long, help: "Eviction policy: lru, sieve or s3fifo.", transform: CommaList.name("eviction", of: EvictionPolicy.self))
    var eviction: EvictionPolicy = CacheConfiguration().eviction

    @Option(name: .long, help: "Shards of the sharded cache, a power of two from 1 to 65536.")
    var shards: Int = CacheConfiguration().shards

    @Option(name: .long, help: ArgumentHelp("The origin matcher: \(OriginMatcherKind.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"),
            transform: CommaList.name("matcher", of: OriginMatcherKind.self))
    var matcher: OriginMatcherKind = .default

    func validate() throws {
        guard (1...50_000_000).contains(capacity) else { throw ValidationError("--capacity must be between 1 and 50000000") }
        guard (1...65536).contains(shards), shards & (shards - 1) == 0 else { throw ValidationError("--shards must be a power of two from 1 to 65536") }
    }

    var configuration: CacheConfiguration {
        var c = CacheConfiguration()
        c.capacity = capacity
        c.shards = shards
        c.eviction = eviction
        return c
    }
}
