import ArgumentParser
import BenchmarkHost
import CORSPolicy
import PreflightLoadClient
import PreflightProbe

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Send targeted preflights and requests that find CORS misconfigurations, and score the answers.",
        discussion: """
            `load` sends a scenario's traffic, which rarely carries an attack. `probe` \
            derives a catalogue from the policy the server should enforce and sends \
            each case once: the allowed requests (a correct server lets them \
            through), origin reflection, `null`, suffix and prefix tricks against each \
            allowed origin and wildcard (`https://app.example.com.evil.test`, \
            `https://evilapp.example.com`, `https://app.example.com_.evil.test`, an \
            unescaped dot, a subdomain, a list of origins), an `http:` downgrade, \
            another port, methods and headers beyond the policy, lowercase methods, \
            `authorization`, and oversized and repeated request headers.

            Each answer is read as the Fetch standard, Chromium and Firefox read it \
            (the rules the browser suite measures), without and with credentials, \
            and compared with what the engine decides for the policy. A browser \
            letting through what the policy refuses is a finding; with credentials it \
            is critical. Where the standard and a browser differ, both are shown. \
            Hostile cases may be refused in any way, but an answer slower than \
            --time-limit is a finding.

            Exit status: 0 when no finding reaches --fail-on, 1 when one does or a \
            case got no answer, 2 when no case got an answer (nothing listening?), \
            64 for bad options.

            Examples:
              preflight-bench probe --target http://127.0.0.1:8080 --policy policy.json
              preflight-bench probe --target http://127.0.0.1:8000/api --policy policy.json --fail-on high --format json
            """
    )

    @Option(name: .long, help: ArgumentHelp("The server: http://host[:port][/path].", valueName: "url"))
    var target: String

    @Option(name: .long, help: ArgumentHelp("The policy the server should enforce (JSON; see `check --help`).", valueName: "file"))
    var policy: String

    @Option(name: .customLong("fail-on"), help: ArgumentHelp("The least severity that fails the run: info, low, medium, high or critical.", valueName: "severity"),
            transform: { text in
                guard let severity = ProbeSeverity(name: text) else {
                    throw ValidationError("--fail-on must be one of \(ProbeSeverity.allCases.map(\.description).joined(separator: ", ")), not \"\(text)\"")
                }
                return severity
            })
    var failOn: ProbeSeverity = .medium

    @Option(name: .customLong("time-limit"), help: "Seconds each case may take, connecting included (above 0, at most 60).")
    var timeLimit: Double = 2

    @OptionGroup var output: FormatOption

    @Option(name: .long, help: ArgumentHelp("Also write probe.json, probe.csv, probe.md and index.html here.", valueName: "dir"))
    var out: String?

    func validate() throws {
        do { _ = try HTTPTarget(url: target) } catch { throw ValidationError(error.description) }
        guard timeLimit > 0, timeLimit <= 60 else { throw ValidationError("--time-limit must be above 0 and at most 60 seconds") }
    }

    func run() throws {
        let checkedPolicy = try loadPolicy(policy)
        if let out { try reportingFailures { try Files.prepareDirectory(out) } }
        let cases = ProbeCatalogue.cases(for: checkedPolicy)
        let observations = ProbeClient.observe(cases.map(\.request), target: try HTTPTarget(url: target), timeLimit: timeLimit)
        let results = zip(cases, observations).map { ProbeResult(probe: $0, observation: $1, timeLimit: timeLimit) }
        let report = ProbeReport(target: target, policySummary: checkedPolicy.summary, results: results, command: MachineFacts.commandLine, failOn: failOn)
        try output.emit(report, out: out)
        if report.exitStatus == 2 { StandardError.line("probe: no case got an answer from \(target): \(results[0].observation.failure ?? "")") }
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}
