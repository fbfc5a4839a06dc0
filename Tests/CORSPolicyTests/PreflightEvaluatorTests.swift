import CORSPolicy
import OriginMatching
import Testing

let examplePolicy = try! CORSPolicy(validating: PolicyConfiguration(
    origins: ["https://app.example.com", "https://*.example.com", "http://localhost:*"],
    methods: ["PUT", "DELETE"], requestHeaders: ["content-type", "x-request-id"],
    exposeHeaders: ["x-trace-id"], credentials: true, maxAge: 600))

func reason(_ origin: String, _ method: String, _ headers: String? = nil, policy: CORSPolicy = examplePolicy,
            matcher: OriginMatcherKind = .default) -> String {
    PreflightEvaluator(policy: policy, matcher: matcher).evaluate(PreflightRequest(origin: origin, method: method, requestHeaders: headers)).reason.rawValue
}

@Suite struct PreflightEvaluatorTests {
    @Test func theIssueExampleResponse() {
        let evaluator = PreflightEvaluator(policy: examplePolicy)
        let request = PreflightRequest(origin: "https://app.example.com", method: "PUT", requestHeaders: "content-type")
        let response = evaluator.response(to: request, decision: evaluator.evaluate(request))
        #expect(response.status == 204)
        #expect(response.headers.map(\.name) == ["access-control-allow-credentials", "access-control-max-age", "vary",
                                                 "access-control-allow-methods", "access-control-allow-headers", "access-control-allow-origin"])
        #expect(response["access-control-allow-origin"] == "https://app.example.com")
        #expect(response["access-control-allow-credentials"] == "true")
        #expect(response["access-control-allow-methods"] == "PUT")
        #expect(response["access-control-allow-headers"] == "content-type")
        #expect(response["access-control-max-age"] == "600")
        #expect(response["vary"] == "origin, access-control-request-method, access-control-request-headers")
    }

    @Test func deniedResponsesCarryNoAllowOrigin() {
        let evaluator = PreflightEvaluator(policy: examplePolicy)
        let request = PreflightRequest(origin: "https://evil.com", method: "PUT")
        let response = evaluator.response(to: request, decision: evaluator.evaluate(request))
        #expect(response.status == 403)
        #expect(response["access-control-allow-origin"] == nil)
        #expect(response["vary"] != nil)
    }

    @Test(arguments: [
        ("https://app.example.com", "PUT", nil as String?, "allowed"),
        ("https://app.example.com", "GET", nil, "allowed"),
        ("https://app.example.com", "PATCH", nil, "method-not-allowed"),
        ("https://app.example.com", "put", nil, "method-not-allowed"),
        ("https://app.example.com", "CONNECT", nil, "method-not-allowed"),
        ("https://app.example.com", "", nil, "malformed-method"),
        ("https://app.example.com", "P T", nil, "malformed-method"),
        ("https://app.example.com", "PUT", "x-other", "header-not-allowed"),
        ("https://app.example.com", "PUT", "authorization", "header-not-allowed"),
        ("https://app.example.com", "PUT", "content-type,", "allowed"),
        ("https://app.example.com", "PUT", "content type", "malformed-request-headers"),
        ("https://app.example.com", "PUT", "", "allowed"),
        ("https://APP.example.com", "PUT", nil, "malformed-origin"),
        ("https://app.example.com/", "PUT", nil, "malformed-origin"),
        ("https://app.example.com:443", "PUT", nil, "malformed-origin"),
        ("null", "PUT", nil, "origin-not-allowed"),
        ("https://example.com", "PUT", nil, "origin-not-allowed"),
        ("http://localhost:5173", "DELETE", nil, "allowed"),
        ("https://evil.com", "PATCH", "bad header", "origin-not-allowed"),
    ])
    func reasonsInOrderOriginMethodHeaders(origin: String, method: String, headers: String?, expected: String) {
        #expect(reason(origin, method, headers) == expected)
    }

    /// Non-browser clients: mixed case, spaces, tabs, duplicates, any order,
    /// several header lines joined with commas. All normalize to one set; the
    /// response echoes the list as sent (browsers compare names case-insensitively).
    @Test(arguments: [
        "content-type,x-request-id", "Content-Type, X-Request-ID", "x-request-id,content-type",
        " x-request-id ,\tCONTENT-TYPE ", "content-type,content-type,x-request-id,X-REQUEST-ID",
        "content-type, , x-request-id", "content-type,x-request-id,", ",content-type,x-request-id",
    ])
    func headerListsAreNormalized(value: String) {
        let evaluator = PreflightEvaluator(policy: examplePolicy)
        let request = PreflightRequest(origin: "https://app.example.com", method: "PUT", requestHeaders: value)
        let decision = evaluator.evaluate(request)
        #expect(decision.isAllowed)
        let canonical = evaluator.evaluate(PreflightRequest(origin: "https://app.example.com", method: "PUT", requestHeaders: "content-type,x-request-id"))
        #expect(decision == canonical)
        #expect(evaluator.response(to: request, decision: decision)["access-control-allow-headers"] == value)
        #expect(RequestHeaderList.normalized(value) == "content-type,x-request-id")
    }

    @Test func wildcardHeadersNeverCoverAuthorization() throws {
        let star = try CORSPolicy(validating: PolicyConfiguration(origins: ["https://a.com"], requestHeaders: ["*"]))
        #expect(reason("https://a.com", "GET", "x-anything,Content-Type", policy: star) == "allowed")
        #expect(reason("https://a.com", "GET", "x-anything,Authorization", policy: star) == "header-not-allowed")
        let starAuth = try CORSPolicy(validating: PolicyConfiguration(origins: ["https://a.com"], requestHeaders: ["*", "authorization"]))
        #expect(reason("https://a.com", "GET", "x-anything,Authorization", policy: starAuth) == "allowed")
    }

    @Test func anyOriginPolicy() throws {
        let any = try CORSPolicy(validating: PolicyConfiguration(origins: ["*"], methods: ["*"]))
        let evaluator = PreflightEvaluator(policy: any)
        #expect(reason("null", "PATCH", policy: any) == "allowed")
        #expect(reason("https://x.y", "TRACE", policy: any) == "method-not-allowed")
        #expect(reason("https://X.y", "GET", policy: any) == "malformed-origin")
        let request = PreflightRequest(origin: "https://x.y", method: "PATCH")
        let response = evaluator.response(to: request, decision: evaluator.evaluate(request))
        #expect(response["access-control-allow-origin"] == "*")
        #expect(response["vary"] == "access-control-request-method, access-control-request-headers")
        #expect(response["access-control-max-age"] == nil)
    }

    @Test(arguments: OriginMatcherKind.allCases)
    func everyMatcherDecidesTheSame(kind: OriginMatcherKind) {
        for origin in ["https://app.example.com", "https://a.b.example.com", "https://example.com", "http://localhost:1", "https://barexample.com"] {
            #expect(reason(origin, "PUT", matcher: kind) == reason(origin, "PUT", matcher: .linear))
        }
    }
}

/// cors-facts.md section 6: hostile Access-Control-Request-Headers and origins
/// cost bounded work. Time is not asserted (it flakes on shared machines); the
/// bound is structural: values past the limits are refused before any scan.
@Suite struct HostileInputTests {
    let evaluator = PreflightEvaluator(policy: examplePolicy)

    @Test func aMebibyteOfCommasIsRefused() {
        let commas = String(repeating: ",", count: 1 << 20)
        #expect(evaluator.evaluate(PreflightRequest(origin: "https://app.example.com", method: "PUT", requestHeaders: commas)).reason == .malformedRequestHeaders)
        // Also below the length bound: runs of empty elements are bounded separately.
        let someCommas = String(repeating: ",", count: RequestHeaderList.maximumLength)
        #expect(evaluator.evaluate(PreflightRequest(origin: "https://app.example.com", method: "PUT", requestHeaders: someCommas)).reason == .malformedRequestHeaders)
    }

    @Test func aHundredThousandNamesAreRefused() {
        let names = (0..<100_000).map { "x-h\($0)" }.joined(separator: ",")
        #expect(evaluator.evaluate(PreflightRequest(origin: "https://app.example.com", method: "PUT", requestHeaders: names)).reason == .malformedRequestHeaders)
    }

    @Test func aLongNameIsNotScannedAgainstTheTable() {
        let long = String(repeating: "a", count: 8000)
        #expect(evaluator.evaluate(PreflightRequest(origin: "https://app.example.com", method: "PUT", requestHeaders: long)).reason == .headerNotAllowed)
    }

    @Test func aMebibyteOriginOrMethodIsRefused() {
        let origin = "https://" + String(repeating: "a", count: 1 << 20) + ".example.com"
        #expect(evaluator.evaluate(PreflightRequest(origin: origin, method: "PUT")).reason == .malformedOrigin)
        #expect(evaluator.evaluate(PreflightRequest(origin: "https://app.example.com", method: String(repeating: "P", count: 1 << 20))).reason == .malformedMethod)
    }
}

@Suite struct TokenTests {
    @Test func tokenBytesMatchRFC9110() {
        let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for b in 0...255 {
            let byte = UInt8(b)
            let expected: UInt8 = tchar.contains(byte) ? (byte >= 65 && byte <= 90 ? byte + 32 : byte) : 0
            #expect(RequestHeaderList.lowercasedTokenByte(byte) == expected, "byte \(b)")
        }
    }
}

@Suite struct ReasonCodeTests {
    @Test func codesRoundTripAndAreDistinct() {
        #expect(Set(PreflightReason.allCases.map(\.code)).count == PreflightReason.allCases.count)
        for reason in PreflightReason.allCases { #expect(PreflightReason(code: reason.code) == reason) }
        #expect(PreflightReason(code: 200) != .allowed)
    }
}

@Suite struct ExplanationTests {
    static let evaluator = PreflightEvaluator(policy: try! CORSPolicy(validating: PolicyConfiguration(
        origins: ["https://app.example.com"], methods: ["PUT"], requestHeaders: ["x-request-id"])))

    /// Every denial is explained, naming the value at fault; allowed requests have no explanation.
    @Test(arguments: [
        (PreflightRequest(origin: "https://app.example.com", method: "PUT", requestHeaders: "x-request-id"), nil),
        (PreflightRequest(origin: "https://app.example.com:443", method: "PUT"), "default port"),
        (PreflightRequest(origin: "https://evil.example.com", method: "PUT"), "\"https://evil.example.com\""),
        (PreflightRequest(origin: "null", method: "PUT"), "null origin"),
        (PreflightRequest(origin: "https://app.example.com", method: "PU T"), "not a method token"),
        (PreflightRequest(origin: "https://app.example.com", method: "DELETE"), "\"DELETE\" is not among"),
        (PreflightRequest(origin: "https://app.example.com", method: "connect"), "forbidden method"),
        (PreflightRequest(origin: "https://app.example.com", method: "PUT", requestHeaders: "x-request-id, x-other"), "\"x-other\""),
        (PreflightRequest(origin: "https://app.example.com", method: "PUT", requestHeaders: "x request"), "\"x request\""),
        (PreflightRequest(origin: "https://app.example.com", method: "PUT", requestHeaders: String(repeating: ",", count: 40)), "empty elements"),
    ] as [(PreflightRequest, String?)])
    func denialsAreExplained(request: PreflightRequest, expected: String?) {
        let decision = Self.evaluator.evaluate(request)
        let explanation = Self.evaluator.explanation(of: decision, for: request)
        if let expected {
            #expect(!decision.isAllowed)
            #expect(explanation?.contains(expected) == true, "\(decision.reason): \(explanation ?? "nil")")
        } else {
            #expect(decision.isAllowed && explanation == nil)
        }
    }
}
