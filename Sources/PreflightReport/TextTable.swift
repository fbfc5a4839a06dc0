import PreflightTrace
import JSONValue

/// Plain-text and CSV renderings of rows of cells, for the tool's output.
package struct TextTable: Sendable {
    package var header: [String]
    package var rows: [[String]]
    /// Columns aligned right (numbers); the others align left.
    package var rightAligned: Set<Int>

    package init(header: [String], rows: [[String]] = [], rightAligned: Set<Int> = []) {
        self.header = header
        self.rows = rows
        self.rightAligned = rightAligned
    }

    /// Columns padded to their widest cell, two spaces apart.
    package var text: String {
        let widths = header.indices.map { c in ([header] + rows).map { $0.count > c ? $0[c].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: max(0, widths[c] - cell.count))
                return rightAligned.contains(c) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
    }

    /// A Markdown table.
    package var markdown: String {
        let align = header.indices.map { rightAligned.contains($0) ? "---:" : "---" }
        return ([header, align] + rows).map { "| " + $0.joined(separator: " | ") + " |" }.joined(separator: "\n")
    }

    /// An HTML table, cells escaped, numeric columns aligned right.
    package var html: String {
        func cells(_ row: [String], _ tag: String) -> String {
            row.enumerated().map { c, cell in
                "<\(tag)\(rightAligned.contains(c) ? " class=\"n\"" : "")>\(TextTable.htmlEscaped(cell))</\(tag)>"
            }.joined()
        }
        return "<table>\n<tr>" + cells(header, "th") + "</tr>\n" + rows.map { "<tr>" + cells($0, "td") + "</tr>" }.joined(separator: "\n") + "\n</table>"
    }

    package static func htmlEscaped(_ s: String) -> String {
        s.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;").replacingAll("\"", "&quot;")
    }

    /// RFC 4180 CSV with a header line.
    package var csv: String {
        ([header] + rows).map { $0.map(CSVColumns.quoted).joined(separator: ",") }.joined(separator: "\n")
    }

}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// Formats a number for tables: fixed decimals chosen by magnitude.
package func formatNumber(_ value: Double) -> String {
    guard value.isFinite else { return "-" }
    let magnitude = abs(value)
    let digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3
    return formatFixed(value, digits)
}

/// Fixed-point text without Foundation; one implementation for JSON and tables.
func formatFixed(_ value: Double, _ digits: Int) -> String {
    JSONValue.formatFixed(value, fractionDigits: digits)
}

/// Bytes in B, KiB or MiB.
package func formatBytes(_ bytes: Int) -> String {
    if bytes < 1024 { return "\(bytes) B" }
    if bytes < 1 << 20 { return formatNumber(Double(bytes) / 1024) + " KiB" }
    return formatNumber(Double(bytes) / 1_048_576) + " MiB"
}
