/// A small line chart rendered to SVG text, with no dependencies.
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

    package init(title: String, xLabel: String, yLabel: String, series: [Series], logX: Bool = false, logY: Bool = false, categoricalX: [String]? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logX = logX
        self.logY = logY
        self.categoricalX = categoricalX
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    package var svg: String {
        let width = 760.0, height = 420.0, left = 70.0, right = 260.0, top = 40.0, bottom = 50.0
        let plotW = width - left - right, plotH = height - top - bottom
        func tx(_ x: Double) -> Double { logX ? log10(max(x, 1e-9)) : x }
        func ty(_ y: Double) -> Double { logY ? log10(max(y, 1e-9)) : y }
        var points = series.flatMap { s in s.points.enumerated().map { (i, p) in (categoricalX == nil ? p.0 : Double(i), p.1) } }
        if points.isEmpty { points = [(0, 0), (1, 1)] }
        var xs = points.map { categoricalX == nil ? tx($0.0) : $0.0 }, ys = points.map { ty($0.1) }
        if !logY { ys.append(0) }
        var (x0, x1, y0, y1) = (xs.min()!, xs.max()!, ys.min()!, ys.max()!)
        if x1 == x0 { x0 -= 1; x1 += 1 }
        if y1 == y0 { y1 = y0 + 1 }
        y1 += (y1 - y0) * 0.08
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y - y0) / (y1 - y0) * plotH }
        func esc(_ s: String) -> String {
            s.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
        }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(left)\" y=\"22\" font-size=\"15\" font-weight=\"bold\">\(esc(title))</text>\n"
        out += "<line x1=\"\(left)\" y1=\"\(top + plotH)\" x2=\"\(left + plotW)\" y2=\"\(top + plotH)\" stroke=\"black\"/>\n"
        out += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotH)\" stroke=\"black\"/>\n"
        for k in 0...4 {
            let y = y0 + (y1 - y0) * Double(k) / 4
            let label = logY ? formatNumber(pow(10, y)) : formatNumber(y)
            out += "<line x1=\"\(left)\" y1=\"\(py(y))\" x2=\"\(left + plotW)\" y2=\"\(py(y))\" stroke=\"#ddd\"/>"
            out += "<text x=\"\(left - 6)\" y=\"\(py(y) + 4)\" text-anchor=\"end\">\(label)</text>\n"
        }
        let ticks: [(Double, String)]
        if let categoricalX {
            ticks = categoricalX.enumerated().map { (Double($0.offset), $0.element) }
        } else {
            let raw = Array(Set(series.flatMap { $0.points.map(\.0) })).sorted()
            ticks = raw.map { (tx($0), formatNumber($0)) }
        }
        for (x, label) in ticks {
            out += "<text x=\"\(px(x))\" y=\"\(top + plotH + 16)\" text-anchor=\"middle\">\(esc(label))</text>\n"
        }
        out += "<text x=\"\(left + plotW / 2)\" y=\"\(height - 10)\" text-anchor=\"middle\">\(esc(xLabel))</text>\n"
        out += "<text transform=\"translate(16 \(top + plotH / 2)) rotate(-90)\" text-anchor=\"middle\">\(esc(yLabel))</text>\n"
        for (i, s) in series.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            let coordinates = s.points.enumerated().map { (k, p) in
                (px(categoricalX == nil ? tx(p.0) : Double(k)), py(ty(p.1)))
            }
            if coordinates.count > 1 {
                out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(coordinates.map { "\(formatFixed($0.0, 1)),\(formatFixed($0.1, 1))" }.joined(separator: " "))\"/>\n"
            }
            for c in coordinates { out += "<circle cx=\"\(formatFixed(c.0, 1))\" cy=\"\(formatFixed(c.1, 1))\" r=\"3\" fill=\"\(color)\"/>\n" }
            let ly = top + 14 * Double(i)
            out += "<rect x=\"\(left + plotW + 12)\" y=\"\(ly)\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            out += "<text x=\"\(left + plotW + 26)\" y=\"\(ly + 9)\" font-size=\"11\">\(esc(s.name))</text>\n"
        }
        return out + "</svg>\n"
    }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
