import ArgumentParser
import BenchmarkHost
import JSONValue
import PreflightLoad
import PreflightWorkload
import PreflightReport

struct ScenariosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenarios",
        abstract: "List the built-in scenarios, or print one as JSON to start a custom one.",
        discussion: """
            preflight-bench scenarios                     # the presets and their parameters
            preflight-bench scenarios --write realistic > mine.json
            preflight-bench run --scenario mine.json
            preflight-bench scenarios --requests realistic --count 1000 > requests.jsonl
            In a scenario file, keys left out take the realistic preset's values.
            --requests prints the start of a scenario's request stream as JSON Lines \
            ({"origin", "method", "headers"}), the format `evaluate --requests` reads and \
            Benchmarks/wrk-preflights.lua sends.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Print this scenario's requests (a preset or a scenario file) as JSON Lines.", valueName: "name"))
    var requests: String?

    @Option(name: .long, help: "How many requests --requests prints (1 to 10000000).")
    var count = 10_000

    @Option(name: .long, help: ArgumentHelp("Print this preset as a JSON scenario file.", valueName: "name"))
    var write: String?

    func validate() throws {
        guard (1...10_000_000).contains(count) else { throw ValidationError("--count must be between 1 and 10000000") }
        if let requests { do { try ScenarioSource.check(requests) } catch { throw ValidationError(error.description) } }
    }

    func run() throws {
        if let requests {
            let stream = try reportingFailures { try ScenarioSource.stream(for: ScenarioSource.load(requests)) }
            var text = ""
            for i in 0..<count {
                let r = stream.request(i & stream.mask)
                var fields: [(key: String, value: JSONValue)] = [("origin", .string(r.origin)), ("method", .string(r.method))]
                if let headers = r.requestHeaders { fields.append(("headers", .string(headers))) }
                text += JSONValue.object(fields).jsonText + "\n"
                if text.utf8.count > 1 << 16 { print(text, terminator: ""); text = "" }
            }
            print(text, terminator: "")
            return
        }
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
