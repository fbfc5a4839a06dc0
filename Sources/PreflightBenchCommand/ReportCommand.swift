import ArgumentParser
import BenchmarkHost
import PreflightLoad

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render a report's CSV, Markdown, index.html and charts again from its JSON, or merge load reports.",
        discussion: """
            With --merge, the run.json of several `load` processes that ran at the same time \
            against one server (one per core or per machine) become one report in --out: \
            connections and requests per second add up, latency histograms merge exactly.

            A directory holds one kind of report, found by its JSON file: run.json \
            (`run --out`, `load --out`), simulate.json (`simulate --out`) or browsers.json \
            (`simulate --browsers --out`).

            Examples:
              preflight-bench report results/run1
              preflight-bench report --merge load-a load-b --out load-both
            """
    )

    @Argument(help: ArgumentHelp("Directories written by `run`, `load` or `simulate` with --out.", valueName: "dir"))
    var directories: [String]

    @Flag(name: .long, help: "Merge the load reports of the directories into --out.")
    var merge = false

    @Option(name: .long, help: ArgumentHelp("Where --merge writes the merged report.", valueName: "dir"))
    var out: String?

    func validate() throws {
        guard !directories.isEmpty else { throw ValidationError("name a directory written by `run --out` or `load --out`") }
        if merge {
            guard directories.count >= 2, out != nil else { throw ValidationError("--merge needs two or more directories and --out DIR") }
        } else {
            guard directories.count == 1 else { throw ValidationError("several directories need --merge (and --out)") }
            guard out == nil else { throw ValidationError("--out goes with --merge; without it, the directory is rendered in place") }
        }
    }

    func run() throws {
        try reportingFailures {
            if merge {
                let reports = try directories.map { (source: $0, report: try load($0)) }
                let merged: LoadReport
                do { merged = try LoadReport.merging(reports) } catch let error as ReportReadError { throw HostError(error.description) }
                try Files.prepareDirectory(out!)
                try Files.write(merged.files(), to: out!)
                print(merged.consoleText(suggestingNextSteps: false))
                StandardError.line("wrote \(out!)/run.json, run.csv, summary.md and the charts (merged from \(directories.count) reports)")
                return
            }
            let directory = directories[0]
            let report = try ReportFile.loadAnyKind(directory)
            try Files.write(report.files(), to: directory)
            StandardError.line("wrote \(directory)/\(report.fileSummary)")
        }
    }

    func load(_ directory: String) throws(HostError) -> LoadReport {
        try ReportFile.load(directory + "/run.json")
    }
}
