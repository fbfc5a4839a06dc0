import ArgumentParser
import BenchmarkHost
import CORSPolicy
import PreflightLoad
import PreflightWorkload
import PreflightLoadClient

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Send a scenario's preflights to any HTTP server, measure it, and check every answer as a browser would.",
        discussion: """
            Each connection is a keep-alive HTTP/1.1 connection with one request in flight. \
            Closed loop by default: a connection sends its next preflight when the previous \
            response has arrived. --rate R makes it open loop at R requests per second in all, \
            each connection on a fixed schedule, latency measured from each request's intended \
            send time (no coordinated omission, as wrk2 does). Latencies go into HdrHistograms.

            Every response is checked with the Fetch standard's CORS check (status, \
            Access-Control-Allow-Origin, -Credentials, -Methods, -Headers, with the `*` and \
            credentials rules), with credentials when the policy allows them, and compared \
            with what the policy means: the scenario's policy, or --policy FILE for a server \
            configured from a file. Conformance is the share of responses a browser would treat \
            exactly as the policy intends; the first mismatches are printed with request and response.

            Errors are counted by kind: connect, timeout, closed (mid-answer), malformed-response, \
            unsupported-framing. A request the server closed the connection on before a byte of \
            answer (a keep-alive close racing the request) is sent once more on a new connection, \
            as HTTP clients do for idempotent methods, and counted as a retry, not an error.

            The report (--out DIR) is run's: run.json, run.csv, summary.md, charts, so `report` \
            and `compare` read it. `report --merge` adds the run.json of several load processes \
            that ran at the same time against one server (their histograms merge exactly).

            Examples:
              preflight-bench serve --scenario realistic --port 8080 &
              preflight-bench load --target http://127.0.0.1:8080 --scenario realistic --connections 1,16,64
              preflight-bench load --target http://127.0.0.1:8080 --rate 20000 --duration 10
            """
    )

    @Option(name: .long, help: ArgumentHelp("The server: http://host[:port][/path].", valueName: "url"))
    var target: String

    @Option(name: .long, help: .list("Comma-separated preset names or scenario files.", default: ["realistic"], valueName: "names"),
            transform: { try CommaList.parse($0, option: "scenario", expected: "a name") { $0 } })
    var scenario: [String] = ["realistic"]

    @Option(name: .long, help: ArgumentHelp("The policy the server was configured with, to check its answers (default: the scenario's).", valueName: "file"))
    var policy: String?

    @Option(name: .long, help: .list("Comma-separated connection counts, 1 to 10000.", default: [16], valueName: "n,n"),
            transform: CommaList.integers("connections", in: 1...10_000))
    var connections: [Int] = [16]

    @Option(name: .long, help: "Event loop threads for the connections (1 to 256).")
    var threads = 1

    @Option(name: .long, help: "Seconds measured per repetition (above 0, at most 3600).")
    var duration: Double = 3

    @Option(name: .long, help: ArgumentHelp("Stop each repetition after N responses in all (no warm-up) instead of after --duration.", valueName: "N"))
    var requests: Int?

    @Option(name: .long, help: ArgumentHelp("Open loop: requests per second in all, on a fixed schedule.", valueName: "R"))
    var rate: Double?

    @Option(name: .long, help: "Timed repetitions per point (1 to 100).")
    var repetitions = 3

    @Option(name: .customLong("warm-up"), help: "Seconds of traffic before each repetition is measured (0 to 60).")
    var warmUp: Double = 0.5

    @Option(name: .long, help: "Seconds to wait for a response before counting a timeout (above 0, at most 600).")
    var timeout: Double = 5

    @Option(name: .long, help: ArgumentHelp("The configuration's name in tables and charts, such as the server's cache.", valueName: "name"))
    var label = "server"

    @OptionGroup var output: FormatOption

    @Option(name: .long, help: ArgumentHelp("Also write run.json, run.csv, summary.md and SVG charts here.", valueName: "dir"))
    var out: String?

    func validate() throws {
        do { _ = try HTTPTarget(url: target) } catch { throw ValidationError(error.description) }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
        guard duration > 0, duration <= 3600 else { throw ValidationError("--duration must be above 0 and at most 3600 seconds") }
        if let requests, !(1...1_000_000_000).contains(requests) { throw ValidationError("--requests must be between 1 and 1000000000") }
        if let rate, !(rate > 0 && rate <= 10_000_000) { throw ValidationError("--rate must be above 0 and at most 10000000 requests per second") }
        guard (1...100).contains(repetitions) else { throw ValidationError("--repetitions must be between 1 and 100") }
        guard warmUp >= 0, warmUp <= 60 else { throw ValidationError("--warm-up must be between 0 and 60 seconds") }
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be above 0 and at most 600 seconds") }
        guard !label.isEmpty, !label.contains(",") else { throw ValidationError("--label must be a non-empty name without commas") }
        for name in scenario {
            do { try ScenarioSource.check(name) } catch { throw ValidationError(error.description) }
        }
    }

    func run() throws {
        let checkedPolicy = try policy.map(loadPolicy)
        // Before measuring: a run must not fail after its work for want of a folder.
        if let out { try reportingFailures { try Files.prepareDirectory(out) } }
        let progress = ProgressLine()
        var points: [LoadPoint] = []
        var mismatchLines: [String] = []
        for name in scenario {
            let stream = try reportingFailures { try ScenarioSource.stream(for: ScenarioSource.load(name)) }
            // The scenario's own name labels points and names chart files, as in `run`.
            let scenarioName = stream.scenario.name
            for count in connections {
                var configuration = HTTPLoadConfiguration(target: try HTTPTarget(url: target))
                configuration.connections = count
                configuration.threads = threads
                configuration.duration = duration
                configuration.warmUp = warmUp
                configuration.requests = requests
                configuration.rate = rate
                configuration.timeout = timeout
                let measured = try reportingFailures {
                    do {
                        return try HTTPLoadBenchmark.measure(scenario: scenarioName, stream: stream, policy: checkedPolicy ?? stream.policy,
                                                             configuration: configuration, repetitions: repetitions, label: label,
                                                             progress: { progress.update($0) })
                    } catch let error as HTTPLoadError { throw HostError(error.description) } catch { throw HostError("load: \(error)") }
                }
                points.append(measured.point)
                mismatchLines += measured.mismatches.map { "\(scenarioName) \(count) connections: \($0)" }
            }
        }
        progress.finish()
        let report = LoadReport(environment: MachineFacts.environment() + [("command", .string(MachineFacts.commandLine))],
                                harnessOverhead: [], points: points)
        try output.emit(report, out: out, tableText: report.consoleText
                            + (mismatchLines.isEmpty ? "" : "\n\nfirst mismatches:\n" + mismatchLines.joined(separator: "\n")))
    }
}
