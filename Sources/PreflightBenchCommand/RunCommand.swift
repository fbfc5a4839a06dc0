import ArgumentParser
import CORSPolicy
import Foundation
import JSONValue
import OriginMatching
import PreflightCache
import PreflightLoad
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
            """
    )

    @Option(name: .long, help: ArgumentHelp("Comma-separated preset names or scenario files.", valueName: "names"))
    var scenario: String = "realistic"

    @Option(name: .long, help: ArgumentHelp("Comma-separated worker counts.", valueName: "n,n"))
    var workers: String = "1,2,4"

    @Option(name: .long, help: ArgumentHelp("Comma-separated caches: none, locked, sharded.", valueName: "names"))
    var cache: String = "none,locked,sharded"

    @Option(name: .long, help: ArgumentHelp("Comma-separated matchers: \(OriginMatcherKind.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "names"))
    var matcher: String = "trie"

    @Option(name: .long, help: ArgumentHelp("Comma-separated cache capacities (entries).", valueName: "n,n"))
    var capacity: String = "100000"

    @Option(name: .long, help: ArgumentHelp("Comma-separated eviction policies: lru, sieve, s3fifo.", valueName: "names"))
    var eviction: String = "s3fifo"

    @Option(name: .long, help: ArgumentHelp("Comma-separated shard counts (powers of two).", valueName: "n,n"))
    var shards: String = "64"

    @Option(name: .long, help: "Seconds timed per repetition.")
    var duration: Double = 1

    @Option(name: .long, help: "Timed repetitions per point.")
    var repetitions: Int = 3

    @Option(name: .long, help: ArgumentHelp(
        "Fixed-work mode: each worker makes exactly N timed decisions per repetition instead of running for --duration; warm-up and the harness loop become fixed counts too, so two runs with the same N execute the same instructions (for callgrind; see Benchmarks/instructions-per-decision.sh).",
        valueName: "N"))
    var decisions: Int?

    @Option(name: .long, help: ArgumentHelp("Comma-separated allocators: system, jemalloc.", valueName: "names"))
    var allocator: String = "system"

    @Option(name: .long, help: "Output format on stdout: table, json or csv.")
    var format: OutputFormat = .table

    @Option(name: .long, help: ArgumentHelp("Also write run.json, run.csv, summary.md and SVG charts here.", valueName: "dir"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Compile (gcc -O3 -march=native) this C floor program (such as floor.c), run it before and after the points, and compare the hot points (evaluation alone and cache hits) with its best ns per decision.", valueName: "file"))
    var floor: String?

    @Flag(name: .long, help: .hidden)
    var child = false

    struct Parsed {
        var scenarios: [Scenario]
        var options: LoadOptions
        var allocators: [String]
    }

    func parse() throws -> Parsed {
        var options = LoadOptions()
        options.workers = try parseList(workers, option: "workers") { Int($0).flatMap { (1...1024).contains($0) ? $0 : nil } }
        options.caches = try parseList(cache, option: "cache") { PreflightCacheKind(rawValue: $0) }
        options.matchers = try parseList(matcher, option: "matcher") { OriginMatcherKind(rawValue: $0) }
        options.capacities = try parseList(capacity, option: "capacity") { Int($0).flatMap { (1...50_000_000).contains($0) ? $0 : nil } }
        options.evictions = try parseList(eviction, option: "eviction") { EvictionPolicy(rawValue: $0) }
        options.shards = try parseList(shards, option: "shards") { Int($0).flatMap { $0 > 0 && $0 <= 65536 && $0 & ($0 - 1) == 0 ? $0 : nil } }
        let allocators = try parseList(allocator, option: "allocator") { ["system", "jemalloc"].contains($0) ? $0 : nil }
        guard duration > 0, duration <= 3600 else { throw ValidationError("--duration must be above 0 and at most 3600 seconds") }
        guard (1...100).contains(repetitions) else { throw ValidationError("--repetitions must be between 1 and 100") }
        if let decisions {
            guard (1...1_000_000_000).contains(decisions) else { throw ValidationError("--decisions must be between 1 and 1000000000") }
        }
        options.duration = duration
        options.repetitions = repetitions
        options.fixedDecisions = decisions
        var scenarios: [Scenario] = []
        for name in try parseList(scenario, option: "scenario", { $0 }) {
            if let preset = Scenario.preset(named: name) { scenarios.append(preset); continue }
            guard FileManager.default.fileExists(atPath: name) else {
                throw ValidationError("--scenario: \"\(name)\" is neither a preset (\(Scenario.presets.map(\.name).joined(separator: ", "))) nor a file")
            }
            do { scenarios.append(try Scenario(json: try readInput(name, what: "scenario file"))) } catch let error as ScenarioError {
                throw ValidationError("\(name): " + error.problems.joined(separator: "\n\(name): "))
            }
        }
        return Parsed(scenarios: scenarios, options: options, allocators: allocators)
    }

    func validate() throws { _ = try parse() }

    func run() throws {
        let parsed = try parse()
        signal(SIGINT) { _ in interrupted.store(true, ordering: .relaxed) }
        let progress = Progress()
        // The floor runs before and after the points (it prints its best of five
        // passes); the better of the two is compared, so a slow spell of a
        // shared machine during one of them does not flatter the ratio.
        let floorProgram = try floor.map { try FloorProgram(source: $0) }
        var floorRuns: [Double] = []
        if let floorProgram {
            floorRuns.append(try floorProgram.measure())
            progress.note("floor: \(formatNumber(floorRuns[0])) ns/decision (\(floor!))")
        }
        var points: [LoadPoint] = []
        var overhead: [(scenario: String, nanos: Double)] = []
        for allocatorName in parsed.allocators {
            if allocatorName == "jemalloc" && !Jemalloc.isLoaded {
                points += try Jemalloc.runChild(arguments: CommandLine.arguments, progress: progress)
                continue
            }
            var options = parsed.options
            options.allocator = allocatorName
            let runner = LoadRunner(options: options, allocations: allocationProbe)
            for scenario in parsed.scenarios {
                if interrupted.load(ordering: .relaxed) { break }
                progress.note("generating \(scenario.name): \(scenario.requests) requests")
                let stream: RequestStream
                do { stream = try RequestStream(scenario: scenario) } catch {
                    printError("\(scenario.name): \(error)")
                    throw ExitCode(1)
                }
                let harness = runner.harnessOverhead(stream: stream)
                overhead.append((scenario.name, harness))
                progress.note("\(scenario.name): \(stream.distinctKeys) distinct keys, harness overhead \(formatNumber(harness)) ns/decision")
                let total = runner.pointsPerScenario
                var done = 0
                runner.measure(stream: stream, stop: { interrupted.load(ordering: .relaxed) }) { point in
                    done += 1
                    points.append(point)
                    progress.point("[\(done)/\(total)] \(scenario.name) \(point.configurationLabel) \(point.workers)w: "
                                   + "\(formatNumber(point.decisionsPerSecond.median / 1e6)) Mdec/s, hit \(point.hitRate.map { formatNumber($0 * 100) + " %" } ?? "-")")
                }
            }
        }
        if let floorProgram { floorRuns.append(try floorProgram.measure()) }
        progress.finish()
        let floorNanos = floorRuns.min()
        var env = environment(parsed)
        if let floorNanos {
            env.append(("floorNanosPerDecision", .double(floorNanos, fractionDigits: 3)))
            env.append(("floorRuns", .array(floorRuns.map { .double($0, fractionDigits: 3) })))
        }
        let report = LoadReport(environment: env, harnessOverhead: overhead, points: points)
        if child {
            print(report.jsonValue.jsonText)
            return
        }
        switch format {
        case .table:
            print(report.table.text)
            print("")
            for line in report.breakEvenLines { print(line) }
            for (scenario, nanos) in overhead { print("harness overhead (\(scenario), no-op engine, 1 worker): \(formatNumber(nanos)) ns/decision") }
            print("latency samples include one clock read of \(formatNumber(LoadRunner.clockReadNanos())) ns")
            if let floorNanos {
                // One worker: the target's terms, and the only count that does not oversubscribe small machines.
                // floor.c prints its best pass, so the like-for-like figure of ours is the best repetition.
                print("floor.c: \(formatNumber(floorNanos)) ns/decision (best of its runs before and after the points: "
                      + floorRuns.map(formatNumber).joined(separator: ", ") + ")")
                for p in points where p.scenario == "hot" && p.workers == 1 {
                    let best = 1e9 / p.decisionsPerSecond.max
                    print("hot \(p.configurationLabel) \(p.workers)w: best \(formatNumber(best)) ns/decision = \(formatNumber(best / floorNanos))x floor; "
                          + "median \(formatNumber(p.nsPerDecision)) ns = \(formatNumber(p.nsPerDecision / floorNanos))x")
                }
            }
            if out == nil {
                print("\nNext: --out DIR for run.json, summary.md and charts; --scenario hot,flood,churn,large-policy; "
                      + "--workers 1,2,4,8; --eviction lru,sieve,s3fifo; --capacity 1000,10000,100000; "
                      + "`preflight-bench simulate` to tune capacity and Max-Age over virtual hours.")
            }
        case .json: print(report.jsonValue.prettyJSONText)
        case .csv: print(report.csv)
        }
        if let out { try writeReport(report, to: out) }
        if interrupted.load(ordering: .relaxed) {
            printError("interrupted: wrote the \(points.count) points measured so far")
            throw ExitCode(130)
        }
    }

    func environment(_ parsed: Parsed) -> [(key: String, value: JSONValue)] {
        let commandLine = CommandLine.arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        return [
            ("cpu", .string(MachineInfo.cpuModel)), ("cores", .int(ProcessInfo.processInfo.activeProcessorCount)),
            ("memoryBytes", .int(Int(ProcessInfo.processInfo.physicalMemory))),
            ("os", .string(ProcessInfo.processInfo.operatingSystemVersionString)), ("swift", .string(MachineInfo.swiftVersion)),
            ("gitCommit", .string(MachineInfo.gitCommit)), ("date", .string(ISO8601DateFormatter().string(from: Date()))),
            ("allocator", .string(parsed.allocators.joined(separator: ","))),
            ("allocationCounting", .string(allocationProbe.isActive ? "malloc interposer, per thread" : "unavailable")),
            ("clockReadNanos", .double(LoadRunner.clockReadNanos(), fractionDigits: 1)),
            ("command", .string(commandLine)),
            ("options", .object([
                ("scenario", .string(scenario)), ("workers", .string(workers)), ("cache", .string(cache)), ("matcher", .string(matcher)),
                ("capacity", .string(capacity)), ("eviction", .string(eviction)), ("shards", .string(shards)),
                ("duration", .double(duration)), ("repetitions", .int(repetitions)), ("allocator", .string(allocator)),
                ("decisions", decisions.map { .int($0) } ?? .null),
                ("latencySampleEvery", .int(parsed.options.latencySampleEvery)), ("warmup", .double(parsed.options.warmup)),
            ])),
            ("scenarios", .array(parsed.scenarios.map(\.jsonValue))),
        ]
    }
}

/// Writes run.json, run.csv, summary.md and the charts.
func writeReport(_ report: LoadReport, to directory: String) throws {
    do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let charts = report.charts()
        let command = report.environment.first { $0.key == "command" }?.value.stringValue ?? "preflight-bench run"
        try Data((report.jsonValue.prettyJSONText + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/run.json"))
        try Data((report.csv + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/run.csv"))
        try Data(report.summaryMarkdown(command: command, charts: charts.map(\.name)).utf8).write(to: URL(fileURLWithPath: directory + "/summary.md"))
        for chart in charts { try Data(chart.svg.utf8).write(to: URL(fileURLWithPath: directory + "/" + chart.name)) }
        printError("wrote \(directory)/run.json, run.csv, summary.md and \(charts.count) charts")
    } catch {
        printError("cannot write to \(directory): \(error.localizedDescription)")
        throw ExitCode(1)
    }
}

/// Progress on stderr: a live line on a terminal, one line per point otherwise.
final class Progress {
    let live = isatty(2) != 0

    func note(_ line: String) { printError(line) }

    func point(_ line: String) {
        if live {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        } else {
            printError(line)
        }
    }

    func finish() {
        if live { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

enum MachineInfo {
    static var cpuModel: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }) else { return "unknown" }
        return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: " ") } ?? "unknown"
    }

    static var swiftVersion: String {
        #if compiler(>=6.4)
        return "6.4 or later"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    static var gitCommit: String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "rev-parse", "--short=12", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "unknown" }
        process.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: "\n")
        return process.terminationStatus == 0 && !text.isEmpty ? text : "unknown"
    }
}

/// The C floor: a plain open-addressing table over the hot key shape, built and
/// run here so its figure comes from the same run as ours.
final class FloorProgram {
    let source: String
    let binary = NSTemporaryDirectory() + "preflight-floor-\(getpid())"

    init(source: String) throws {
        self.source = source
        guard FileManager.default.fileExists(atPath: source) else {
            printError("--floor: no such file \(source)")
            throw ExitCode(1)
        }
        guard Self.run("/usr/bin/env", ["gcc", "-O3", "-march=native", source, "-o", binary, "-lm"]).status == 0 else {
            printError("--floor: gcc could not build \(source) (is gcc installed?)")
            throw ExitCode(1)
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: binary) }

    /// Runs the built program once: its best pass, in ns per decision.
    func measure() throws -> Double {
        let result = Self.run(binary, [])
        guard result.status == 0, let nanos = Double(result.output.trimmingCharacters(in: "\n")) else {
            printError("--floor: \(source) did not print a number of nanoseconds")
            throw ExitCode(1)
        }
        return nanos
    }

    static func run(_ path: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return (-1, "") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
