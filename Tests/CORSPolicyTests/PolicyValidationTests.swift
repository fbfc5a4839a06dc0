import CORSPolicy
import JSONValue
import Testing

func problems(_ json: String) -> [String] {
    do {
        _ = try CORSPolicy(json: Array(json.utf8))
        return []
    } catch {
        return error.problems.map(\.description)
    }
}

@Suite struct PolicyValidationTests {
    @Test func theIssueExamplePolicyIsValid() throws {
        let policy = try CORSPolicy(json: Array("""
            {"origins": ["https://app.example.com", "https://*.example.com", "http://localhost:*"],
             "methods": ["PUT", "DELETE"], "requestHeaders": ["content-type", "x-request-id"],
             "exposeHeaders": ["x-trace-id"], "credentials": true, "maxAge": 600, "preflightStatus": 204,
             "allowInsecureOrigins": false, "allowPublicSuffixWildcards": false}
            """.utf8))
        #expect(policy.methods == ["PUT", "DELETE"])
        #expect(policy.requestHeaders == ["content-type", "x-request-id"])
        #expect(policy.summary.contains("3 origin patterns (1 exact, 2 wildcard)"))
    }

    /// Every rule of cors-facts.md section 4, each with the path and words the message must carry.
    @Test(arguments: [
        (#"{"origins": []}"#, "origins", "no origins"),
        (#"{"origins": ["*"], "credentials": true}"#, "origins[0]", "with credentials"),
        (#"{"origins": ["*", "https://a.com"]}"#, "origins[0]", "only entry"),
        (#"{"origins": ["https://a.com", "*"]}"#, "origins[1]", "only entry"),
        (#"{"origins": ["http://app.example.com"], "credentials": true}"#, "origins[0]", "allowInsecureOrigins"),
        (#"{"origins": ["https://*.com"]}"#, "origins[0]", "public suffix \"com\""),
        (#"{"origins": ["https://*.co.uk"]}"#, "origins[0]", "public suffix \"co.uk\""),
        (#"{"origins": ["https://*.github.io"]}"#, "origins[0]", "public suffix \"github.io\""),
        (#"{"origins": ["https://*.foo.ck"]}"#, "origins[0]", "public suffix \"foo.ck\""),
        (#"{"origins": ["https://*.internal"]}"#, "origins[0]", "public suffix"),
        (#"{"origins": ["null"]}"#, "origins[0]", "null origin"),
        (#"{"origins": ["file:///home"]}"#, "origins[0]", "file:"),
        (#"{"origins": ["https://a.com/"]}"#, "origins[0]", "no path"),
        (#"{"origins": ["https://a.com?x=1"]}"#, "origins[0]", "no path"),
        (#"{"origins": ["https://a.com#x"]}"#, "origins[0]", "no path"),
        (#"{"origins": ["https://me@a.com"]}"#, "origins[0]", "userinfo"),
        (#"{"origins": ["https://a.com "]}"#, "origins[0]", "whitespace"),
        (#"{"origins": ["https://A.com"]}"#, "origins[0]", "lowercase"),
        (#"{"origins": ["https://δ.com"]}"#, "origins[0]", "punycode"),
        (#"{"origins": ["http://127.1"]}"#, "origins[0]", "IPv4"),
        (#"{"origins": ["http://0x7f.0.0.1"]}"#, "origins[0]", "IPv4"),
        (#"{"origins": ["https://a.com:443"]}"#, "origins[0]", "default port"),
        (#"{"origins": ["https://a.com:0"]}"#, "origins[0]", "1 and 65535"),
        (#"{"origins": ["https://a.com:65536"]}"#, "origins[0]", "1 and 65535"),
        (#"{"origins": ["https://a.com:080"]}"#, "origins[0]", "leading zero"),
        (#"{"origins": ["https://a*.com"]}"#, "origins[0]", "wildcard may only"),
        (#"{"origins": ["https://*.10.0.0.1"]}"#, "origins[0]", "IP address"),
        (#"{"origins": ["https://a.com", "https://a.com"]}"#, "origins[1]", "duplicate"),
        (#"{"origins": ["*"], "exposeHeaders": ["*"], "credentials": false, "methods": ["CONNECT"]}"#, "methods[0]", "forbidden method"),
        (#"{"origins": ["https://a.com"], "methods": ["TRACE"]}"#, "methods[0]", "forbidden method"),
        (#"{"origins": ["https://a.com"], "methods": ["track"]}"#, "methods[0]", "forbidden method"),
        (#"{"origins": ["https://a.com"], "methods": ["put"]}"#, "methods[0]", "write \"PUT\""),
        (#"{"origins": ["https://a.com"], "methods": ["PU T"]}"#, "methods[0]", "not a method token"),
        (#"{"origins": ["https://a.com"], "methods": ["*", "PUT"]}"#, "methods[0]", "only entry"),
        (#"{"origins": ["https://a.com"], "requestHeaders": ["cookie"]}"#, "requestHeaders[0]", "forbidden request header"),
        (#"{"origins": ["https://a.com"], "requestHeaders": ["Sec-Fetch-Mode"]}"#, "requestHeaders[0]", "forbidden request header"),
        (#"{"origins": ["https://a.com"], "requestHeaders": ["proxy-authorization"]}"#, "requestHeaders[0]", "forbidden request header"),
        (#"{"origins": ["https://a.com"], "requestHeaders": ["access-control-request-method"]}"#, "requestHeaders[0]", "forbidden request header"),
        (#"{"origins": ["https://a.com"], "requestHeaders": ["x y"]}"#, "requestHeaders[0]", "not a header name token"),
        (#"{"origins": ["https://a.com"], "requestHeaders": ["*", "x-id"]}"#, "requestHeaders[1]", "only \"authorization\""),
        (#"{"origins": ["https://a.com"], "requestHeaders": ["X-Id", "x-id"]}"#, "requestHeaders[1]", "duplicate"),
        (#"{"origins": ["https://a.com"], "exposeHeaders": ["*"], "credentials": true}"#, "exposeHeaders[0]", "literal name with credentials"),
        (#"{"origins": ["https://a.com"], "exposeHeaders": ["a b"]}"#, "exposeHeaders[0]", "token"),
        (#"{"origins": ["https://a.com"], "maxAge": -2}"#, "maxAge", "between -1 and 86400"),
        (#"{"origins": ["https://a.com"], "maxAge": 86401}"#, "maxAge", "between -1 and 86400"),
        (#"{"origins": ["https://a.com"], "preflightStatus": 302}"#, "preflightStatus", "ok status"),
    ])
    func eachRuleIsEnforcedAndNamed(json: String, path: String, words: String) {
        let found = problems(json)
        #expect(found.contains { $0.hasPrefix(path) && $0.contains(words) }, "\(json) gave \(found)")
    }

    @Test(arguments: [
        #"{"origins": ["https://*.com"], "allowPublicSuffixWildcards": true}"#,
        #"{"origins": ["http://app.example.com"], "credentials": true, "allowInsecureOrigins": true}"#,
        #"{"origins": ["http://app.example.com"]}"#,
        #"{"origins": ["http://localhost:*", "http://127.0.0.1:3000", "http://[::1]:*", "http://*.localhost"], "credentials": true}"#,
        #"{"origins": ["https://*.www.ck", "https://*.example.co.uk", "https://*.user.github.io"]}"#,
        #"{"origins": ["*"], "methods": ["*"], "requestHeaders": ["*", "authorization"], "exposeHeaders": ["*"]}"#,
        #"{"origins": ["https://a.com"], "maxAge": -1}"#,
        #"{"origins": ["https://a.com"], "maxAge": 86400, "preflightStatus": 200}"#,
        #"{"origins": ["https://a.com"], "maxAge": null}"#,
    ])
    func optInsAndSafeConfigurationsAreAccepted(json: String) {
        #expect(problems(json) == [])
    }

    @Test func reportsEveryProblemAtOnceWithPositions() {
        let found = problems("{\n  \"origins\": [\"https://*.com\",\n    \"*\"],\n  \"credentials\": true,\n  \"maxAge\": 90000\n}")
        #expect(found.count >= 4)
        #expect(found.contains { $0.hasPrefix("origins[1] (line 3, column 5)") })
        #expect(found.contains { $0.hasPrefix("maxAge (line 5, column 13)") })
    }

    @Test(arguments: [
        ("{\"origins\": [\"https://a.com\"], \"maxage\": 5}", "unknown key \"maxage\" (did you mean \"maxAge\"?)"),
        ("{\"origins\": \"https://a.com\"}", "origins (line 1, column 13): expected an array of strings, found a string"),
        ("{\"origins\": [1]}", "origins[0] (line 1, column 14): expected a string, found a number"),
        ("{\"origins\": [\"https://a.com\"], \"credentials\": \"yes\"}", "credentials (line 1, column 47): expected true or false"),
        ("{\"origins\": [\"https://a.com\"], \"maxAge\": 1.5}", "maxAge (line 1, column 42): expected an integer"),
        ("{\"methods\": []}", "missing required key \"origins\""),
        ("[]", "a policy must be a JSON object"),
        ("{\"origins\": [\"https://a.com\"],}", "line 1, column 31: unexpected '}', expected a quoted key"),
    ])
    func fileErrorsNameTheKeyAndPosition(json: String, message: String) {
        let found = problems(json)
        #expect(found.contains { $0.contains(message) }, "\(found)")
    }

    @Test func maxAgeAboveChromiumsCapIsAWarningNotAnError() throws {
        let policy = try CORSPolicy(json: Array(#"{"origins": ["https://a.com"], "maxAge": 7201}"#.utf8))
        #expect(policy.warnings.first?.message.contains("Chromium caps") == true)
    }

    @Test func configurationRoundTripsThroughJSON() throws {
        let configuration = PolicyConfiguration(origins: ["https://a.com"], methods: ["PUT"], requestHeaders: ["x-id"],
                                                credentials: true, maxAge: 60)
        let decoded = try PolicyConfiguration(json: configuration.jsonValue)
        #expect(decoded == configuration)
    }
}
