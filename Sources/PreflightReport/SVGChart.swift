#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small line chart rendered to SVG text, with no dependencies, readable
/// at any run size: at most `maximumSeries` series (`split` makes several
/// charts of a larger set), each told apart by colour, dash and marker, with
/// unique legend labels; ticks at the data's own x values when there are
/// few (workers: 1, 2, 4), else at 1-2-5 steps (decades on log axes), and
/// every element inside the canvas.
package struct SVGChart: Sendable {
    package struct Series: Sendable {
        package var name: String
        package var points: [(Double, Double)]
        package init(name: String, points: [(Double, Double)]) {
            self.name = name
            self.points = points
        }
    }

    package var title: String
    package var xLabel: String
    package var yLabel: String
    package var series: [Series]
    package var logX = false
    package var logY = false
    /// Labels for x positions 0, 1, 2... instead of numeric x values.
    package var categoricalX: [String]? = nil
    /// The largest value the y axis may show (100 for rates in percent).
    package var yCap: Double? = nil

    package init(title: String, xLabel: String, yLabel: String, series: [Series], logX: Bool = false, logY: Bool = false,
                 categoricalX: [String]? = nil, yCap: Double? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logX = logX
        self.logY = logY
        self.categoricalX = categoricalX
        self.yCap = yCap
    }

    /// Series one chart holds: as many as there are colours.
    package static let maximumSeries = 8
    /// Okabe and Ito's colour-blind-safe palette (its yellow, unreadable on
    /// white, replaced by grey).
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999"]
    static let dashes = ["", "7 4", "2 3", "9 3 2 3"]
    static let width = 760.0, height = 420.0, left = 70.0, right = 250.0, top = 40.0, bottom = 50.0
    /// Characters that fit in the legend column at 11 px, and in the title line at 15 px bold.
    static let legendCharacters = 30, titleCharacters = 76

    /// The chart as files, at most `maximumSeries` series a file: `name`
    /// (`throughput-hot.svg`) for the first part, then `throughput-hot-2.svg`
    /// and so on, each titled with its part. Series marked in `baseline`
    /// appear on every part.
    package func split(name: String, baseline: [Bool]? = nil) -> [(name: String, svg: String)] {
        let isBaseline = baseline ?? [Bool](repeating: false, count: series.count)
        let fixed = zip(series, isBaseline).filter { $0.1 }.map(\.0)
        let rest = zip(series, isBaseline).filter { !$0.1 }.map(\.0)
        let room = max(1, Self.maximumSeries - fixed.count)
        let parts = rest.isEmpty ? [[]] : stride(from: 0, to: rest.count, by: room).map { Array(rest[$0..<min($0 + room, rest.count)]) }
        // Names carry scenario names, which may be file paths: made safe in one place.
        let stem = String(ReportFileName.safe(name, extension: "svg").dropLast(4))
        return parts.enumerated().map { i, part in
            var chart = self
            chart.series = Array((fixed + part).prefix(Self.maximumSeries))
            if parts.count > 1 { chart.title = Self.fit(title, Self.titleCharacters - 10) + " (\(i + 1) of \(parts.count))" }
            return (i == 0 ? stem + ".svg" : "\(stem)-\(i + 1).svg", chart.svg)
        }
    }

    /// Whether the y values span more than `logYDecades` decades (a linear
    /// axis would draw the slow series flat on zero), so the axis turns
    /// logarithmic by itself. Never for capped (percent) axes.
    package var spansDecades: Bool {
        guard yCap == nil else { return false }
        let ys = series.flatMap { $0.points.map(\.1) }.filter { $0 > 0 && $0.isFinite }
        guard let low = ys.min(), let high = ys.max() else { return false }
        return high / low > pow(10, Self.logYDecades)
    }

    /// Decades of y values beyond which the axis is logarithmic.
    package static let logYDecades = 2.0

    package var svg: String {
        precondition(series.count <= Self.maximumSeries, "split charts with more than \(Self.maximumSeries) series")
        let logY = self.logY || spansDecades
        let yLabel = logY && !self.logY ? self.yLabel + " (log scale)" : self.yLabel
        let (width, height, left, top) = (Self.width, Self.height, Self.left, Self.top)
        let plotW = width - left - Self.right, plotH = height - top - Self.bottom
        func tx(_ x: Double) -> Double { logX ? log10(max(x, 1e-9)) : x }
        // Zero (a point that stopped) sits on a log axis's floor, not at 1e-9.
        let smallestY = series.flatMap { $0.points.map(\.1) }.filter { $0 > 0 && $0.isFinite }.min() ?? 1e-9
        func ty(_ y: Double) -> Double { logY ? log10(max(y, smallestY)) : y }
        func xOf(_ i: Int, _ p: (Double, Double)) -> Double { categoricalX == nil ? tx(p.0) : Double(i) }
        let all = series.flatMap { s in s.points.enumerated().map { (xOf($0.offset, $0.element), ty(min($0.element.1, yCap ?? .infinity))) } }
        var xs = all.map(\.0), ys = all.map(\.1)
        if xs.isEmpty { xs = [0, 1]; ys = [0, 1] }
        if !logY { ys.append(0) }
        var (x0, x1, y0, y1) = (xs.min()!, xs.max()!, ys.min()!, ys.max()!)
        if x1 == x0 { x0 -= 1; x1 += 1 }
        if y1 == y0 { y1 = y0 + 1 }
        y1 += (y1 - y0) * 0.06
        if let yCap, !logY { y1 = min(y1, yCap) }
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y - y0) / (y1 - y0) * plotH }

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += text(left, 22, Self.fit(title, Self.titleCharacters), extra: " font-size=\"15\" font-weight=\"bold\"")
        out += line(left, top + plotH, left + plotW, top + plotH, "black") + line(left, top, left, top + plotH, "black")
        for y in Self.ticks(from: y0, to: y1, log: logY, data: nil) {
            out += line(left, py(y), left + plotW, py(y), "#ddd")
            out += text(left - 6, py(y) + 4, Self.tickLabel(logY ? pow(10, y) : y), extra: " text-anchor=\"end\"")
        }
        let xTicks: [(Double, String)]
        if let categoricalX {
            xTicks = categoricalX.enumerated().map { (Double($0.offset), $0.element) }
        } else {
            let data = Array(Set(series.flatMap { $0.points.map(\.0) })).sorted().map(tx)
            xTicks = Self.ticks(from: x0, to: x1, log: logX, data: data).map { ($0, Self.tickLabel(logX ? pow(10, $0) : $0)) }
        }
        for (x, label) in xTicks { out += text(px(x), top + plotH + 16, label, extra: " text-anchor=\"middle\"") }
        out += text(left + plotW / 2, height - 10, xLabel, extra: " text-anchor=\"middle\"")
        out += "<text transform=\"translate(16 \(top + plotH / 2)) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>\n"
        let legend = Self.legendLabels(series.map(\.name))
        for (i, s) in series.enumerated() {
            let style = "stroke=\"\(Self.palette[i % 8])\" stroke-width=\"2\"" + (Self.dashes[i % 4].isEmpty ? "" : " stroke-dasharray=\"\(Self.dashes[i % 4])\"")
            let coordinates = s.points.enumerated().map { (px(xOf($0.offset, $0.element)), py(ty(min($0.element.1, yCap ?? .infinity)))) }
            if coordinates.count > 1 {
                out += "<polyline fill=\"none\" \(style) points=\"\(coordinates.map { "\(formatFixed($0.0, 1)),\(formatFixed($0.1, 1))" }.joined(separator: " "))\"/>\n"
            }
            for c in coordinates { out += marker(i, c.0, c.1) }
            let ly = top + 16 * Double(i) + 6
            out += "<line x1=\"\(left + plotW + 10)\" y1=\"\(ly)\" x2=\"\(left + plotW + 34)\" y2=\"\(ly)\" \(style)/>" + marker(i, left + plotW + 22, ly)
            out += text(left + plotW + 40, ly + 4, legend[i], extra: " font-size=\"11\" class=\"legend\"")
        }
        return out + "</svg>\n"
    }

    func text(_ x: Double, _ y: Double, _ content: String, extra: String = "") -> String {
        "<text x=\"\(formatFixed(x, 1))\" y=\"\(formatFixed(y, 1))\"\(extra)>\(Self.escape(content))</text>\n"
    }

    func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ colour: String) -> String {
        "<line x1=\"\(formatFixed(x1, 1))\" y1=\"\(formatFixed(y1, 1))\" x2=\"\(formatFixed(x2, 1))\" y2=\"\(formatFixed(y2, 1))\" stroke=\"\(colour)\"/>\n"
    }

    /// Series `i`'s marker: circle, square, triangle or diamond, in its colour.
    func marker(_ i: Int, _ x: Double, _ y: Double) -> String {
        let colour = Self.palette[i % 8], (cx, cy) = (formatFixed(x, 1), formatFixed(y, 1))
        switch i % 4 {
        case 0: return "<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"3\" fill=\"\(colour)\"/>\n"
        case 1: return "<rect x=\"\(formatFixed(x - 3, 1))\" y=\"\(formatFixed(y - 3, 1))\" width=\"6\" height=\"6\" fill=\"\(colour)\"/>\n"
        case 2: return "<path d=\"M\(formatFixed(x, 1)) \(formatFixed(y - 4, 1)) L\(formatFixed(x + 4, 1)) \(formatFixed(y + 3, 1)) L\(formatFixed(x - 4, 1)) \(formatFixed(y + 3, 1)) Z\" fill=\"\(colour)\"/>\n"
        default: return "<path d=\"M\(cx) \(formatFixed(y - 4, 1)) L\(formatFixed(x + 4, 1)) \(cy) L\(cx) \(formatFixed(y + 4, 1)) L\(formatFixed(x - 4, 1)) \(cy) Z\" fill=\"\(colour)\"/>\n"
        }
    }

    /// Tick positions (in axis units, log10 on log axes) between `low` and
    /// `high`: the data's own values when there are at most ten of them,
    /// else 1-2-5 steps (linear) or decades, then 1-2-5 (log), at most nine.
    static func ticks(from low: Double, to high: Double, log: Bool, data: [Double]?) -> [Double] {
        if let data, !data.isEmpty, data.count <= 10 { return data }
        if log {
            let decades = Array(Int(low.rounded(.up))...max(Int(low.rounded(.up)), Int(high.rounded(.down)))).map(Double.init)
            let fine = decades.flatMap { d in [d, d + log10(2), d + log10(5)] } + [decades.first! - 1 + log10(2), decades.first! - 1 + log10(5)]
            let inside = fine.filter { $0 >= low - 1e-9 && $0 <= high + 1e-9 }.sorted()
            return inside.count <= 9 && inside.count >= 3 ? inside : decades.filter { $0 >= low - 1e-9 && $0 <= high + 1e-9 }
        }
        let raw = (high - low) / 6
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var ticks: [Double] = []
        var t = (low / step).rounded(.up) * step
        while t <= high + step * 1e-9 && ticks.count < 12 {
            ticks.append(t)
            t += step
        }
        return ticks
    }

    /// A tick's label: whole numbers without decimals (1M, 100k for round
    /// millions and thousands), others with up to three significant digits.
    static func tickLabel(_ value: Double) -> String {
        let rounded = value.rounded()
        if abs(value - rounded) < 1e-6 * max(1, abs(value)) {
            let n = Int(rounded)
            if n != 0 && n % 1_000_000 == 0 { return "\(n / 1_000_000)M" }
            if n != 0 && n % 1000 == 0 && abs(n) >= 10_000 { return "\(n / 1000)k" }
            return String(n)
        }
        return formatNumber(value)
    }

    /// `text` cut to `limit` characters, with an ellipsis when cut.
    static func fit(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// Legend labels that fit the column and differ: long names keep their
    /// start and their end (where series of one group differ) around an
    /// ellipsis, and names still alike are numbered.
    static func legendLabels(_ names: [String]) -> [String] {
        let limit = legendCharacters
        var labels = names.map { name -> String in
            guard name.count > limit else { return name }
            let tail = (limit - 1) / 2
            return String(name.prefix(limit - 1 - tail)) + "…" + String(name.suffix(tail))
        }
        for (i, label) in labels.enumerated() where labels[..<i].contains(label) {
            let number = " #\(i + 1)"
            labels[i] = String(label.prefix(limit - number.count)) + number
        }
        return labels
    }

    static func escape(_ s: String) -> String {
        s.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
    }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
