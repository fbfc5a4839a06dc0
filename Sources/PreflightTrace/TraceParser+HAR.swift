import JSONValue

extension TraceParser {
    /// A HAR 1.2 document's entries: each `OPTIONS` request with `Origin` and
    /// `Access-Control-Request-Method` is a preflight; each other request
    /// with an `Origin` other than its URL's origin is an actual cross-origin
    /// request; the rest are skipped. Entry numbers stand for line numbers.
    mutating func parseHAR(_ emit: (Item) -> Void) {
        let bytes = document
        document = []
        guard bytes.count <= Self.maximumHARBytes, !(bytes == [0]) else {
            return emit(.bad(TraceLineError(line: 0, message: "a HAR file over \(Self.maximumHARBytes) bytes")))
        }
        let root: JSONValue
        do { root = try JSONValue.parse(bytes) } catch {
            return emit(.bad(TraceLineError(line: 0, message: "not a JSON document: \(error)")))
        }
        var reader = JSONObjectReader(root, what: "a HAR file", knownKeys: nil)
        var log = JSONObjectReader(reader.value("log", required: true) ?? .null, path: "log", what: "log", knownKeys: nil)
        guard let entries = log.array("entries", required: true), reader.problems.isEmpty, log.problems.isEmpty else {
            return emit(.bad(TraceLineError(line: 0, message: (reader.problems + log.problems).map(\.description).joined(separator: "; "))))
        }
        for (i, entry) in entries.enumerated() {
            lineNumber = i + 1
            emit(Self.harEntry(entry, number: i + 1))
        }
    }

    static func harEntry(_ entry: JSONValue, number: Int) -> Item {
        var e = JSONObjectReader(entry, path: "entries[\(number - 1)]", what: "an entry", knownKeys: nil)
        var request = JSONObjectReader(e.value("request", required: true) ?? .null, path: "request", what: "request", knownKeys: nil)
        let started = e.string("startedDateTime")
        guard let method = request.string("method", required: true), let url = request.string("url", required: true),
              let headers = request.array("headers", required: true) else {
            return .bad(TraceLineError(line: number, message: (e.problems + request.problems).map(\.description).joined(separator: "; ")))
        }
        var origin: String?, requestMethod: String?, requestHeaders: String?
        for header in headers {
            guard let fields = header.objectValue,
                  let name = fields.first(where: { $0.key == "name" })?.value.stringValue,
                  let value = fields.first(where: { $0.key == "value" })?.value.stringValue else { continue }
            switch name.lowercased() {
            case "origin": origin = value
            case "access-control-request-method": requestMethod = value
            case "access-control-request-headers": requestHeaders = requestHeaders.map { $0 + "," + value } ?? value
            default: break
            }
        }
        let time = started.flatMap { Timestamp.seconds(Substring($0)) }
        guard let origin else { return .skipped }
        if method == "OPTIONS", let requestMethod {
            return .record(TraceRecord(kind: .preflight, time: time, origin: origin, method: requestMethod, headers: requestHeaders, url: url))
        }
        // Same-origin requests may carry Origin too (POST): only cross-origin ones count.
        if url.hasPrefix(origin) && (url.count == origin.count || url.dropFirst(origin.count).first == "/") { return .skipped }
        return .record(TraceRecord(kind: .actual, time: time, origin: origin, method: method, url: url))
    }
}
