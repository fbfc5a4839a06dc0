import ArgumentParser
import BenchmarkHost
import PreflightLoad
import PreflightReport

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two runs point by point, with a significance test for every change.",
        discussion: """
            BASE and NEW are run.json files, or directories written by `run --out`. \
            Points are matched on scenario, workers, cache, matcher, capacity, eviction, \
            shards and allocator; points on one side only are listed below the table.

            For each point: the median decisions per second of each side, the change, \
            the p-value of a two-sided Mann-Whitney U test over the repetitions of both \
            sides, the p99 latency of each side, and a verdict: improved or regressed \
            when p <= 0.05 and the change exceeds --threshold, ~ otherwise, ? when a \
            side lacks per-repetition figures. With 3 repetitions a side no change can \
            be significant (the smallest p is 0.1): measure both runs with \
            --repetitions 5 or more.

            Exit status: 0 when no point changed significantly beyond the threshold, \
            2 when some point regressed, 4 when some improved and none regressed, \
            1 when an input cannot be read.

            Example:
              preflight-bench run --scenario hot --repetitions 5 --out before
              (change something)
              preflight-bench run --scenario hot --repetitions 5 --out after
              preflight-bench compare before after --format markdown
            """
    )

    @Argument(help: ArgumentHelp("The baseline: a run.json, or a directory written by `run --out`.", valueName: "base"))
    var base: String

    @Argument(help: ArgumentHelp("The run to compare with it.", valueName: "new"))
    var new: String

    @Option(name: .long, help: ArgumentHelp("Changes within this many percent are reported as ~ even when significant.", valueName: "percent"))
    var threshold: Double = 5

    @Option(name: .long, help: "Output format: table, markdown (for a pull request) or json.")
    var format: ComparisonFormat = .table

    enum ComparisonFormat: String, ExpressibleByArgument, CaseIterable {
        case table, markdown, json
    }

    func validate() throws {
        guard (0...1000).contains(threshold) else { throw ValidationError("--threshold must be a percentage from 0 to 1000, got \(threshold)") }
    }

    func run() throws {
        let (baseReport, newReport) = try reportingFailures { (try ReportFile.load(base), try ReportFile.load(new)) }
        let comparison = RunComparison(base: baseReport, new: newReport, threshold: threshold / 100)
        switch format {
        case .table:
            print(comparison.table.text)
            for note in comparison.notes { print("note: " + note) }
        case .markdown:
            print("Comparing `\(base)` (base) with `\(new)` (new): throughput change and Mann-Whitney p over repetitions; "
                  + "threshold \(formatNumber(threshold)) %.\n")
            print(comparison.table.markdown)
            if !comparison.notes.isEmpty { print("\n" + comparison.notes.map { "- " + $0 }.joined(separator: "\n")) }
        case .json:
            print(comparison.jsonValue.prettyJSONText)
        }
        switch comparison.outcome {
        case .unchanged: return
        case .regressed: throw ExitCode(2)
        case .improvedOnly: throw ExitCode(4)
        }
    }
}
