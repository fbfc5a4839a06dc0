import ArgumentParser
import BenchmarkHost
import Foundation

@main
struct PreflightBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preflight-bench",
        abstract: "What CORS preflight handling costs, and how to make it cheap.",
        discussion: """
            Validate a CORS policy, decide preflights exactly as the Fetch standard \
            expects, and measure the engine, its caches and its matchers. With no \
            arguments, runs a quick default: the realistic scenario on 1, 2 and 4 \
            workers with caches none, locked, sharded and bucketed (under a minute).

            Examples:
              preflight-bench run --scenario hot --workers 1,2 --cache locked,sharded
              preflight-bench matchers --patterns 10,10000
              preflight-bench check --policy policy.json
              preflight-bench evaluate --policy policy.json --origin https://app.example.com --method PUT --headers content-type
            """,
        subcommands: [RunCommand.self, CheckCommand.self, EvaluateCommand.self, MatchersCommand.self,
                      SimulateCommand.self, ScenariosCommand.self, ReportCommand.self, CompareCommand.self, ServeCommand.self, LoadCommand.self, ProbeCommand.self, TraceCommand.self],
        defaultSubcommand: RunCommand.self
    )

    /// `run` is the default, so a mistyped subcommand would otherwise reach
    /// `run` as an unexpected argument and print `run`'s usage; name it instead.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let names = configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
        if let first = arguments.first, !first.hasPrefix("-"), !names.contains(first) {
            StandardError.line("Error: unknown subcommand '\(first)'. Subcommands: \(names.dropLast().joined(separator: ", ")) (run is the default).")
            StandardError.line("See 'preflight-bench --help'.")
            Foundation.exit(64)
        }
        main(arguments)
    }
}
