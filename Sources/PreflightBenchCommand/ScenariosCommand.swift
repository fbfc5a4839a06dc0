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
