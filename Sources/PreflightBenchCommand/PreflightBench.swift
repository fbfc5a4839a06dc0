import ArgumentParser

@main
struct PreflightBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preflight-bench",
        abstract: "What CORS preflight handling costs, and how to make it cheap.",
        discussion: """
            Validate a CORS policy, decide preflights exactly as the Fetch standard \
            expects, and measure the engine.

            Examples:
              preflight-bench check --policy policy.json
              preflight-bench evaluate --policy policy.json --origin https://app.example.com --method PUT --headers content-type
            """,
        subcommands: [CheckCommand.self, EvaluateCommand.self, MatchersCommand.self]
    )
}
