import ArgumentParser
import JSONValue
import PreflightLoad
import PreflightWorkload

struct ScenariosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenarios",
        abstract: "List the built-in scenarios, or print one as JSON to start a custom one.",
        discussion: """
            preflight-bench scenarios                     # the presets and their parameters
            preflight-bench scenarios --write realistic > mine.json
            preflight-bench run --scenario mine.json
            In a scenario file, keys left out take the realistic preset's values.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Print this preset as a JSON scenario file.", valueName: "name"))
    var write: String?

    func run() throws {
        if let write {
            guard let preset = Scenario.preset(named: write) else {
                throw ValidationError("no preset named \"\(write)\"; presets: \(Scenario.presets.map(\.name).joined(separator: ", "))")
            }
            print(preset.jsonValue.prettyJSONText)
            return
        }
        let table = TextTable(
            header: ["name", "origins", "disallowed", "wildcard", "zipf", "methods", "header sets", "style", "flood", "churn", "max-age", "prewarm", "policy"],
            rows: Scenario.presets.map { s in
                [s.name, String(s.origins), formatNumber(s.disallowedShare), formatNumber(s.wildcardShare), formatNumber(s.zipfSkew),
                 s.methods.map(\.method).joined(separator: "/"), String(s.effectiveHeaderSets), s.headerStyle.rawValue, formatNumber(s.floodShare),
                 String(s.churnPeriods), s.maxAge.map(String.init) ?? "-", s.prewarm ? "yes" : "no",
                 s.patterns > 0 ? "\(s.patterns) generated patterns" : "from the population"]
            }, rightAligned: [1, 2, 3, 4, 6, 8, 9, 10])
        print(table.text)
        print("")
        for s in Scenario.presets { print("\(s.name): \(s.description)") }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render run.csv, summary.md and the charts again from a directory's run.json."
    )

    @Argument(help: ArgumentHelp("A directory written by `run --out`.", valueName: "dir"))
    var directory: String

    func run() throws {
        let bytes: [UInt8]
        do { bytes = try readInput(directory + "/run.json", what: "report") } catch let error as CLIError {
            printError(error.description)
            throw ExitCode(1)
        }
        do {
            let report = try LoadReport(json: try JSONValue.parse(bytes))
            try writeReport(report, to: directory)
        } catch let error as JSONSyntaxError {
            printError("\(directory)/run.json: \(error)")
            throw ExitCode(1)
        } catch let error as ScenarioReadError {
            printError("\(directory)/run.json: \(error)")
            throw ExitCode(1)
        }
    }
}
