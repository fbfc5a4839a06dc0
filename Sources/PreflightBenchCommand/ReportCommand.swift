import ArgumentParser
import BenchmarkHost

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render run.csv, summary.md and the charts again from a directory's run.json."
    )

    @Argument(help: ArgumentHelp("A directory written by `run --out`.", valueName: "dir"))
    var directory: String

    func run() throws {
        try reportingFailures {
            if !Files.exists(directory + "/run.json") && Files.exists(directory + "/simulate.json") {
                throw HostError("\(directory) holds a simulate report (simulate.json): `report` renders directories written by `run --out`, "
                                + "and `simulate --out` already writes all of its files")
            }
            let report = try ReportFile.load(directory + "/run.json")
            try Files.write(report.files(), to: directory)
            StandardError.line("wrote \(directory)/run.json, run.csv, summary.md and the charts")
        }
    }
}
