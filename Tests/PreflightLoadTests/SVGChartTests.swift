import Foundation
@testable import PreflightLoad
import Testing
@testable import PreflightReport

/// Charts stay readable at any run size: checked on the SVG text itself.
@Suite struct SVGChartTests {
    /// A run the size of the reference run and worse: 20 series with long,
    /// partly identical names, values from 1 to 10^7, rates above 100 %.
    static let crowded = SVGChart(
        title: "a very long title that goes on and on about throughput versus workers on every scenario",
        xLabel: "workers", yLabel: "million decisions/s",
        series: (0..<20).map { i in
            SVGChart.Series(name: "realistic sharded s3fifo 100k trie with a long configuration label \(i % 10)",
                            points: [1, 2, 4, 8, 16].map { (Double($0), Double(i + 1) * 1e5 * Double($0)) })
        },
        logX: true)

    @Test func largeSetsAreSplitIntoChartsOfAtMostEightSeries() {
        let parts = Self.crowded.split(name: "throughput-hot.svg")
        #expect(parts.map(\.name) == ["throughput-hot.svg", "throughput-hot-2.svg", "throughput-hot-3.svg"])
        for part in parts {
            #expect(Self.count("<polyline", in: part.svg) <= SVGChart.maximumSeries)
            #expect(part.svg.contains("of 3)"))
        }
    }

    /// Every text and every drawn point lies inside the view box, legend
    /// labels are unique within a chart, and ticks are round.
    @Test func everythingFitsAndTellsApart() {
        let charts = Self.crowded.split(name: "t.svg").map(\.svg) + [
            SVGChart(title: "hit rate", xLabel: "capacity", yLabel: "%", series: [
                .init(name: "a", points: [(1000, 99.9), (10000, 100), (100_000, 100)]),
                .init(name: "b", points: [(1000, 50), (10000, 70), (100_000, 90)]),
            ], logX: true, yCap: 100).svg,
            SVGChart(title: "over time", xLabel: "seconds", yLabel: "%",
                     series: [.init(name: "s", points: (0..<60).map { (Double($0) * 61.7, Double($0 % 7) * 10) })], yCap: 100).svg,
        ]
        for svg in charts {
            for element in Self.texts(in: svg) {
                // About 7 px per character at 12 px, 6.2 at 11 px, 8.5 at 15 px bold.
                let perCharacter = element.fontSize == 15 ? 8.5 : element.fontSize == 11 ? 6.2 : 7.0
                let width = Double(element.content.count) * perCharacter
                let (from, to) = switch element.anchor {
                case "end": (element.x - width, element.x)
                case "middle": (element.x - width / 2, element.x + width / 2)
                default: (element.x, element.x + width)
                }
                #expect(from >= 0 && to <= SVGChart.width && element.y >= 0 && element.y <= SVGChart.height,
                        "\(element.content) at \(element.x), \(element.y) leaves the canvas")
            }
            let legends = Self.texts(in: svg).filter(\.isLegend).map(\.content)
            #expect(Set(legends).count == legends.count, "legend labels repeat: \(legends)")
            for number in Self.polylineCoordinates(in: svg) {
                #expect(number >= 0 && number <= SVGChart.width)
            }
        }
        // Worker ticks are the data's own whole numbers; the rate axis stops at 100.
        let workers = Self.texts(in: charts[0]).filter { $0.anchor == "middle" }.map(\.content)
        #expect(["1", "2", "4", "8", "16"].allSatisfy(workers.contains), "\(workers)")
        let rateTicks = Self.texts(in: charts[3]).filter { $0.anchor == "end" }.compactMap { Double($0.content) }
        #expect(rateTicks.max() == 100, "\(rateTicks)")
        let timeTicks = Self.texts(in: charts[4]).filter { $0.anchor == "middle" && Double($0.content) != nil }
        #expect(timeTicks.count <= 9, "a thinned time axis, not one label per sample: \(timeTicks.count)")
    }

    @Test func logTicksAreRoundNumbers() {
        let ticks = SVGChart.ticks(from: 2.0, to: 3.7, log: true, data: nil).map { SVGChart.tickLabel(pow(10, $0)) }
        #expect(ticks == ["100", "200", "500", "1000", "2000", "5000"], "\(ticks)")
        #expect(SVGChart.ticks(from: 0, to: 108, log: false, data: nil) == [0, 20, 40, 60, 80, 100])
        #expect(SVGChart.tickLabel(100_000) == "100k" && SVGChart.tickLabel(2_000_000) == "2M" && SVGChart.tickLabel(0.25) == "0.250")
    }

    struct Text {
        var x: Double, y: Double, anchor: String, content: String, isLegend: Bool, fontSize: Double
    }

    static func texts(in svg: String) -> [Text] {
        svg.split(separator: "\n").flatMap { line in line.components(separatedBy: "<text ").dropFirst() }.compactMap { piece -> Text? in
            guard let x = attribute("x", piece), let y = attribute("y", piece),
                  let open = piece.firstIndex(of: ">"), let close = piece.range(of: "</text>") else { return nil }
            let content = String(piece[piece.index(after: open)..<close.lowerBound]).replacingOccurrences(of: "&amp;", with: "&")
            return Text(x: x, y: y, anchor: attributeText("text-anchor", piece) ?? "start", content: content, isLegend: piece.contains("class=\"legend\""),
                        fontSize: attribute("font-size", piece) ?? 12)
        }
    }

    static func attributeText(_ name: String, _ piece: String) -> String? {
        guard let start = piece.range(of: " \(name)=\"") ?? (piece.hasPrefix("\(name)=\"") ? piece.range(of: "\(name)=\"") : nil) else { return nil }
        return String(piece[start.upperBound...].prefix { $0 != "\"" })
    }

    static func attribute(_ name: String, _ piece: String) -> Double? { attributeText(name, piece).flatMap(Double.init) }

    static func polylineCoordinates(in svg: String) -> [Double] {
        svg.components(separatedBy: "points=\"").dropFirst().flatMap { $0.prefix { $0 != "\"" }.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Double($0) } }
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }
}
