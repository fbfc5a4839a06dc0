import ArgumentParser
import BenchmarkHost
import CORSPolicy
import OriginMatching
import PreflightCache
import PreflightTrace
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
    @Option(name: .long, help: "The cache in front of the engine: none, locked or sharded.",
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

/// A recorded trace in place of a scenario (`run` and `simulate`).
struct TraceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Replay this trace's preflights instead of a scenario (JSON Lines, CSV, an nginx log in the README's log_format, or HAR); needs --policy.", valueName: "file"))
    var trace: String?

    @Option(name: .customLong("trace-format"), help: ArgumentHelp("The trace's format: jsonl, csv, nginx or har (default: recognized from the file).", valueName: "format"),
            transform: CommaList.name("trace-format", of: TraceFormat.self))
    var traceFormat: TraceFormat?

    @Flag(name: .long, help: "Make the trace's first bad line an error (default: count bad lines and show the first few).")
    var strict = false

    @Option(name: .customLong("policy"), help: ArgumentHelp("The policy file the trace's preflights are decided against.", valueName: "file"))
    var policy: String?

    func validate() throws {
        if trace != nil && policy == nil { throw ValidationError("--trace needs --policy FILE: the policy the recorded preflights are decided against") }
        if trace == nil && (policy != nil || traceFormat != nil || strict) { throw ValidationError("--policy, --trace-format and --strict go with --trace FILE") }
        if let trace, !Files.exists(trace) { throw ValidationError("--trace: no file at \(trace)") }
    }

    /// The trace's preflights as a stream, after a line on standard error about what it held.
    func load() throws -> TraceSource? {
        guard let trace, let policy else { return nil }
        let checked = try loadPolicy(policy)
        let source = try reportingFailures {
            try TraceSource(path: trace, format: traceFormat, strict: strict, policy: checked)
        }
        StandardError.line(source.summary.description)
        if source.truncated {
            StandardError.line("replaying the first \(TraceSource.maximumRequests) of its \(source.summary.preflights) preflights, cycled (`simulate --trace` streams all of them)")
        }
        return source
    }
}
