import JSONValue
import PreflightCache
import PreflightLoad
import PreflightReport
import PreflightSimulation
import PreflightTestSupport
import PreflightWorkload
import Testing

/// Every kind of result goes through one report protocol: the same files
/// in `--out`, a page that holds every chart it names, and (where `report`
/// reads a kind back) JSON that survives the trip unchanged.
@Suite struct ResultReportTests {
    static func simulation() throws -> Simulation.Report {
        let stream = try RequestStream(scenario: smallScenario("realistic"))
        let simulation = Simulation(capacities: [50, 500], evictions: [.lru, .s3fifo], maxAges: [5, 600], duration: 10, rate: 1000)
        return Simulation.Report(scenario: "realistic", distinctKeys: stream.distinctKeys, streamLength: stream.count, duration: 10, rate: 1000,
                                 command: "preflight-bench simulate", points: simulation.run(stream: stream))
    }

    static func browsers() throws -> BrowserReport {
        let stream = try RequestStream(scenario: smallScenario("realistic"))
        let run = BrowserStreamingRun(policy: stream.policy, browsers: BrowserEngine.allCases, maxAges: [5, 600], server: (capacity: 50, eviction: .s3fifo), rate: 100)
        run.add(stream: stream, count: 3000, rate: 100)
        return BrowserReport(points: run.finish(), source: "realistic", command: "preflight-bench simulate --browsers")
    }

    static func matchers() -> MatcherReport {
        let results = [MatcherMeasurement]()
        return MatcherReport(results: results, skipped: ["1000000 patterns: skipped"], command: "preflight-bench matchers")
    }

    func checkFiles(_ report: some ResultReport, expected: [String]) {
        let files = report.files()
        let names = files.map(\.name)
        #expect(Array(names.prefix(4)) == expected)
        #expect(Set(names).count == names.count, "no file replaces another")
        let page = files.first { $0.name == "index.html" }!.contents
        let markdown = files.first { $0.name == report.markdownFileName }!.contents
        for chart in names where chart.hasSuffix(".svg") {
            #expect(page.contains("<figure id=\"\(chart)\">"), "\(chart) is on the page")
            #expect(markdown.contains("](\(chart))"), "\(chart) is linked from the Markdown")
        }
        #expect(page.contains(report.table.html) && page.contains(TextTable.htmlEscaped(report.command)))
        #expect(report.rendered(.json) == report.jsonValue.prettyJSONText && report.rendered(.csv) == report.csv)
        for note in report.notes { #expect(report.consoleText.contains(note)) }
    }

    @Test func everyKindWritesTheSameFiles() throws {
        checkFiles(try Self.simulation(), expected: ["simulate.json", "simulate.csv", "simulate.md", "index.html"])
        checkFiles(try Self.browsers(), expected: ["browsers.json", "browsers.csv", "browsers.md", "index.html"])
        checkFiles(Self.matchers(), expected: ["matchers.json", "matchers.csv", "matchers.md", "index.html"])
        checkFiles(LoadReport(environment: [("command", .string("preflight-bench run"))], harnessOverhead: [], points: []),
                   expected: ["run.json", "run.csv", "summary.md", "index.html"])
        #expect(try Self.simulation().files().contains { $0.name.hasSuffix(".svg") })
        #expect(try Self.browsers().files().contains { $0.name == "browsers-preflights.svg" })
    }

    /// `report DIR` rebuilds simulate and browsers reports from their JSON:
    /// the JSON comes back byte for byte, and so every file rendered from it.
    @Test func simulateAndBrowserReportsReadBackUnchanged() throws {
        let simulation = try Self.simulation()
        let reread = try Simulation.Report(json: try JSONValue.parse(Array(simulation.jsonValue.prettyJSONText.utf8)))
        #expect(reread.jsonValue.prettyJSONText == simulation.jsonValue.prettyJSONText)
        let again = try Simulation.Report(json: try JSONValue.parse(Array(reread.jsonValue.prettyJSONText.utf8)))
        #expect(again.files().map(\.contents) == reread.files().map(\.contents))
        let browsers = try Self.browsers()
        let rereadBrowsers = try BrowserReport(json: try JSONValue.parse(Array(browsers.jsonValue.prettyJSONText.utf8)))
        #expect(rereadBrowsers.jsonValue.prettyJSONText == browsers.jsonValue.prettyJSONText)
        #expect(rereadBrowsers.files().map(\.name) == browsers.files().map(\.name))
    }

    @Test func unreadableReportsNameTheirProblems() {
        #expect(throws: JSONReadError.self) { try Simulation.Report(json: .object([("points", .array([.object([("capacity", .string("x"))])]))])) }
        do {
            _ = try BrowserReport(json: .object([("source", .string("s")), ("points", .array([.object([])]))]))
            Issue.record("a point without fields was accepted")
        } catch { #expect(error.description.contains("points[0]")) }
    }
}
