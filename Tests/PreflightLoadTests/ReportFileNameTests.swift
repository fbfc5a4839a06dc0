@testable import PreflightLoad
import Testing
@testable import PreflightReport

/// Report file names come from names users chose (scenario names, paths):
/// whatever the name, the file stays inside `--out`, visible and writable.
@Suite struct ReportFileNameTests {
    @Test(arguments: [
        ("/tmp/s1.json", "tmp-s1.json"), ("realistic", "realistic"), ("../../etc/passwd", "etc-passwd"),
        ("a\u{0}b\nc\td", "a-b-c-d"), ("   ", "unnamed"), ("", "unnamed"), (".hidden", "hidden"), ("ünïcode ok", "n-code-ok"),
        ("C:\\Users\\x", "C-Users-x"),
    ])
    func namesAreMadeSafe(input: String, expected: String) {
        #expect(ReportFileName.safe(input) == expected)
    }

    /// Property: over random byte strings, every name is non-empty, bounded,
    /// made of safe bytes only, and never starts with a dot.
    @Test func everyNameIsSafe() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let length = Int.random(in: 0...400, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let name = ReportFileName.safe(String(decoding: bytes, as: UTF8.self), extension: "svg")
            let stem = name.utf8.dropLast(4)
            #expect(!stem.isEmpty && stem.count <= ReportFileName.maximumStemBytes)
            #expect(name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D })
            #expect(!name.hasPrefix(".") && name.hasSuffix(".svg"))
        }
    }

    @Test func chartsOfAScenarioNamedByPathAreSafeAndUnique() {
        let charts = ReportFileName.unique([("a.svg", "1"), ("a.svg", "2"), ("a_2.svg", "3"), ("b.svg", "4")])
        #expect(charts.map(\.name) == ["a.svg", "a_2.svg", "a_2_2.svg", "b.svg"])
        #expect(charts.map(\.svg) == ["1", "2", "3", "4"])
        let split = SVGChart(title: "t", xLabel: "x", yLabel: "y", series: [.init(name: "s", points: [(1, 1)])])
            .split(name: "throughput-/tmp/my scenarios/s1.json.svg")
        #expect(split.map(\.name) == ["throughput-tmp-my-scenarios-s1.json.svg"])
    }

    /// A chart whose values span more than two decades turns its y axis
    /// logarithmic by itself; one within two decades and a capped percent
    /// axis stay linear.
    @Test func wideSpansUseALogarithmicAxis() {
        func chart(_ ys: [Double], cap: Double? = nil) -> SVGChart {
            SVGChart(title: "t", xLabel: "x", yLabel: "y", series: ys.enumerated().map { .init(name: "s\($0.offset)", points: [(1, $0.element), (2, $0.element)]) }, yCap: cap)
        }
        #expect(chart([1e6, 5e3]).spansDecades && chart([1e6, 5e3]).svg.contains("y (log scale)"))
        #expect(!chart([1e6, 2e4]).spansDecades && !chart([1e6, 2e4]).svg.contains("log scale"))
        #expect(!chart([100, 0.1], cap: 100).spansDecades)
        #expect(!chart([1e6, 0]).spansDecades, "zero is not a decade")
    }
}
