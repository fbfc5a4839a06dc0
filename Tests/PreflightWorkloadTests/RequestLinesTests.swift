import CORSPolicy
import PreflightWorkload
import Testing

@Suite struct RequestLinesTests {
    @Test func linesBecomeRequestsAndBlankLinesAreSkipped() throws {
        let text = """
            {"origin": "https://a.example", "method": "PUT", "headers": "content-type"}

            {"origin": "https://b.example", "method": "DELETE", "headers": ["x-a", "x-b"]}
            {"origin": "https://c.example", "method": "GET", "headers": null}
            """
        var requests: [PreflightRequest] = []
        RequestLines.forEachLine(in: Array(text.utf8), file: "r.jsonl") { _, line in
            if case let .success(request) = line { requests.append(request) }
            return true
        }
        #expect(requests == [
            PreflightRequest(origin: "https://a.example", method: "PUT", requestHeaders: "content-type"),
            PreflightRequest(origin: "https://b.example", method: "DELETE", requestHeaders: "x-a,x-b"),
            PreflightRequest(origin: "https://c.example", method: "GET", requestHeaders: nil),
        ])
    }

    @Test(arguments: [
        (#"{"origin": "https://a", "method": "PUT"}\#n{"origin": 5, "method": "PUT"}"#, "r:2: origin: expected a string, found a number"),
        (#"{"origin": "https://a"}"#, #"r:1: method: missing required key "method""#),
        (#"{"origin": "https://a", "method": "PUT", "header": "x"}"#, #"r:1: header: unknown key "header"; known keys: origin, method, headers"#),
        (#"{"origin": "https://a", "method": "PUT", "headers": [1]}"#, "r:1: headers[0]: expected a string, found a number"),
        (#"["origin"]"#, "r:1: a request must be a JSON object, found an array"),
        (#"{"origin": "#, "r:1: invalid JSON at column 12: "),
    ])
    func badLinesAreNamed(text: String, message: String) {
        var errors: [RequestLineError] = []
        RequestLines.forEachLine(in: Array(text.utf8), file: "r") { _, line in
            if case let .failure(error) = line { errors.append(error) }
            return true
        }
        #expect(errors.count == 1)
        #expect(errors.first?.description.hasPrefix(message) == true, "\(errors)")
    }
}
