import ArgumentParser
import BenchmarkHost
import Foundation
import JSONValue
import OriginMatching
import PreflightCache
import PreflightLoad
import PreflightTrace
import PreflightWorkload
import Synchronization

/// Set by SIGINT: workers stop at their next batch and what was measured is written.
let interrupted = Atomic<Bool>(false)

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Measure decisions per second, hit rates and latency across workers, caches and matchers.",
        discussion: """
            Every combination of the list options is measured; options that do not apply \
            collapse (eviction, capacity and shards mean nothing for --cache none). For each \
            point, a fresh cache is built (and filled first when the scenario prewarms), then \
            --repetitions runs of --duration seconds, each after a warm-up, with the workers on \
            DispatchQueue.concurrentPerform walking the pre-generated request stream from \
            different offsets. Throughput is reported as median, min and max over repetitions.

            Latency: one decision in 64 is timed on its own with the monotonic clock and \
            recorded in a per-worker HdrHistogram (3 significant digits), merged after the run. \
            Each sample includes one clock read (its cost is printed); sampling adds two clock \
            reads per 64 decisions, which the harness overhead line includes. The harness \
            overhead is the same loop with a no-op engine on one worker. For caches, the \
            samples are also split into hits and misses; with --cache none in the same run, \
            each cached point gets its break-even: the hit rate above which it beats \
            evaluating every request, (miss - evaluation) / (miss - hit) from the p50s.

            Exact figures: --decisions N makes each worker take exactly N timed decisions \
            (and the warm-up and harness loops fixed counts), so callgrind over N and 2N \
            decisions gives instructions per decision (Benchmarks/instructions-per-decision.sh).

            Allocations are counted on every run by a malloc interposer (per thread, so \
            counting does not contend). --allocator jemalloc runs the points under jemalloc \
            (LD_PRELOAD of Debian's libjemalloc2) and adds jemalloc's allocated-bytes figure.

            Presets: \(Scenario.presets.map(\.name).joined(separator: ", ")) (see `preflight-bench scenarios`), or a scenario JSON file.

            Traces: --trace FILE --policy FILE measures a recorded trace's preflights (in \
            their order, cycled) instead of a scenario. Formats, recognized from the file or \
            named by --trace-format: JSON Lines ({"time", "origin", "method", "headers", "url", \
            "client"}, time in Unix seconds or RFC 3339), CSV with a header row naming those \
            columns, HAR 1.2 (its OPTIONS entries with Origin and Access-Control-Request-Method), \
            and an nginx access log written with this log_format:
              \(TraceFormat.nginxLogFormat.trimmingCharacters(in: " "))
            Bad lines are counted and the first ones shown; --strict stops at the first. \
            `preflight-bench trace` writes a scenario as a trace.
            """
    )

    /// The library's defaults, which the list options share.
    static let defaults = LoadOptions()

    @Option(name: .long, help: .list("Comma-separated preset names or scenario files.", default: ["realistic"], valueName: "names"),
            transform: { try CommaList.parse($0, option: "scenario", expected: "a name") { $0 } })
    var scenario: [String] = ["realistic"]

    @Option(name: .long, help: .list("Comma-separated worker counts, 1 to 1024.", default: Self.defaults.workers, valueName: "n,n"),
            transform: CommaList.integers("workers", in: 1...1024))
    var workers: [Int] = Self.defaults.workers

    @Option(name: .long, help: .list("Comma-separated caches: none, locked, sharded, bucketed.", default: Self.defaults.caches, valueName: "names"),
            transform: CommaList.names("cache", of: PreflightCacheKind.self))
    var cache: [PreflightCacheKind] = Self.defaults.caches

    @Option(name: .long, help: .list("Comma-separated matchers: \(OriginMatcherKind.allCases.map(\.rawValue).joined(separator: ", ")).", default: Self.defaults.matchers.map(\.rawValue), valueName: "names"),
            transform: CommaList.names("matcher", of: OriginMatcherKind.self))
    var matcher: [OriginMatcherKind] = Self.defaults.matchers

    @Option(name: .long, help: .list("Comma-separated cache capacities in entries, 1 to 50000000.", default: Self.defaults.capacities, valueName: "n,n"),
            transform: CommaList.integers("capacity", in: 1...50_000_000))
    var capacity: [Int] = Self.defaults.capacities

    @Option(name: .long, help: .list("Comma-separated eviction policies: lru, sieve, s3fifo.", default: Self.defaults.evictions, valueName: "names"),
            transform: CommaList.names("eviction", of: EvictionPolicy.self))
    var eviction: [EvictionPolicy] = Self.defaults.evictions

    @Option(name: .long, help: .list("Comma-separated shard counts, powers of two from 1 to 65536.", default: Self.defaults.shards, valueName: "n,n"),
            transform: CommaList.integers("shards", in: 1...65536, powersOfTwo: true))
    var shards: [Int] = Self.defaults.shards

    @Option(name: .long, help: "Seconds timed per repetition (above 0, at most 3600).")
    var duration: Double = 1

    @Option(name: .long, help: "Timed repetitions per point (1 to 100).")
    var repetitions: Int = 3

    @Option(name: .long, help: ArgumentHelp(
        "Fixed-work mode: each worker makes exactly N timed decisions per repetition instead of running for --duration; warm-up and the harness loop become fixed counts too, so two runs with the same N execute the same instructions (for callgrind; see Benchmarks/instructions-per-decision.sh).",
        valueName: "N"))
    var decisions: Int?

    @Option(name: .long, help: .list("Comma-separated allocators: system, jemalloc.", default: [Allocator.system.rawValue], valueName: "names"),
            transform: CommaList.names("allocator", of: Allocator.self))
    var allocator: [Allocator] = [.system]

    @OptionGroup var traceOptions: TraceOptions

    @OptionGroup var output: FormatOption

    @Option(name: .long, help: ArgumentHelp("Also write run.json, run.csv, summary.md and SVG charts here.", valueName: "dir"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Compile (gcc -O3 -march=native) this C floor program (such as floor.c), run it before and after the points, and compare the hot points (evaluation alone and cache hits) with its best ns per decision.", valueName: "file"))
    var floor: String?

    @Flag(name: .long, help: .hidden)
    var child = false

    func validate() throws {
        guard duration > 0, duration <= 3600 else { throw ValidationError("--duration must be above 0 and at most 3600 seconds") }
        guard (1...100).contains(repetitions) else { throw ValidationError("--repetitions must be between 1 and 100") }
        if let decisions, !(1...1_000_000_000).contains(decisions) {
            throw ValidationError("--decisions must be between 1 and 1000000000")
        }
        for name in scenario {
            do { try ScenarioSource.check(name) } catch { throw ValidationError(error.description) }
        }
    }

    func run() throws {
        signal(SIGINT) { _ in interrupted.store(true, ordering: .relaxed) }
        let trace = try traceOptions.load()
        let report: LoadReport
        do {
            if let out { try Files.prepareDirectory(out) }
            var scenarios: [Scenario] = []
            if let trace { scenarios = [trace.stream.scenario] } else { for name in scenario { scenarios.append(try ScenarioSource.load(name)) } }
            var benchmark = BenchmarkRun(scenarios: scenarios, options: loadOptions,
                                         allocators: allocator.map(\.rawValue), floorSource: floor, optionsAsGiven: optionsAsGiven,
                                         allocations: allocationProbe, jemallocIsLoaded: Jemalloc.isLoaded)
            if let trace { benchmark.streams[trace.stream.scenario.name] = trace.stream }
            report = try benchmark.execute(progress: ProgressLine(), stop: { interrupted.load(ordering: .relaxed) })
        } catch {
            StandardError.line(error.description)
            throw ExitCode(1)
        }
        if child {
            print(report.jsonValue.jsonText)
            return
        }
        try output.emit(report, out: out, tableText: report.consoleText(suggestingNextSteps: out == nil))
        if interrupted.load(ordering: .relaxed) {
            StandardError.line("interrupted: wrote the \(report.points.count) points measured so far")
            throw ExitCode(130)
        }
    }

    var loadOptions: LoadOptions {
        var options = LoadOptions()
        options.workers = workers
        options.caches = cache
        options.matchers = matcher
        options.capacities = capacity
        options.evictions = eviction
        options.shards = shards
        options.duration = duration
        options.repetitions = repetitions
        options.fixedDecisions = decisions
        return options
    }

    /// The options as given, for the report's environment.
    var optionsAsGiven: [(key: String, value: JSONValue)] {
        [
            ("scenario", .string(scenario.commaSeparated)), ("workers", .string(workers.commaSeparated)),
            ("cache", .string(cache.commaSeparated)), ("matcher", .string(matcher.map(\.rawValue).commaSeparated)),
            ("capacity", .string(capacity.commaSeparated)), ("eviction", .string(eviction.commaSeparated)),
            ("shards", .string(shards.commaSeparated)), ("duration", .double(duration)), ("repetitions", .int(repetitions)),
            ("allocator", .string(allocator.map(\.rawValue).commaSeparated)), ("decisions", decisions.map { .int($0) } ?? .null),
        ]
    }
}
