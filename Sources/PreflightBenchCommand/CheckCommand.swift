import ArgumentParser
import BenchmarkHost
import CORSPolicy

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a CORS policy file.",
        discussion: """
            Exits 0 and prints a one-line summary for a valid policy. Exits 1 and \
            prints one line per problem on stderr, naming the key, the value and \
            the rule it breaks, for an invalid one. Warnings (advice that does not \
            make the policy invalid) go to stderr and do not change the exit status.

            A policy file is a JSON object:
              {"origins": ["https://app.example.com", "https://*.example.com", "http://localhost:*"],
               "methods": ["PUT", "DELETE"], "requestHeaders": ["content-type", "x-request-id"],
               "exposeHeaders": ["x-trace-id"], "credentials": true, "maxAge": 600,
               "preflightStatus": 204, "allowInsecureOrigins": false, "allowPublicSuffixWildcards": false}
            Only "origins" is required. See the README for every rule.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The policy file (JSON); - reads standard input.", valueName: "file"))
    var policy: String

    func run() throws {
        let validated = try loadPolicy(policy)
        for warning in validated.warnings { StandardError.line("\(policy): warning: \(warning)") }
        print("\(policy): valid: \(validated.summary)")
    }
}
