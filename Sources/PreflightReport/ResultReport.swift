package import JSONValue

/// The forms a result is printed in on standard output (`--format`).
package enum ReportFormat: String, Sendable, CaseIterable {
    case table, json, csv
}

/// One kind of result (an in-process run, an HTTP load, a simulation, the
/// browsers' caches, a matcher comparison) in every form the tool gives it:
/// the console text, JSON, CSV, Markdown, charts and a self-contained
/// `index.html`. Each kind supplies its table, JSON and charts; the forms
/// around them, and the files a folder holds, come from here, so every
/// subcommand's `--format` and `--out` behave alike.
package protocol ResultReport: Sendable {
    /// What the result is (`run`, `simulate`, `browsers`, `matchers`): it
    /// names the files (`simulate.json`) and heads the page.
    var kind: String { get }
    /// The command line that produced the result, shown first in Markdown and HTML.
    var command: String { get }
    /// The result's points, one row each.
    var table: TextTable { get }
    /// Sentences that read the table (break-even lines, verdicts, warnings).
    var notes: [String] { get }
    /// The result in full, as `--format json` prints it and `<kind>.json` holds it.
    var jsonValue: JSONValue { get }
    /// `--format csv` and `<kind>.csv`.
    var csv: String { get }
    /// The charts, by file name (made with `ReportFileName`).
    func charts() -> [(name: String, svg: String)]
    /// What `--format table` prints.
    var consoleText: String { get }
    /// The Markdown file's name and text, given the chart file names.
    var markdownFileName: String { get }
    func markdown(charts: [String]) -> String
    /// The self-contained page, every chart inline.
    func indexHTML(charts: [(name: String, svg: String)]) -> String
    /// The key-value facts the Markdown and the page show (source, machine).
    var facts: [(key: String, value: String)] { get }
}

extension ResultReport {
    package var notes: [String] { [] }
    package var csv: String { table.csv }
    package func charts() -> [(name: String, svg: String)] { [] }
    package var facts: [(key: String, value: String)] { [] }
    package var markdownFileName: String { kind + ".md" }

    package var consoleText: String {
        ([table.text] + (notes.isEmpty ? [] : [""] + notes)).joined(separator: "\n")
    }

    package func markdown(charts: [String]) -> String {
        var out = "# preflight-bench \(kind)\n\nCommand:\n\n```\n\(command)\n```\n\n"
        if !facts.isEmpty { out += TextTable(header: ["fact", "value"], rows: facts.map { [$0.key, $0.value] }).markdown + "\n\n" }
        out += table.markdown + "\n\n"
        if !notes.isEmpty { out += notes.map { "- " + $0 }.joined(separator: "\n") + "\n\n" }
        if !charts.isEmpty { out += charts.map { "![\($0)](\($0))" }.joined(separator: "\n\n") + "\n" }
        return out
    }

    package func indexHTML(charts: [(name: String, svg: String)]) -> String {
        ReportPage.html(title: "preflight-bench \(kind)", command: command, table: table, notes: notes, charts: charts,
                        facts: TextTable(header: ["fact", "value"], rows: facts.map { [$0.key, $0.value] }))
    }

    /// What `--format` prints on standard output.
    package func rendered(_ format: ReportFormat) -> String {
        switch format {
        case .table: return consoleText
        case .json: return jsonValue.prettyJSONText
        case .csv: return csv
        }
    }

    /// Every file `--out` holds, by name: `<kind>.json`, `<kind>.csv`, the
    /// Markdown, `index.html` and the charts.
    package func files() -> [(name: String, contents: String)] {
        let charts = ReportFileName.unique(charts())
        return [
            (kind + ".json", jsonValue.prettyJSONText + "\n"),
            (kind + ".csv", csv + "\n"),
            (markdownFileName, markdown(charts: charts.map(\.name))),
            ("index.html", indexHTML(charts: charts)),
        ] + charts.map { ($0.name, $0.svg) }
    }

    /// The names `files()` writes, for the line that tells where they went.
    package var fileSummary: String {
        "\(kind).json, \(kind).csv, \(markdownFileName), index.html and the charts"
    }
}

/// The one page layout every report's `index.html` uses: nothing beside it
/// needed, nothing fetched, for opening from disk in a browser.
package enum ReportPage {
    package static func html(title: String, command: String, table: TextTable, notes: [String],
                             charts: [(name: String, svg: String)], facts: TextTable, extra: String = "") -> String {
        let e = TextTable.htmlEscaped
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(e(title))</title>
            <style>
            body { font-family: sans-serif; margin: 2em; max-width: 1400px; }
            table { border-collapse: collapse; font-size: 13px; margin: 1em 0; }
            th, td { border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
            pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; }
            figure { display: inline-block; margin: 0.5em; }
            </style></head><body>
            <h1>\(e(title))</h1>
            <pre>\(e(command))</pre>

            """
        page += "<h2>Points</h2>\n" + table.html + "\n"
        if !notes.isEmpty { page += "<pre>" + notes.map(e).joined(separator: "\n") + "</pre>\n" }
        if !charts.isEmpty {
            page += "<h2>Charts</h2>\n" + charts.map { "<figure id=\"\(e($0.name))\">\($0.svg)</figure>" }.joined(separator: "\n") + "\n"
        }
        if !facts.rows.isEmpty { page += "<h2>Environment</h2>\n" + facts.html + "\n" }
        return page + extra + "</body></html>\n"
    }
}

/// What is wrong with a report's JSON file, one line per problem.
package struct JSONReadError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
