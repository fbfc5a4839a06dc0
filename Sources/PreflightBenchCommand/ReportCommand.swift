import ArgumentParser
import BenchmarkHost
import JSONValue
import PreflightLoad

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render run.csv, summary.md and the charts again from a directory's run.json."
    )

    @Argument(help: ArgumentHelp("A directory written by `run --out`.", valueName: "dir"))
    var directory: String

    func run() throws {
        try reportingFailures {
            let path = directory + "/run.json"
            let report: LoadReport
            do { report = try LoadReport(json: try JSONValue.parse(try Files.read(path, what: "report"))) } catch let error as JSONSyntaxError {
                throw HostError("\(path): \(error)")
            } catch let error as ReportReadError {
                throw HostError("\(path): \(error)")
            }
            try Files.write(report.files(), to: directory)
            StandardError.line("wrote \(directory)/run.json, run.csv, summary.md and the charts")
        }
    }
}
