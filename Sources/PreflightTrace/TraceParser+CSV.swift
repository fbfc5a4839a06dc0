/// The columns of a CSV trace, from its header row.
struct CSVColumns {
    static let names = ["time", "origin", "method", "headers", "url", "client", "kind"]
    var index: [String: Int] = [:]
    var count = 0

    enum Header { case success(CSVColumns), failure(String) }

    init?(_ index: [String: Int], count: Int) {
        self.index = index
        self.count = count
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
        guard let fields = Self.split(line) else { return .bad(TraceLineError(line: number, message: "an unclosed quote")) }
        guard fields.count == count else {
            return .bad(TraceLineError(line: number, message: "\(fields.count) fields where the header row has \(count)"))
        }
        func field(_ name: String) -> String? { index[name].map { fields[$0] }.flatMap { $0.isEmpty ? nil : $0 } }
        guard let origin = field("origin"), let method = field("method") else {
            return .bad(TraceLineError(line: number, message: "origin and method must not be empty"))
        }
        var time: Double?
        if let text = field("time") {
            guard let seconds = Timestamp.seconds(Substring(text)) else {
                return .bad(TraceLineError(line: number, message: "time \"\(text)\" is neither Unix seconds nor an RFC 3339 date-time"))
            }
            time = seconds
        }
        var kind = TraceRecord.Kind.preflight
        if let text = field("kind") {
            guard let k = TraceRecord.Kind(rawValue: text) else { return .bad(TraceLineError(line: number, message: "kind \"\(text)\" is not preflight or actual")) }
            kind = k
        }
        return .record(TraceRecord(kind: kind, time: time, origin: origin, method: method, headers: field("headers"), url: field("url"),
                                   client: field("client")))
    }

    /// The fields of one CSV row (RFC 4180: quoted fields may hold commas and doubled quotes); nil on an unclosed quote.
    static func split(_ line: UnsafeRawBufferPointer) -> [String]? {
        var fields: [String] = []
        var field: [UInt8] = []
        var i = 0
        var quoted = false
        while i < line.count {
            let b = line[i]
            if quoted {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < line.count && line[i + 1] == UInt8(ascii: "\"") { field.append(b); i += 2; continue }
                    quoted = false
                } else {
                    field.append(b)
                }
            } else if b == UInt8(ascii: ",") {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            } else if b == UInt8(ascii: "\"") && field.isEmpty {
                quoted = true
            } else {
                field.append(b)
            }
            i += 1
        }
        guard !quoted else { return nil }
        fields.append(String(decoding: field, as: UTF8.self))
        return fields
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
