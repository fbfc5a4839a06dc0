import PreflightTrace
import Testing

/// Parses `text` fed in chunks of `chunk` bytes (so lines straddle chunk boundaries).
func parse(_ text: String, _ format: TraceFormat, chunk: Int = 1 << 20) -> [TraceParser.Item] {
    var parser = TraceParser(format: format)
    var items: [TraceParser.Item] = []
    let bytes = Array(text.utf8)
    var i = 0
    while i < bytes.count {
        let end = min(bytes.count, i + chunk)
        bytes[i..<end].withUnsafeBytes { parser.consume($0) { items.append($0) } }
        i = end
    }
    parser.finish { items.append($0) }
    return items
}

@Suite struct TraceParserTests {
    @Test func jsonLinesWithUnixAndRFC3339Times() {
        let text = """
            {"time": 1780000000.5, "origin": "https://a.example", "method": "PUT", "headers": "x-a", "url": "/api", "client": "c1"}
            {"time": "2026-05-28T20:26:40.500Z", "origin": "https://b.example", "method": "DELETE"}
            {"time": "2026-05-28T22:26:40+02:00", "origin": "https://c.example", "method": "PATCH", "kind": "actual"}

            not json
            {"origin": "https://d.example"}
            {"time": "yesterday", "origin": "https://e.example", "method": "PUT"}
            """
        for chunk in [1, 7, 1 << 20] {
            let items = parse(text, .jsonl, chunk: chunk)
            #expect(items.count == 6, "chunk \(chunk)")
            #expect(items[0] == .record(TraceRecord(time: 1_780_000_000.5, origin: "https://a.example", method: "PUT", headers: "x-a", url: "/api", client: "c1")))
            #expect(items[1] == .record(TraceRecord(time: 1_780_000_000.5, origin: "https://b.example", method: "DELETE")))
            #expect(items[2] == .record(TraceRecord(kind: .actual, time: 1_780_000_000, origin: "https://c.example", method: "PATCH")))
            guard case let .bad(e3) = items[3], case let .bad(e4) = items[4], case let .bad(e5) = items[5] else {
                Issue.record("three bad lines expected: \(items)")
                continue
            }
            // Line numbers count the blank line too.
            #expect(e3.line == 5 && e4.line == 6 && e4.message.contains("method") && e5.line == 7 && e5.message.contains("RFC 3339"))
        }
    }

    @Test func csvWithAHeaderRowAndQuotedLists() {
        let text = "time,origin,method,headers,url,client\r\n"
            + "1780000000,https://a.example,PUT,\"content-type,x-a\",/api,c1\r\n"
            + "1780000001,https://b.example,GET,,,\r\n"
            + "1780000002,https://c.example\r\n"
            + "1780000003,,PUT,,,\r\n"
        let items = parse(text, .csv, chunk: 5)
        #expect(items.count == 4)
        #expect(items[0] == .record(TraceRecord(time: 1_780_000_000, origin: "https://a.example", method: "PUT", headers: "content-type,x-a", url: "/api", client: "c1")))
        #expect(items[1] == .record(TraceRecord(time: 1_780_000_001, origin: "https://b.example", method: "GET")))
        if case let .bad(e) = items[2] { #expect(e.line == 4 && e.message.contains("2 fields")) } else { Issue.record("\(items[2])") }
        if case let .bad(e) = items[3] { #expect(e.line == 5) } else { Issue.record("\(items[3])") }
        let wrong = parse("when,who\n1,2\n", .csv)
        if case let .bad(e) = wrong.first { #expect(e.line == 1 && e.message.contains("origin, method")) } else { Issue.record("\(wrong)") }
    }

    @Test func nginxLogInTheDocumentedFormat() {
        let text = """
            1780000000.123 "10.0.0.1" "OPTIONS" "/api/items" "https://app.example.com" "PUT" "content-type,x-request-id"
            1780000000.200 "10.0.0.1" "PUT" "/api/items" "https://app.example.com" "" ""
            1780000000.300 "10.0.0.2" "GET" "/" "" "" ""
            1780000000.400 "10.0.0.3" "OPTIONS" "/a\\"b" "https://x.example" "DELETE" ""
            garbage line
            1780000000.500 "10.0.0.1" "OPTIONS" "/api"
            """
        let items = parse(text, .nginx, chunk: 3)
        #expect(items.count == 6)
        #expect(items[0] == .record(TraceRecord(kind: .preflight, time: 1_780_000_000.123, origin: "https://app.example.com", method: "PUT",
                                                headers: "content-type,x-request-id", url: "/api/items", client: "10.0.0.1")))
        #expect(items[1] == .record(TraceRecord(kind: .actual, time: 1_780_000_000.2, origin: "https://app.example.com", method: "PUT", url: "/api/items", client: "10.0.0.1")))
        #expect(items[2] == .skipped)
        #expect(items[3] == .record(TraceRecord(kind: .preflight, time: 1_780_000_000.4, origin: "https://x.example", method: "DELETE", url: "/a\"b", client: "10.0.0.3")))
        if case let .bad(e) = items[4] { #expect(e.line == 5) } else { Issue.record("\(items[4])") }
        if case let .bad(e) = items[5] { #expect(e.line == 6 && e.message.contains("6 quoted fields")) } else { Issue.record("\(items[5])") }
    }

    @Test func harEntries() {
        func entry(_ method: String, _ url: String, _ headers: [(String, String)]) -> String {
            let h = headers.map { "{\"name\": \"\($0.0)\", \"value\": \"\($0.1)\"}" }.joined(separator: ", ")
            return "{\"startedDateTime\": \"2026-05-28T20:26:40.000Z\", \"request\": {\"method\": \"\(method)\", \"url\": \"\(url)\", \"headers\": [\(h)]}}"
        }
        let text = "{\"log\": {\"version\": \"1.2\", \"entries\": [" + [
            entry("OPTIONS", "https://api.example.com/items", [("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "PUT"),
                                                               ("Access-Control-Request-Headers", "content-type")]),
            entry("PUT", "https://api.example.com/items", [("origin", "https://app.example.com")]),
            entry("POST", "https://app.example.com/form", [("Origin", "https://app.example.com")]),
            entry("GET", "https://app.example.com/", []),
        ].joined(separator: ", ") + "]}}"
        let items = parse(text, .har, chunk: 10)
        #expect(items == [
            .record(TraceRecord(kind: .preflight, time: 1_780_000_000, origin: "https://app.example.com", method: "PUT", headers: "content-type",
                                url: "https://api.example.com/items")),
            .record(TraceRecord(kind: .actual, time: 1_780_000_000, origin: "https://app.example.com", method: "PUT", url: "https://api.example.com/items")),
            .skipped, .skipped,
        ])
        if case .bad = parse("{\"log\": {}}", .har).first {} else { Issue.record("a HAR without entries is bad") }
    }

    @Test func formatsAreRecognizedFromTheirFirstBytes() {
        func recognize(_ s: String) -> TraceFormat { TraceFormat.recognize(Array(s.utf8)[...]) }
        #expect(recognize("{\"origin\": \"x\"}\n") == .jsonl)
        #expect(recognize("{\n  \"log\": {\"entries\": []}}") == .har)
        #expect(recognize("1780000000.123 \"10.0.0.1\" \"GET\"") == .nginx)
        #expect(recognize("time,origin,method\n") == .csv)
    }
}
