import ArgumentParser
import Foundation
import PreflightLoad
import BenchmarkHost
import PreflightTrace
import PreflightWorkload
import PreflightReport

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Write a scenario's preflight stream as a trace, in a format run --trace and simulate --trace read.",
        discussion: """
            One request per line, in the stream's order, at --rate requests per second from \
            --start (Unix seconds), each from one of --clients clients. jsonl and csv round-trip: \
            `simulate --trace FILE --policy POLICY` replays them exactly as `simulate --scenario` \
            replays the stream (write the policy with `check --policy` ... or use the scenario's). \
            libcachesim writes libCacheSim's CSV layout (time, object id, size 1; one id per \
            distinct preflight key), to cross-check simulate:
              \(TraceWriter.libCacheSimUsage)

            --check FILE reads a trace instead (format recognized, or --trace-format) and \
            prints what it holds, its first bad lines, and how fast it was read.

            Examples:
              preflight-bench trace --scenario realistic --out trace.jsonl --count 10000
              preflight-bench trace --check /var/log/nginx/preflight.log
              preflight-bench trace --scenario churn --out trace.csv --format csv --rate 500 --clients 200
            """
    )

    @Option(name: .long, help: ArgumentHelp("A preset name or a scenario file.", valueName: "name"))
    var scenario = "realistic"

    @Option(name: .long, help: ArgumentHelp("The file to write (- for standard output).", valueName: "file"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Read this trace and report what it holds and the read speed, instead of writing one.", valueName: "file"))
    var check: String?

    @Option(name: .customLong("trace-format"), help: ArgumentHelp("With --check: jsonl, csv, nginx or har (default: recognized).", valueName: "format"),
            transform: CommaList.name("trace-format", of: TraceFormat.self))
    var traceFormat: TraceFormat?

    @Option(name: .long, help: "jsonl, csv or libcachesim.", transform: CommaList.name("format", of: TraceWriter.Format.self))
    var format: TraceWriter.Format = .jsonl

    @Option(name: .long, help: "Requests per second of the trace's clock (above 0).")
    var rate: Double = 1000

    @Option(name: .long, help: "Distinct clients the requests come from, 1 to 10000000 (default: the scenario's clients).")
    var clients: Int?

    @Option(name: .long, help: "Requests to write (default: the scenario's stream, once).")
    var count: Int?

    @Option(name: .long, help: "Unix seconds of the first request.")
    var start: Double = 1_780_000_000

    @Option(name: .long, help: ArgumentHelp("Also write the scenario's policy here, for --policy when replaying.", valueName: "file"))
    var policyOut: String?

    func validate() throws {
        guard (out == nil) != (check == nil) else { throw ValidationError("give --out FILE to write a trace, or --check FILE to read one") }
        if let check, !Files.exists(check) { throw ValidationError("--check: no file at \(check)") }
        do { try ScenarioSource.check(scenario) } catch { throw ValidationError(error.description) }
        guard rate > 0, rate <= 1e9 else { throw ValidationError("--rate must be above 0 and at most 1000000000") }
        if let clients, !(1...10_000_000).contains(clients) { throw ValidationError("--clients must be between 1 and 10000000") }
        if let count, !(1...100_000_000).contains(count) { throw ValidationError("--count must be between 1 and 100000000") }
    }

    func run() throws {
        if let check { return try read(check) }
        let out = self.out!
        let stream = try reportingFailures { try ScenarioSource.stream(for: ScenarioSource.load(scenario)) }
        let total = count ?? stream.scenario.requests
        var population = stream.scenario
        if let clients { population.clients = clients }
        var text = TraceWriter.header(format).map { $0 + "\n" } ?? ""
        var chunks: [String] = []
        for i in 0..<total {
            let index = i & stream.mask
            let r = stream.request(index)
            // The scenario's clients (or --clients) and paths.
            let (client, path) = population.clientAndPath(i)
            let record = TraceRecord(time: start + Double(i) / rate, origin: r.origin, method: r.method, headers: r.requestHeaders,
                                     url: "/api/p\(path)", client: "client-\(client)")
            text += TraceWriter.line(record, format: format, key: Int(stream.keyIDs[index])) + "\n"
            if text.utf8.count > 1 << 20 { chunks.append(text); text = "" }
        }
        chunks.append(text)
        try reportingFailures {
            if out == "-" { for chunk in chunks { print(chunk, terminator: "") } } else { try Files.write(chunks.joined(), to: out) }
            if let policyOut { try Files.write(stream.policy.configuration.jsonValue.prettyJSONText + "\n", to: policyOut) }
        }
        if out != "-" { StandardError.line("wrote \(total) requests of \(stream.scenario.name) to \(out) (\(format.rawValue))" + (policyOut.map { " and its policy to \($0)" } ?? "")) }
    }

    /// `--check`: the summary and the read speed (parsing only: records are counted, not kept).
    func read(_ path: String) throws {
        let started = ContinuousClock.now
        let summary = try reportingFailures { try TraceFile.read(path, format: traceFormat) { _ in } }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        print(summary.description)
        print("read \(formatNumber(Double(bytes) / 1e6)) MB in \(formatNumber(seconds)) s: \(formatNumber(Double(bytes) / 1e6 / max(seconds, 1e-9))) MB/s, "
              + "\(formatNumber(Double(summary.lines) / max(seconds, 1e-9) / 1e6)) million lines/s")
    }
}
