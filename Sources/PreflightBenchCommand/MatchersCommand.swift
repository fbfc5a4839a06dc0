import ArgumentParser
import BenchmarkHost
import CORSPolicy
import JSONValue
import OriginMatching
import PreflightLoad
import PreflightWorkload

struct MatchersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matchers",
        abstract: "Compare origin matcher strategies on generated policies or on yours.",
        discussion: """
            Strategies: linear (scan the list, as most middleware does), regex (one anchored \
            regex per pattern), hashed (exact origins hashed, wildcards scanned), trie (labels \
            walked from the right; cost grows with the origin, not the policy; the default).

            For each size, a policy of that many patterns is generated (a --wildcard-share of \
            them "*." wildcards), with a request stream of 65,536 origins: 70 % allowed by the \
            policy, 30 % near misses (prefix/suffix tricks, other scheme or port, bare domain). \
            With --policy, your patterns are used instead, at their own size.

            Every strategy must first decide a prefix of the stream exactly as the reference \
            semantics do; then matches() is timed on origins parsed beforehand, in batches of \
            about 1 ms, for --repetitions runs of --seconds each. Columns: ns/decision (median, \
            min, max over repetitions), allocs/decision (counted by a malloc interposer over all \
            timed decisions), build µs (time to build the structure), memory (heap bytes the \
            structure holds; n/a where a regex engine hides it), allowed (share of the stream allowed).
            """
    )

    @Option(name: .long, help: ArgumentHelp("Use the origins of this policy file instead of generated ones.", valueName: "file"))
    var policy: String?

    static let defaultPatternCounts = [10, 100, 1000, 10000]

    @Option(name: .long, help: .list("Comma-separated pattern counts to generate, 1 to 1000000.", default: Self.defaultPatternCounts, valueName: "n,n,..."),
            transform: CommaList.integers("patterns", in: 1...1_000_000))
    var patterns: [Int] = Self.defaultPatternCounts

    @Option(name: .long, help: ArgumentHelp("Share of generated patterns that are *. wildcards, 0...1.", valueName: "share"))
    var wildcardShare: Double = 0.2

    @Option(name: .long, help: .list("Comma-separated strategies to measure.", default: OriginMatcherKind.allCases.map(\.rawValue), valueName: "names"),
            transform: CommaList.names("matcher", of: OriginMatcherKind.self))
    var matcher: [OriginMatcherKind] = OriginMatcherKind.allCases

    @Option(name: .long, help: "Timed repetitions per strategy and size (1 to 1000).")
    var repetitions: Int = 5

    @Option(name: .long, help: ArgumentHelp("Seconds per repetition (above 0, at most 60).", valueName: "seconds"))
    var seconds: Double = 0.2

    @Option(name: .long, help: ArgumentHelp("Seconds one strategy may take at one size; one that would need more is skipped with a note.", valueName: "seconds"))
    var budget: Double = 30

    @Option(name: .long, help: ArgumentHelp("Memory one strategy's structure may hold, in MiB, where it can be counted; one that would need more is skipped with a note.", valueName: "MiB"))
    var memoryBudget: Int = 4096

    @OptionGroup var output: FormatOption

    @Option(name: .long, help: ArgumentHelp("Write matchers.json, matchers.csv, matchers.md, index.html and the chart into this directory.", valueName: "dir"))
    var out: String?

    func validate() throws {
        guard (0...1).contains(wildcardShare) else { throw ValidationError("--wildcard-share must be between 0 and 1, got \(wildcardShare)") }
        guard (1...1000).contains(repetitions) else { throw ValidationError("--repetitions must be between 1 and 1000") }
        guard seconds > 0, seconds <= 60 else { throw ValidationError("--seconds must be above 0 and at most 60") }
        guard budget > 0 else { throw ValidationError("--budget must be above 0 seconds") }
        guard (1...1_048_576).contains(memoryBudget) else { throw ValidationError("--memory-budget must be between 1 and 1048576 MiB") }
    }

    func run() throws {
        let sets = try patternSets()
        if let out { try reportingFailures { try Files.prepareDirectory(out) } }
        if !allocationProbe.isActive { StandardError.line("note: allocation counting is unavailable in this build (sanitizer); allocs/decision shows n/a") }
        var comparison = MatcherComparison(matchers: matcher, repetitions: repetitions, secondsPerRepetition: seconds)
        comparison.budgetSeconds = budget
        comparison.budgetBytes = memoryBudget << 20
        var results: [MatcherMeasurement] = []
        var skipped: [String] = []
        for set in sets {
            do {
                let size = try comparison.measure(patterns: set, allocations: allocationProbe) { StandardError.line("measuring \($0)") }
                results += size.measured
                skipped += size.skipped
            } catch {
                StandardError.line("error: \(error)")
                throw ExitCode(1)
            }
        }
        let report = MatcherReport(results: results, skipped: skipped.map { $0 + " (raise it with --budget or --memory-budget)" },
                                   command: MachineFacts.commandLine)
        try output.emit(report, out: out)
    }

    /// The policy's patterns, or one generated set per --patterns count.
    func patternSets() throws -> [[OriginPattern]] {
        guard let policy else {
            return try patterns.map { count in
                try SyntheticPolicy.patterns(count: count, wildcardShare: wildcardShare).map { try OriginPattern.parse($0) }
            }
        }
        guard case let .patterns(list) = try loadPolicy(policy).origins else {
            StandardError.line("\(policy): the policy allows any origin (\"*\"), so there is nothing to match")
            throw ExitCode(1)
        }
        return [list]
    }
}
