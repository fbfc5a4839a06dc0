import Foundation
import InternalByteUtilities
import OriginMatching
import Testing

func decide(_ kind: OriginMatcherKind, _ patterns: [String], _ origin: String) throws -> Bool {
    let matcher = kind.makeMatcher(patterns: try patterns.map { try OriginPattern.parse($0) })
    return RequestOrigin.withParsed(origin) { result in
        if case let .origin(o) = result { return matcher.matches(o) }
        return false
    }
}

@Suite struct OriginMatcherVectorTests {
    /// cors-facts.md section 5, every row, for every strategy.
    static let vectors: [([String], String, Bool)] = [
        (["https://example.com"], "https://example.com", true),
        (["https://example.com"], "http://example.com", false),
        (["https://example.com"], "https://example.com:8443", false),
        (["https://example.com"], "https://example.com.evil.net", false),
        (["https://example.com"], "https://evilexample.com", false),
        (["https://example.com"], "https://example.com/", false),
        (["https://example.com"], "https://EXAMPLE.com", false),
        (["https://example.com"], "null", false),
        (["https://example.com"], "https://example.com, https://evil.com", false),
        (["https://foo.com", "https://bar.com"], "https://barfoo.com", false),
        (["https://*.example.com"], "https://api.example.com", true),
        (["https://*.example.com"], "https://a.b.example.com", true),
        (["https://*.example.com"], "https://example.com", false),
        (["https://*.example.com"], "https://evil-example.com", false),
        (["https://*.example.com"], "https://.example.com", false),
        (["https://*.example.com:*"], "https://api.example.com:8443", true),
        (["http://localhost:*"], "http://localhost", true),
        (["http://localhost:*"], "http://localhost.evil.com:9090", false),
        (["http://127.0.0.1:3000"], "http://127.1:3000", false),
        (["https://example.com"], "https://" + String(repeating: "a", count: 4096) + ".com", false),
    ]

    @Test(arguments: OriginMatcherKind.allCases)
    func factsFileVectors(kind: OriginMatcherKind) throws {
        for (patterns, origin, expected) in Self.vectors {
            #expect(try decide(kind, patterns, origin) == expected, "\(kind) \(patterns) \(origin.prefix(60))")
        }
    }

    @Test(arguments: OriginMatcherKind.allCases)
    func portsAndSchemesCombine(kind: OriginMatcherKind) throws {
        let patterns = ["https://*.example.com:*", "http://example.com:8080", "wss://chat.example.com"]
        #expect(try decide(kind, patterns, "https://a.example.com"))
        #expect(try decide(kind, patterns, "https://a.example.com:1"))
        #expect(try !decide(kind, patterns, "https://example.com:1"))
        #expect(try !decide(kind, patterns, "http://a.example.com"))
        #expect(try decide(kind, patterns, "http://example.com:8080"))
        #expect(try !decide(kind, patterns, "http://example.com"))
        #expect(try !decide(kind, patterns, "http://example.com:8081"))
        #expect(try decide(kind, patterns, "wss://chat.example.com"))
        #expect(try !decide(kind, patterns, "ws://chat.example.com"))
    }

    @Test(arguments: OriginMatcherKind.allCases)
    func emptyPatternListMatchesNothing(kind: OriginMatcherKind) throws {
        #expect(try !decide(kind, [], "https://example.com"))
    }
}


@Suite struct OriginMatcherDifferentialTests {
    static let labels = ["foo", "bar", "barfoo", "foobar", "example", "exampl", "com", "co", "uk", "a", "b", "api", "localhost",
                         "xn--bcher-kva", "x", "tenant-1", "app_2", "verylonglabelnamethatexceedseightbytes", "verylonglabelnamethatexceedseightbytez"]
    static let schemes = ["https", "http", "wss", "chrome-extension"]

    static func randomHost(_ rng: inout SplitMix64) -> String {
        (0..<Int.random(in: 1...4, using: &rng)).map { _ in labels.randomElement(using: &rng)! }.joined(separator: ".")
    }

    static func randomPattern(_ rng: inout SplitMix64) -> String {
        let scheme = schemes.randomElement(using: &rng)!
        let wildcard = Int.random(in: 0..<3, using: &rng) == 0
        var host = randomHost(&rng)
        if Int.random(in: 0..<12, using: &rng) == 0 { host = ["127.0.0.1", "[::1]", "10.1.2.3"].randomElement(using: &rng)! }
        let ports = ["", ":*", ":8080", ":3000", ":1"]
        if wildcard && !host.hasPrefix("[") && !host.first!.isNumber { host = "*." + host }
        return scheme + "://" + host + ports.randomElement(using: &rng)!
    }

    /// Adversarial near-misses of a pattern: dropped dots, extra labels, shared
    /// suffixes, ports, schemes, case, trailing dots, unicode, long inputs.
    static func nearMisses(of pattern: String, _ rng: inout SplitMix64) -> [String] {
        var base = pattern.replacingOccurrences(of: "*.", with: "").replacingOccurrences(of: ":*", with: "")
        let host = String(base.split(separator: "/").last!)
        var out: [String] = [base, "https://x." + host, base + ".", base.uppercased(), base + ":8080", base + ":3000"]
        out.append(base.replacingOccurrences(of: "://", with: "://evil"))
        out.append(base.replacingOccurrences(of: "://", with: "://a."))
        out.append(base.replacingOccurrences(of: "://", with: "://a.b."))
        out.append(base.replacingOccurrences(of: ".", with: ""))
        out.append(base.replacingOccurrences(of: "https", with: "http"))
        out.append(base.replacingOccurrences(of: "http:", with: "https:"))
        out.append(base + "/")
        out.append(base.replacingOccurrences(of: "example", with: "exämple"))
        out.append(base.replacingOccurrences(of: "://", with: "://" + String(repeating: "a", count: 300) + "."))
        if let dot = base.firstIndex(of: ".") { base.remove(at: dot); out.append(base) }
        out.append(schemes.randomElement(using: &rng)! + "://" + randomHost(&rng))
        out.append(schemes.randomElement(using: &rng)! + "://" + randomHost(&rng) + ["", ":8080", ":1"].randomElement(using: &rng)!)
        return out
    }

    @Test func everyStrategyAgreesWithTheReferenceOnRandomPolicies() throws {
        var rng = SplitMix64(seed: 0x5EED)
        var decided = 0, allowed = 0
        for round in 0..<300 {
            let texts = Set((0..<Int.random(in: 1...12, using: &rng)).map { _ in Self.randomPattern(&rng) })
            let patterns = texts.compactMap { try? OriginPattern.parse($0) }
            let matchers = OriginMatcherKind.allCases.map { ($0, $0.makeMatcher(patterns: patterns)) }
            let origins = texts.flatMap { Self.nearMisses(of: $0, &rng) }
            for origin in origins {
                RequestOrigin.withParsed(origin) { result in
                    guard case let .origin(o) = result else { return }
                    let expected = patterns.contains { $0.matches(o) }
                    decided += 1
                    if expected { allowed += 1 }
                    for (kind, matcher) in matchers {
                        #expect(matcher.matches(o) == expected, "round \(round) \(kind) patterns \(texts.sorted()) origin \(origin)")
                    }
                }
            }
        }
        // The generator must exercise both outcomes substantially, or the test proves little.
        #expect(decided > 3000)
        #expect(allowed > decided / 10 && allowed < decided * 9 / 10)
    }
}

@Suite struct OriginMatcherEdgeTests {
    func agree(_ patterns: [String], _ origins: [String]) throws {
        let parsed = try patterns.map { try OriginPattern.parse($0) }
        let matchers = OriginMatcherKind.allCases.map { ($0, $0.makeMatcher(patterns: parsed)) }
        for origin in origins {
            RequestOrigin.withParsed(origin) { result in
                guard case let .origin(o) = result else { return }
                let expected = parsed.contains { $0.matches(o) }
                for (kind, matcher) in matchers {
                    #expect(matcher.matches(o) == expected, "\(kind) \(origin)")
                }
            }
        }
    }

    /// Every host length across chunk boundaries, and keys past the 48 inline bytes.
    @Test func hostLengthsAcrossChunkAndInlineBoundaries() throws {
        var patterns: [String] = []
        var origins: [String] = []
        for length in 1...70 {
            // Labels of up to 9 bytes, so dots land at every offset of a chunk.
            var label = ""
            while label.count < length { label += (label.isEmpty ? "" : ".") + String(repeating: "x", count: min(9, length - label.count)) }
            label = String(label.prefix(length))
            if label.hasSuffix(".") { label.removeLast(); label += "z" }
            patterns += ["https://\(label).io", "https://*.\(label).io", "http://\(label).io:*"]
            origins += ["https://\(label).io", "https://a.\(label).io", "https://ab.cd.\(label).io", "http://\(label).io:9",
                        "https://\(label)y.io", "https://y\(label).io", "https://a.\(label).io:1", "http://a.\(label).io"]
        }
        try agree(patterns, origins)
    }

    /// Schemes past 16 bytes are compared by hash first, then byte for byte.
    @Test func longSchemes() throws {
        let long = "web+some-long-scheme-name"
        try agree(["\(long)://app.example.com", "\(long)://*.example.com:*", "\(long)x://other.example.com"],
                  ["\(long)://app.example.com", "\(long)://a.example.com:9", "\(long)x://app.example.com", "\(long)x://other.example.com",
                   "web+some-long-scheme-namf://app.example.com", "https://app.example.com"])
    }

    @Test func tinyOriginsAndSingleLabelHosts() throws {
        try agree(["a://b", "a://*.b", "a://c:*", "http://x:*"], ["a://b", "a://c.b", "a://c", "a://c:1", "http://x", "http://x:80", "a://bb", "b://b"])
    }

    /// A host with many ports keeps its rules in a sorted list; any-port and default-port rules mix in.
    @Test func hostsWithManyPortsAndSchemes() throws {
        var patterns = (0..<200).map { "http://localhost:\(3000 + 2 * $0)" }
        patterns += ["https://*.example.com:8443", "https://*.example.com", "wss://*.example.com:*", "http://dev.example.com:*",
                     "https://dev.example.com:9000"]
        let origins = (2990...3410).map { "http://localhost:\($0)" }
            + ["http://localhost", "https://a.example.com", "https://a.example.com:8443", "https://a.example.com:8444",
               "wss://a.example.com:1", "ws://a.example.com", "http://dev.example.com", "http://dev.example.com:5",
               "https://dev.example.com:9000", "https://dev.example.com:9001", "https://dev.example.com"]
        try agree(patterns, origins)
    }
}
