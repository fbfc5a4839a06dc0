import InternalByteUtilities
import Testing
@testable import PreflightLoadClient

/// `load` reads whatever a server sends: its response parser must find the
/// fields of well-formed heads and never trap on any bytes.
@Suite struct ResponseHeadTests {
    static func parse(_ text: String) -> ResponseHead.ParseResult {
        Array(text.utf8).withUnsafeBytes { ResponseHead.parse($0) }
    }

    @Test func readsStatusFramingAndCORSHeaders() throws {
        let text = "HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin:  https://a.example \r\nACCESS-CONTROL-ALLOW-METHODS: PUT\r\n"
            + "access-control-allow-headers: x-a, x-b\r\naccess-control-allow-credentials: true\r\nConnection: Close\r\ncontent-length: 0\r\n\r\nrest"
        guard case let .complete(head) = Self.parse(text) else { Issue.record("not parsed"); return }
        let bytes = Array(text.utf8)
        func value(_ range: Range<Int>?) -> String? { range.map { String(decoding: bytes[$0], as: UTF8.self) } }
        #expect(head.status == 204 && head.contentLength == 0 && head.connectionClose && !head.chunked)
        #expect(value(head.allowOrigin.first) == "https://a.example" && value(head.allowMethods.first) == "PUT")
        #expect(value(head.allowHeaders.first) == "x-a, x-b" && value(head.allowCredentials.first) == "true")
        #expect(head.headLength == bytes.count - 4)
    }

    @Test func waitsForTheBlankLineAndRefusesWhatIsNotHTTP() {
        if case .incomplete = Self.parse("HTTP/1.1 200 OK\r\ncontent-length: 3\r\n") {} else { Issue.record("a partial head is incomplete") }
        for text in ["HTTX/1.1 200 OK\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n"] {
            if case .malformed = Self.parse(text) {} else { Issue.record("\(text.debugDescription) should be malformed") }
        }
        let endless = "HTTP/1.1 200 OK\r\n" + String(repeating: "x-filler: yes\r\n", count: 6000)
        if case .malformed = Self.parse(endless) {} else { Issue.record("a head over the limit without its end is malformed") }
        if case let .complete(head) = Self.parse("HTTP/1.1 200 OK\r\naccess-control-allow-origin: *\r\naccess-control-allow-origin: *\r\n\r\n") {
            #expect(head.allowOrigin.isRepeated)
        } else { Issue.record("two allow-origin lines still parse") }
    }

    /// A field on several lines is one value to a browser: its lines joined
    /// by `, `, empty lines included; fields on one line are not copied.
    @Test func joinsAFieldSentOnSeveralLines() throws {
        let text = "HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Headers: x-a\r\nvary: origin\r\naccess-control-allow-headers:\t x-b ,x-c \r\n"
            + "ACCESS-CONTROL-ALLOW-HEADERS:\r\naccess-control-allow-methods: PUT\r\nAccess-Control-Allow-Origin: https://a.example\r\n"
            + "access-control-allow-origin: https://a.example\r\n\r\n"
        guard case let .complete(head) = Self.parse(text) else { Issue.record("not parsed"); return }
        var scratch: [UInt8] = []
        let values = Array(text.utf8).withUnsafeBytes { bytes in
            head.withValues(bytes, scratch: &scratch) { value in
                ResponseHead.Field.allCases.map { value($0).map { String(decoding: $0, as: UTF8.self) } }
            }
        }
        #expect(values == ["https://a.example, https://a.example", nil, "PUT", "x-a, x-b ,x-c, ", "origin"])
        #expect(head.allowHeaders.lines == 3 && head.allowMethods.lines == 1 && head.allowCredentials.lines == 0)
    }

    /// Random mutations (bytes replaced, inserted, cut) of valid responses:
    /// every result is incomplete, malformed or complete with ranges inside the input.
    @Test func neverTrapsOnMutatedResponses() {
        var rng = SplitMix64(seed: 99)
        let seeds = ["HTTP/1.1 204 No Content\r\naccess-control-allow-origin: https://a.example\r\naccess-control-allow-methods: PUT\r\nvary: origin\r\n\r\n",
                     "HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                     "HTTP/1.0 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"].map { Array($0.utf8) }
        let alphabet: [UInt8] = Array("\r\n:, HTP/0123456789ac-".utf8) + [0, 0xFF, 0x80]
        for _ in 0..<20_000 {
            var bytes = seeds.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let i = Int.random(in: 0..<max(1, bytes.count), using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0 where !bytes.isEmpty: bytes[i] = alphabet.randomElement(using: &rng)!
                case 1: bytes.insert(alphabet.randomElement(using: &rng)!, at: min(i, bytes.count))
                default: if !bytes.isEmpty { bytes.removeSubrange(i..<min(bytes.count, i + Int.random(in: 1...8, using: &rng))) }
                }
            }
            let result = bytes.withUnsafeBytes { ResponseHead.parse($0) }
            if case let .complete(head) = result {
                #expect(head.headLength <= bytes.count)
                for range in [head.allowOrigin, head.allowMethods, head.allowHeaders, head.allowCredentials, head.vary].compactMap(\.first) {
                    #expect(range.lowerBound >= 0 && range.upperBound <= head.headLength)
                }
            }
        }
    }
}
