import ArgumentParser
import BenchmarkHost
import Foundation
import JSONValue
import PreflightCache
import PreflightLoad
import PreflightWorkload
import PreflightReport
import PreflightSimulation

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Tune cache capacity, eviction and Max-Age over virtual hours, against the offline optimum.",
        discussion: """
            Replays the scenario's request stream (cycled) at --rate requests per virtual \
            second for --duration virtual seconds against every capacity, eviction policy and \
            Max-Age given, on one shard of the sharded cache's algorithms (with its admission \
            defaults: the doorkeeper for lru and sieve), over key ids rather than bytes, so \
            an hour takes seconds. Denied decisions live 5 s. optimal is Belady's offline \
            optimum for the capacity, aware of expiry: it evicts the entry requested again \
            farthest in the future, counts a request after an entry's expiry as useless, and \
            may decline to cache.

            --trace FILE --policy FILE replays a recorded trace's preflights instead, once, \
            in their order and at their own times (virtual time runs from the first; a trace \
            without times replays at --rate). Formats: see `run --help`.

            --browsers chromium,firefox,webkit models the browsers' own preflight caches \
            instead (cors-facts.md section 2: Chromium 1,024 entries keyed by origin and URL, \
            pruned 10 at a time, Max-Age capped at 7,200 s; Firefox 100 entries, LRU, per-token \
            expiry, capped at 86,400 s; WebKit unbounded, capped at 600 s), one cache per client, \
            and reports per browser and --max-age the share of requests that sent a preflight \
            and the preflights per second reaching the server. Traffic: a trace's actual \
            cross-origin requests (with its clients and URLs), or its preflights; or the \
            scenario's stream at --rate, from its clients to its paths (scenario keys \
            "clients" and "paths"). The preflights that reach the \
            server then replay through the server's cache at the first --capacity and \
            --eviction (server hit %): how many preflights your servers decide, and how many \
            of those your cache answers.
            """
    )

    /// Three orders of magnitude of capacity; Max-Age at the Fetch default (5 s), a common 10 minutes, and Chromium's cap (2 h).
    static let defaultCapacities = [1000, 10000, 100_000], defaultMaxAges = [5, 600, 7200]

    @Option(name: .long, help: ArgumentHelp("A preset name or a scenario file.", valueName: "name"))
    var scenario: String = "realistic"

    @Option(name: .long, help: .list("Comma-separated capacities, 1 to 50000000.", default: Self.defaultCapacities, valueName: "n,n"),
            transform: CommaList.integers("capacity", in: 1...50_000_000))
    var capacity: [Int] = Self.defaultCapacities

    @Option(name: .long, help: .list("Comma-separated eviction policies: lru, sieve, s3fifo.", default: EvictionPolicy.allCases, valueName: "names"),
            transform: CommaList.names("eviction", of: EvictionPolicy.self))
    var eviction: [EvictionPolicy] = EvictionPolicy.allCases

    @Option(name: .long, parsing: .unconditional, help: .list("Comma-separated Max-Age values in seconds, -1 to 86400, overriding the policy's.", default: Self.defaultMaxAges, valueName: "s,s"),
            transform: CommaList.integers("max-age", in: -1...86400))
    var maxAge: [Int] = Self.defaultMaxAges

    @Option(name: .long, help: "Virtual seconds to replay.")
    var duration: Double = 3600

    @Option(name: .long, help: "Requests per virtual second.")
    var rate: Double = 20000

    @OptionGroup var traceOptions: TraceOptions

    @Option(name: .long, help: ArgumentHelp("Model these browsers' preflight caches instead: chromium, firefox, webkit.", valueName: "names"),
            transform: CommaList.names("browsers", of: BrowserEngine.self))
    var browsers: [BrowserEngine] = []


    @OptionGroup var output: FormatOption

    @Option(name: .long, help: ArgumentHelp("Also write simulate.json, simulate.csv, simulate.md and charts here.", valueName: "dir"))
    var out: String?

    func validate() throws {
        do { try ScenarioSource.check(scenario) } catch { throw ValidationError(error.description) }
        guard duration > 0, rate > 0, duration * rate <= 2_000_000_000 else {
            throw ValidationError("--duration and --rate must be positive, with at most 2,000,000,000 requests in all")
        }
    }

    func run() throws {
        if !browsers.isEmpty { return try runBrowsers() }
        if traceOptions.trace != nil { return try runTrace() }
        let (base, stream) = try reportingFailures {
            if let out { try Files.prepareDirectory(out) }
            let base = try ScenarioSource.load(scenario)
            return (base, try ScenarioSource.stream(for: base))
        }
        signal(SIGINT) { _ in interrupted.store(true, ordering: .relaxed) }
        let simulation = Simulation(capacities: capacity, evictions: eviction, maxAges: maxAge, duration: duration, rate: rate)
        StandardError.line("replaying \(base.name): \(simulation.requestCount) requests per point")
        let points = simulation.run(stream: stream, progress: { StandardError.line($0) }, stop: { interrupted.load(ordering: .relaxed) })
        let report = Simulation.Report(scenario: base.name, distinctKeys: stream.distinctKeys, streamLength: stream.count,
                                       duration: duration, rate: rate, command: MachineFacts.commandLine, points: points)
        try emit(report)
        if interrupted.load(ordering: .relaxed) { throw ExitCode(130) }
    }

    /// `--browsers`: the browsers' caches over the traffic, per Max-Age.
    func runBrowsers() throws {
        // The preflights that reach the server replay through its cache at the first --capacity and --eviction.
        let server = (capacity: capacity[0], eviction: eviction[0])
        let serverText = "server cache \(capacity[0]) entries, \(eviction[0])"
        let report: BrowserReport
        if let out { try reportingFailures { try Files.prepareDirectory(out) } }
        if let path = traceOptions.trace, let policyPath = traceOptions.policy {
            // Streamed: memory holds the clients' caches and the distinct keys, not the trace.
            let run = BrowserStreamingRun(policy: try loadPolicy(policyPath), browsers: browsers, maxAges: maxAge, server: server, rate: rate)
            let summary = try reportingFailures {
                try TraceFile.read(path, format: traceOptions.traceFormat, strict: traceOptions.strict) { run.add($0) }
            }
            StandardError.line(summary.description)
            guard summary.preflights + summary.actualRequests > 0 else {
                StandardError.line("\(path) holds no cross-origin request: nothing to model")
                throw ExitCode(1)
            }
            report = BrowserReport(points: run.finish(), source: "\(path); \(serverText)", command: MachineFacts.commandLine)
        } else {
            let stream = try reportingFailures { try ScenarioSource.stream(for: ScenarioSource.load(scenario)) }
            let count = Int(min(duration * rate, 5_000_000))
            let run = BrowserStreamingRun(policy: stream.policy, browsers: browsers, maxAges: maxAge, server: server, rate: rate)
            run.add(stream: stream, count: count, rate: rate)
            report = BrowserReport(points: run.finish(),
                                   source: "\(stream.scenario.name): \(count) requests at \(formatNumber(rate))/s from \(stream.scenario.clients) clients "
                                       + "to \(stream.scenario.paths) paths; \(serverText)", command: MachineFacts.commandLine)
        }
        try output.emit(report, out: out)
    }

    /// `--trace`: the trace streamed through every point as it is read.
    func runTrace() throws {
        guard let path = traceOptions.trace, let policyPath = traceOptions.policy else { return }
        let policy = try loadPolicy(policyPath)
        if let out { try reportingFailures { try Files.prepareDirectory(out) } }
        let simulation = Simulation(capacities: capacity, evictions: eviction, maxAges: maxAge, duration: duration, rate: rate)
        let outcome = try reportingFailures {
            try TraceReplay.simulate(path: path, format: traceOptions.traceFormat, strict: traceOptions.strict, policy: policy, simulation: simulation)
        }
        StandardError.line(outcome.summary.description)
        if !outcome.optimum { StandardError.line("no optimum: the trace holds more than 4,000,000 preflights (the optimum needs each one's next use)") }
        let requests = outcome.points.first?.requests ?? 0
        let report = Simulation.Report(scenario: outcome.summary.path, distinctKeys: outcome.distinctKeys, streamLength: requests,
                                       duration: outcome.seconds, rate: Double(requests) / max(outcome.seconds, 1e-9),
                                       command: MachineFacts.commandLine, points: outcome.points)
        try emit(report)
    }

    /// Prints the report in --format and writes its files to --out.
    func emit(_ report: Simulation.Report) throws {
        try output.emit(report, out: out)
    }
}
