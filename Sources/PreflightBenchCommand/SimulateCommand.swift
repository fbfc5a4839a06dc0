import ArgumentParser
import Foundation
import JSONValue
import PreflightCache
import PreflightLoad
import PreflightWorkload

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
            """
    )

    @Option(name: .long, help: ArgumentHelp("A preset name or a scenario file.", valueName: "name"))
    var scenario: String = "realistic"

    @Option(name: .long, help: ArgumentHelp("Comma-separated capacities.", valueName: "n,n"))
    var capacity: String = "1000,10000,100000"

    @Option(name: .long, help: ArgumentHelp("Comma-separated eviction policies: lru, sieve, s3fifo.", valueName: "names"))
    var eviction: String = "lru,sieve,s3fifo"

    @Option(name: .long, help: ArgumentHelp("Comma-separated Max-Age values in seconds (they override the policy's).", valueName: "s,s"))
    var maxAge: String = "5,600,7200"

    @Option(name: .long, help: "Virtual seconds to replay.")
    var duration: Double = 3600

    @Option(name: .long, help: "Requests per virtual second.")
    var rate: Double = 20000

    @Option(name: .long, help: "Output format: table, json or csv.")
    var format: OutputFormat = .table

    @Option(name: .long, help: ArgumentHelp("Also write simulate.json, simulate.csv, simulate.md and charts here.", valueName: "dir"))
    var out: String?

    func validate() throws {
        _ = try parseList(capacity, option: "capacity") { Int($0).flatMap { (1...50_000_000).contains($0) ? $0 : nil } }
        _ = try parseList(eviction, option: "eviction") { EvictionPolicy(rawValue: $0) }
        _ = try parseList(maxAge, option: "max-age") { Int($0).flatMap { (-1...86400).contains($0) ? $0 : nil } }
        guard duration > 0, rate > 0, duration * rate <= 2_000_000_000 else {
            throw ValidationError("--duration and --rate must be positive, with at most 2,000,000,000 requests in all")
        }
    }

    func run() throws {
        let base: Scenario
        if let preset = Scenario.preset(named: scenario) { base = preset } else {
            do { base = try Scenario(json: try readInput(scenario, what: "scenario file")) } catch let error as ScenarioError {
                printError("\(scenario): \(error)")
                throw ExitCode(1)
            } catch let error as CLIError {
                printError(error.description)
                throw ExitCode(1)
            }
        }
        signal(SIGINT) { _ in interrupted.store(true, ordering: .relaxed) }
        let simulation = Simulation(capacities: try parseList(capacity, option: "capacity") { Int($0) },
                                    evictions: try parseList(eviction, option: "eviction") { EvictionPolicy(rawValue: $0) },
                                    maxAges: try parseList(maxAge, option: "max-age") { Int($0) }, duration: duration, rate: rate)
        printError("generating \(base.name) and replaying \(simulation.requestCount) requests per point")
        let stream: RequestStream
        do { stream = try RequestStream(scenario: base) } catch {
            printError("\(base.name): \(error)")
            throw ExitCode(1)
        }
        let points = simulation.run(stream: stream, progress: { printError($0) }, stop: { interrupted.load(ordering: .relaxed) })
        let json = JSONValue.object([
            ("scenario", .string(base.name)), ("duration", .double(duration)), ("rate", .double(rate)),
            ("distinctKeys", .int(stream.distinctKeys)),
            ("command", .string(CommandLine.arguments.joined(separator: " "))),
            ("points", .array(points.map(\.jsonValue))),
        ])
        switch format {
        case .table: print(Simulation.table(points).text)
        case .json: print(json.prettyJSONText)
        case .csv: print(Simulation.table(points).csv)
        }
        if let out {
            do {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                try Data((json.prettyJSONText + "\n").utf8).write(to: URL(fileURLWithPath: out + "/simulate.json"))
                try Data((Simulation.table(points).csv + "\n").utf8).write(to: URL(fileURLWithPath: out + "/simulate.csv"))
                let charts = Simulation.charts(points)
                var md = "# preflight-bench simulate\n\nCommand:\n\n```\n\(CommandLine.arguments.joined(separator: " "))\n```\n\n"
                md += "Scenario \(base.name): \(stream.distinctKeys) distinct keys in a stream of \(stream.count) requests, cycled.\n\n"
                md += Simulation.table(points).markdown + "\n\n" + charts.map { "![\($0.name)](\($0.name))" }.joined(separator: "\n\n") + "\n"
                try Data(md.utf8).write(to: URL(fileURLWithPath: out + "/simulate.md"))
                for chart in charts { try Data(chart.svg.utf8).write(to: URL(fileURLWithPath: out + "/" + chart.name)) }
                printError("wrote \(out)/simulate.json, simulate.csv, simulate.md and \(charts.count) charts")
            } catch {
                printError("cannot write to \(out): \(error.localizedDescription)")
                throw ExitCode(1)
            }
        }
        if interrupted.load(ordering: .relaxed) { throw ExitCode(130) }
    }
}
