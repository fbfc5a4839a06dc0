public import ArgumentParser
import CORSPolicy
import JSONValue
public import OriginMatching

extension OriginMatcherKind: ExpressibleByArgument {}

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
            method-not-allowed, malformed-request-headers, header-not-allowed. Every matcher \
            gives byte-identical output.
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

    @Option(name: .long, help: ArgumentHelp("The origin matcher: \(OriginMatcherKind.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"))
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
        do {
            let evaluator = PreflightEvaluator(policy: try loadPolicy(policy), matcher: matcher)
            if let requests {
                let bytes = try readInput(requests, what: "requests file")
                var lineNumber = 0
                for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                    lineNumber += 1
                    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                    let request = try parseRequestLine(Array(line), file: requests, line: lineNumber)
                    print(Self.render(evaluator, request))
                }
            } else {
                let request = PreflightRequest(origin: origin!, method: method!, requestHeaders: headers.isEmpty ? nil : headers.joined(separator: ","))
                print(Self.render(evaluator, request))
            }
        } catch let error as CLIError {
            printError(error.description)
            throw ExitCode(1)
        }
    }

    static func render(_ evaluator: PreflightEvaluator, _ request: PreflightRequest) -> String {
        let decision = evaluator.evaluate(request)
        let response = evaluator.response(to: request, decision: decision)
        return JSONValue.object([
            ("allowed", .bool(decision.isAllowed)),
            ("reason", .string(decision.reason.rawValue)),
            ("status", .int(response.status)),
            ("headers", .object(response.headers.map { ($0.name, JSONValue.string($0.value)) })),
        ]).jsonText
    }

    func parseRequestLine(_ line: [UInt8], file: String, line number: Int) throws -> PreflightRequest {
        let where_ = "\(file):\(number)"
        let value: JSONValue
        do { value = try JSONValue.parse(line) } catch {
            throw CLIError("\(where_): invalid JSON at column \(error.position.column): \(error.message)")
        }
        guard case let .object(members) = value else { throw CLIError("\(where_): expected a JSON object, found \(value.kindDescription)") }
        for (key, _) in members where !["origin", "method", "headers"].contains(key) {
            throw CLIError("\(where_): unknown key \"\(key)\"; known keys: origin, method, headers")
        }
        guard let origin = value["origin"]?.stringValue else { throw CLIError("\(where_): \"origin\" must be a string") }
        guard let method = value["method"]?.stringValue else { throw CLIError("\(where_): \"method\" must be a string") }
        var headers: String?
        switch value["headers"] {
        case nil, .null?: headers = nil
        case let .string(s)?: headers = s
        case let .array(lines)?:
            let strings = lines.compactMap(\.stringValue)
            guard strings.count == lines.count else { throw CLIError("\(where_): \"headers\" must be a string or an array of strings") }
            headers = strings.joined(separator: ",")
        case let other?: throw CLIError("\(where_): \"headers\" must be a string or an array of strings, found \(other.kindDescription)")
        }
        return PreflightRequest(origin: origin, method: method, requestHeaders: headers)
    }
}
