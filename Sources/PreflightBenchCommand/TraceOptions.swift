import ArgumentParser
import BenchmarkHost
import PreflightTrace

/// A recorded trace in place of a scenario (`run` and `simulate`).
struct TraceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Replay this trace's preflights instead of a scenario (JSON Lines, CSV, an nginx log in the README's log_format, or HAR); needs --policy.", valueName: "file"))
    var trace: String?

    @Option(name: .customLong("trace-format"), help: ArgumentHelp("The trace's format: jsonl, csv, nginx or har (default: recognized from the file).", valueName: "format"),
            transform: CommaList.name("trace-format", of: TraceFormat.self))
    var traceFormat: TraceFormat?

    @Flag(name: .long, help: "Make the trace's first bad line an error (default: count bad lines and show the first few).")
    var strict = false

    @Option(name: .customLong("policy"), help: ArgumentHelp("The policy file the trace's preflights are decided against.", valueName: "file"))
    var policy: String?

    func validate() throws {
        if trace != nil && policy == nil { throw ValidationError("--trace needs --policy FILE: the policy the recorded preflights are decided against") }
        if trace == nil && (policy != nil || traceFormat != nil || strict) { throw ValidationError("--policy, --trace-format and --strict go with --trace FILE") }
        if let trace, !Files.exists(trace) { throw ValidationError("--trace: no file at \(trace)") }
    }

    /// The trace's preflights as a stream, after a line on standard error about what it held.
    func load() throws -> TraceSource? {
        guard let trace, let policy else { return nil }
        let checked = try loadPolicy(policy)
        let source = try reportingFailures {
            try TraceSource(path: trace, format: traceFormat, strict: strict, policy: checked)
        }
        StandardError.line(source.summary.description)
        if source.truncated {
            StandardError.line("replaying the first \(TraceSource.maximumRequests) of its \(source.summary.preflights) preflights, cycled (`simulate --trace` streams all of them)")
        }
        return source
    }
}
