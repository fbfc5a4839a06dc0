/// The columns of a CSV trace, from its header row; and RFC 4180 fields,
/// read (`split`) and written (`quoted`), for traces and for report tables.
package struct CSVColumns {
    static let names = ["time", "origin", "method", "headers", "url", "client", "kind"]
    var index: [String: Int] = [:]
    var count = 0
    /// Each known column's position, looked up once.
    var columns: (time: Int?, origin: Int?, method: Int?, headers: Int?, url: Int?, client: Int?, kind: Int?) = (nil, nil, nil, nil, nil, nil, nil)

    enum Header { case success(CSVColumns), failure(String) }

    init?(_ index: [String: Int], count: Int) {
        self.index = index
        self.count = count
        columns = (index["time"], index["origin"], index["method"], index["headers"], index["url"], index["client"], index["kind"])
    }

    static func parse(_ header: UnsafeRawBufferPointer) -> Header {
        guard let fields = split(header) else { return .failure("the header row has an unclosed quote") }
        var index: [String: Int] = [:]
        for (i, raw) in fields.enumerated() {
            let name = raw.trimmingSpaces().lowercased()
            guard names.contains(name) else {
                return .failure("the header row names \"\(name)\"; a CSV trace's columns are \(names.joined(separator: ", ")) (origin and method required)")
            }
            index[name] = i
        }
        guard index["origin"] != nil, index["method"] != nil else {
            return .failure("the header row must name origin and method (it names \(fields.joined(separator: ", ")))")
        }
        return .success(CSVColumns(index, count: fields.count)!)
    }

    func record(_ line: UnsafeRawBufferPointer, _ number: Int) -> TraceParser.Item {
        // Most rows quote nothing: split them at their commas without copying.
        let fields: [String]
        if !line.contains(UInt8(ascii: "\"")) {
            var list: [String] = []
            list.reserveCapacity(count)
            var start = 0
            for i in 0...line.count where i == line.count || line[i] == UInt8(ascii: ",") {
                list.append(String(decoding: line[start..<i], as: UTF8.self))
                start = i + 1
            }
            fields = list
        } else {
            guard let split = Self.split(line) else { return .bad(TraceLineError(line: number, message: "an unclosed quote")) }
            fields = split
        }
        guard fields.count == count else {
            return .bad(TraceLineError(line: number, message: "\(fields.count) fields where the header row has \(count)"))
        }
        func field(_ column: Int?) -> String? { column.map { fields[$0] }.flatMap { $0.isEmpty ? nil : $0 } }
        guard let origin = field(columns.origin), let method = field(columns.method) else {
            return .bad(TraceLineError(line: number, message: "origin and method must not be empty"))
        }
        var time: Double?
        if let text = field(columns.time) {
            guard let seconds = Timestamp.seconds(Substring(text)) else {
                return .bad(TraceLineError(line: number, message: "time \"\(text)\" is neither Unix seconds nor an RFC 3339 date-time"))
            }
            time = seconds
        }
        var kind = TraceRecord.Kind.preflight
        if let text = field(columns.kind) {
            guard let k = TraceRecord.Kind(rawValue: text) else { return .bad(TraceLineError(line: number, message: "kind \"\(text)\" is not preflight or actual")) }
            kind = k
        }
        return .record(TraceRecord(kind: kind, time: time, origin: origin, method: method, headers: field(columns.headers), url: field(columns.url),
                                   client: field(columns.client)))
    }

    /// `s` as one CSV field: quoted (quotes doubled) when it holds a comma, quote or line break.
    package static func quoted(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// The fields of one CSV row (RFC 4180: quoted fields may hold commas and doubled quotes); nil on an unclosed quote.
    static func split(_ line: UnsafeRawBufferPointer) -> [String]? {
        var fields: [String] = []
        var i = 0
        let n = line.count
        while true {
            if i < n && line[i] == UInt8(ascii: "\"") {
                // Quoted: up to the closing quote; a doubled quote is one quote.
                i += 1
                let start = i
                var doubled = false
                while true {
                    guard i < n else { return nil }
                    if line[i] == UInt8(ascii: "\"") {
                        if i + 1 < n && line[i + 1] == UInt8(ascii: "\"") { doubled = true; i += 2; continue }
                        break
                    }
                    i += 1
                }
                let raw = String(decoding: line[start..<i], as: UTF8.self)
                fields.append(doubled ? raw.replacingDoubledQuotes() : raw)
                i += 1
                // Anything between the closing quote and the next comma is kept, as lenient readers do.
                let rest = i
                while i < n && line[i] != UInt8(ascii: ",") { i += 1 }
                if i > rest { fields[fields.count - 1] += String(decoding: line[rest..<i], as: UTF8.self) }
            } else {
                let start = i
                while i < n && line[i] != UInt8(ascii: ",") { i += 1 }
                fields.append(String(decoding: line[start..<i], as: UTF8.self))
            }
            if i >= n { return fields }
            i += 1  // the comma
            if i == n { fields.append(""); return fields }
        }
    }
}

extension String {
    func replacingDoubledQuotes() -> String {
        split(separator: "\"\"", omittingEmptySubsequences: false).joined(separator: "\"")
    }

    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
