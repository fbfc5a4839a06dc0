import ArgumentParser
import BenchmarkHost
import CORSPolicy
import OriginMatching
import PreflightWorkload

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Decide preflight requests against a policy and print the responses as JSON.",
        discussion: """
            One request from the options, or many from --requests: a JSON Lines file with \
            one object per line, {"origin": "...", "method": "...", "headers": "..."}. \
            "headers" is the Access-Control-Request-Headers value; leave it out when the \
            request has none, or give an array of strings for several header lines. Each \
            request prints one JSON object, in order:
              {"allowed": true, "reason": "allowed", "status": 204, "headers": {...}}
            Reasons: allowed, malformed-origin, origin-not-allowed, malformed-method, \
            method-not-allowed, malformed-request-headers, header-not-allowed; a denial \
            also carries a "detail" that names the value at fault and the rule. Every \
            matcher gives byte-identical output.

            A line of --requests that is not a request prints {"line": N, "error": "..."} \
            in its place and the rest are still decided; with --strict the first such \
            line stops the run.

            Exit status: 0 when every request was decided (denials included), 1 when the \
            policy or the requests file cannot be read or, with --strict, at a bad line, \
            3 when some lines were not requests.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The policy file (JSON).", valueName: "file"))
    var policy: String

    @Option(name: .long, help: "The Origin header value.")
    var origin: String?

    @Option(name: .long, help: "The Access-Control-Request-Method value.")
    var method: String?

    @Option(name: .long, help: ArgumentHelp("The Access-Control-Request-Headers value; repeat for several header lines.", valueName: "list"))
    var headers: [String] = []

    @Option(name: .long, help: ArgumentHelp("A JSON Lines file of requests; - reads standard input.", valueName: "file"))
    var requests: String?

    @Flag(name: .long, help: "Stop at the first line of --requests that is not a request.")
    var strict = false

    @Option(name: .long, help: ArgumentHelp("The origin matcher: \(OriginMatcherKind.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"),
            transform: CommaList.name("matcher", of: OriginMatcherKind.self))
    var matcher: OriginMatcherKind = .default

    func validate() throws {
        if requests != nil {
            guard origin == nil, method == nil, headers.isEmpty else {
                throw ValidationError("give either --requests or --origin/--method/--headers, not both")
            }
        } else {
            guard origin != nil else { throw ValidationError("missing --origin (or give --requests FILE)") }
            guard method != nil else { throw ValidationError("missing --method: a preflight always carries Access-Control-Request-Method") }
        }
    }

    func run() throws {
        let evaluator = PreflightEvaluator(policy: try loadPolicy(policy), matcher: matcher)
        func decide(_ request: PreflightRequest) {
            let decision = evaluator.evaluate(request)
            let detail = evaluator.explanation(of: decision, for: request)
            print(RequestLines.outcome(decision, evaluator.response(to: request, decision: decision), detail: detail).jsonText)
        }
        guard let requests else {
            return decide(PreflightRequest(origin: origin!, method: method!, requestHeaders: headers.isEmpty ? nil : headers.joined(separator: ",")))
        }
        let bytes = try reportingFailures { try Files.read(requests, what: "requests file") }
        var badLines = 0
        var stoppedAt: RequestLineError?
        RequestLines.forEachLine(in: bytes, file: requests) { _, line in
            switch line {
            case let .success(request): decide(request)
            case let .failure(error):
                if strict { stoppedAt = error; return false }
                badLines += 1
                print(RequestLines.failure(error).jsonText)
            }
            return true
        }
        if let stoppedAt {
            StandardError.line(stoppedAt.description)
            throw ExitCode(1)
        }
        if badLines > 0 {
            StandardError.line("\(requests): \(badLines == 1 ? "1 line was" : "\(badLines) lines were") not a request (see the \"error\" objects)")
            throw ExitCode(3)
        }
    }
}
