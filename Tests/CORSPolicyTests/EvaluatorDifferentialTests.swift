@testable import CORSPolicy
import InternalByteUtilities
@testable import OriginMatching
import PreflightWorkload
import Testing

/// The word-wise evaluator against `ReferencePreflightEvaluator`: the same
/// reason for random, adversarial and fuzzer-style inputs, on policies that exercise every path (exact,
/// wildcard and any-port origins, `*` origins, methods and headers, names
/// longer than 16 bytes), with every matcher.
@Suite struct EvaluatorDifferentialTests {
    /// A 195-byte wildcard suffix: with a short label in front, hosts cross the 253-byte limit.
    static let longSuffix = [String](repeating: String(repeating: "s", count: 60), count: 3).joined(separator: ".") + ".suffix.dev"

    static let policies: [CORSPolicy] = [
        try! CORSPolicy(validating: PolicyConfiguration(
            origins: ["https://app.example.com", "https://*.example.com", "http://localhost:*", "https://a_b.example.org",
                      "http://127.0.0.1:3000", "https://[::1]:8443", "https://*.t9.example.net:*", "https://x.co:8080",
                      "https://" + String(repeating: "l", count: 63) + ".example.io", "wss://socket.example.com",
                      "http://[::1]:*", "http://127.0.0.2:*", "https://*.a-b.example.org:*", "https://*." + Self.longSuffix],
            methods: ["PUT", "DELETE", "PATCH", "M-SEARCH", "VERYLONGMETHOD", "purge"],
            requestHeaders: ["content-type", "x-request-id", "authorization", "x-requested-with", "x-amz-content-sha256",
                             "accept-version", "x.dotted_name", "if-unmodified-since"],
            credentials: true, maxAge: 600)),
        try! CORSPolicy(validating: PolicyConfiguration(origins: ["*"], methods: ["*"], requestHeaders: ["*"])),
        try! CORSPolicy(validating: PolicyConfiguration(
            origins: ["https://app.example.com", "https://*.example.com"], methods: ["*"], requestHeaders: ["*", "authorization"])),
        try! CORSPolicy(validating: PolicyConfiguration(origins: ["https://only.example.com"])),
    ]

    static let originSamples: [String] = [
        "https://app.example.com", "https://api.example.com", "https://a.b.example.com", "https://example.com", "http://localhost",
        "http://localhost:3000", "http://localhost:0", "http://localhost:080", "http://localhost:80", "https://app.example.com:443",
        "https://app.example.com:65535", "https://app.example.com:65536", "https://app.example.com:123456", "http://localhost:",
        "https://APP.example.com", "https://app.example.com/", "https://app.example.com.", "https://.example.com", "https://a..example.com",
        "https://a_b.example.org", "http://127.0.0.1:3000", "http://127.1:3000", "http://0x7f.0.0.1", "https://1.2.3.4", "https://a.1b",
        "https://a.0x1f", "https://a.b1", "https://[::1]:8443", "https://[::0001]:8443", "null", "NULL", "", "https://", "http://",
        "https://evilexample.com", "https://app.example.com.evil.net", "https://app.example.com, https://evil.com", "https://app example.com",
        "https://app.example.com\t", "https://\u{e9}.example.com", "https://api.t9.example.net:9000", "https://api.t9.example.net",
        "https://x.co:8080", "https://x.co", "wss://socket.example.com", "ws://socket.example.com", "ftp://x.co",
        "https://" + String(repeating: "l", count: 63) + ".example.io", "https://" + String(repeating: "l", count: 64) + ".example.io",
        "https://" + String(repeating: "a.", count: 30) + "example.com", "https://a-.example.com", "https://-a.example.com",
        "https://a:b@example.com", "https://example.com?x", "https://example.com#y", "https://*.example.com", "https://example.com:*",
        "https://" + String(repeating: "v", count: 50) + "." + Self.longSuffix, "https://" + String(repeating: "v", count: 60) + "." + Self.longSuffix,
        "https://a..t9.example.net", "https://_x.example.com", "https://x_.api.example.com", "https://-.example.com",
        "https://" + String(repeating: "p", count: 63) + ".example.com", "https://" + String(repeating: "p", count: 64) + ".example.com",
        "https://" + String(repeating: "abcdefgh.", count: 27) + "example.com", "https://" + String(repeating: "abcdefgh.", count: 28) + "example.com",
        "http://[::1]:9000", "http://[::1]", "http://[::1]:80", "http://[::1]:08", "http://127.0.0.2:1", "http://127.0.0.2", "http://127.0.0.02:1",
        "https://x.a-b.example.org:1", "https://a-b.example.org:1", "https://X.a-b.example.org", "https://x.a-b.example.org:",
        "https://x.a-b.example.org:00", "https://x.a-b.example.org:99999", "https://x.a-b.example.org::1", "https://x:1.a-b.example.org",
        "https://api.example.com:443", "https://api.example.com:8443", "http://api.example.com", "https://api.example.com/x:1",
        "https://a b.example.com", "https://a\u{0}.example.com", "https://\u{e9}.example.com", "https://a.example.com.",
        "https://1.example.com", "https://a.1.example.com", "http://localhost:3000", "http://LOCALHOST:3000", "http://localhost.:3000",
        String(repeating: "h", count: 4096), "https://" + String(repeating: "a", count: 1 << 20),
    ]
    static let methodSamples: [String] = [
        "GET", "HEAD", "POST", "get", "post", "PUT", "put", "DELETE", "PATCH", "patch", "purge", "PURGE", "M-SEARCH", "CONNECT", "connect",
        "TRACE", "trace", "TrAcK", "TRACK", "OPTIONS", "VERYLONGMETHOD", "VERYLONGMETHOD2", "VERYLONG", "VERYLONGM", "", "G ET", "GET\u{0}",
        "PUT\n", "{PUT}", "\u{e9}", String(repeating: "A", count: 64), String(repeating: "A", count: 65), "~!#$%&'*+-.^_`|", "CONNECTX",
    ]
    static let headerSamples: [String?] = [
        nil, "", "content-type", "content-type,x-request-id", "authorization,content-type,x-request-id", "x-requested-with",
        "x-amz-content-sha256", "x-amz-content-sha257", "if-unmodified-since", "x.dotted_name", "accept-version,x-unknown",
        "x-unknown,content-type", "Content-Type", "CONTENT-TYPE, X-Request-ID", " content-type", "content-type ", "\tcontent-type\t",
        "content-type,,x-request-id", ",content-type", "content-type,", ",", ",,", String(repeating: ",", count: 16),
        String(repeating: ",", count: 17), String(repeating: ",", count: 17) + "x", "x-unknown" + String(repeating: ",", count: 17),
        "authorization", "Authorization", "content-type,authorization", "x-a b", "x-\u{0}", "\u{0}", "content-type\u{0}", "x(y)",
        "content-type;x-request-id", "x-requested-withx", "x-requested-wit", String(repeating: "a", count: 8000),
        String(repeating: "a", count: 8193), String(repeating: "x-h,", count: 2047), String(repeating: "content-type,", count: 600),
        "content-type , x-request-id", "x-request-id,content-type,x-request-id", "\u{e9}", "content-typ\u{e9}",
    ]

    static func check(_ fast: PreflightEvaluator, _ reference: ReferencePreflightEvaluator, _ origin: [UInt8], _ method: [UInt8], _ headers: [UInt8]?) -> Bool {
        let expected = reference.evaluate(origin: origin, method: method, requestHeaders: headers)
        let got = origin.withUnsafeBytes { o in
            method.withUnsafeBytes { m in
                guard let headers else { return fast.evaluate(origin: o, method: m, requestHeaders: nil) }
                return headers.withUnsafeBytes { fast.evaluate(origin: o, method: m, requestHeaders: $0) }
            }
        }
        let same = got.reason == expected.reason
        if !same {
            Issue.record("""
                origin \(String(decoding: origin.prefix(80), as: UTF8.self).debugDescription) method \(String(decoding: method, as: UTF8.self).debugDescription) \
                headers \(headers.map { String(decoding: $0.prefix(80), as: UTF8.self).debugDescription } ?? "nil"): \
                fast \(got.reason), reference \(expected.reason)
                """)
        }
        return same
    }

    @Test(arguments: OriginMatcherKind.allCases)
    func everySampleCombinationDecidesAsTheReference(matcher: OriginMatcherKind) {
        for policy in Self.policies {
            let fast = PreflightEvaluator(policy: policy, matcher: matcher), reference = ReferencePreflightEvaluator(policy: policy)
            var failures = 0
            for origin in Self.originSamples {
                for method in Self.methodSamples.prefix(matcher == .trie ? Self.methodSamples.count : 6) {
                    for headers in Self.headerSamples where failures < 10 {
                        if !Self.check(fast, reference, Array(origin.utf8), Array(method.utf8), headers.map { Array($0.utf8) }) { failures += 1 }
                    }
                }
            }
        }
    }

    /// Mutations of valid inputs, one or a few bytes at a time, and random bytes, as a fuzzer starts.
    @Test func randomMutationsDecideAsTheReference() {
        var rng = SplitMix64(seed: 20261127)
        let alphabet = Array("abcxyzAZ019-._:/,* \t@[]\u{0}\u{7f}".utf8) + [0x80, 0xC3, 0xFF]
        func mutate(_ bytes: [UInt8]) -> [UInt8] {
            var out = bytes
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let choice = rng.next() % 4
                let position = out.isEmpty ? 0 : Int(rng.next() % UInt64(out.count + 1))
                let byte = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                switch choice {
                case 0 where position < out.count: out[position] = byte
                case 1: out.insert(byte, at: position)
                case 2 where position < out.count: out.remove(at: position)
                default: if position < out.count { out[position] ^= 0x20 }
                }
            }
            return out
        }
        var failures = 0
        for policy in Self.policies {
            let fast = PreflightEvaluator(policy: policy), reference = ReferencePreflightEvaluator(policy: policy)
            for _ in 0..<20_000 where failures < 10 {
                let origin = Array(Self.originSamples[Int(rng.next() % UInt64(Self.originSamples.count - 2))].utf8)
                let method = Array(Self.methodSamples[Int(rng.next() % UInt64(Self.methodSamples.count))].utf8)
                let headers = Self.headerSamples[Int(rng.next() % UInt64(Self.headerSamples.count - 5))].map { Array($0.utf8) }
                let randomBytes = (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                let cases: [([UInt8], [UInt8], [UInt8]?)] = [
                    (mutate(origin), method, headers), (origin, mutate(method), headers), (origin, method, headers.map(mutate)),
                    (randomBytes, method, headers), (origin, method, randomBytes),
                ]
                for (o, m, h) in cases where !Self.check(fast, reference, o, m, h) { failures += 1 }
            }
        }
    }

    /// The traffic of every preset scenario: generated origins (near misses
    /// included), methods and header lists, browser-form and noisy.
    @Test func presetTrafficDecidesAsTheReference() throws {
        var failures = 0
        for scenario in Scenario.presets {
            var small = scenario
            small.requests = 1 << 10
            let stream = try RequestStream(scenario: small)
            let fast = PreflightEvaluator(policy: stream.policy), reference = ReferencePreflightEvaluator(policy: stream.policy)
            for i in 0..<stream.count where failures < 10 {
                let request = stream.request(i)
                if !Self.check(fast, reference, Array(request.origin.utf8), Array(request.method.utf8), request.requestHeaders.map { Array($0.utf8) }) {
                    failures += 1
                }
            }
        }
    }

    /// The constants the fast paths compare against are the words of their text.
    @Test func wordConstantsSpellTheirText() {
        #expect(MethodWords.get == Word.literal("GET"))
        #expect(MethodWords.head == Word.literal("HEAD"))
        #expect(MethodWords.post == Word.literal("POST"))
        #expect(MethodWords.connect == Word.literal("CONNECT"))
        #expect(MethodWords.trace == Word.literal("TRACE"))
        #expect(MethodWords.track == Word.literal("TRACK"))
        #expect(HeaderNameTable.authorizationFirst == Word.literal("authoriz"))
        #expect(HeaderNameTable.authorizationSecond == Word.literal("ation"))
        #expect(RequestOrigin.httpsPrefix == Word.literal("https://"))
        #expect(RequestOrigin.httpPrefix == Word.literal("http://"))
    }
}
