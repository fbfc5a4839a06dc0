import OriginMatching
import Testing

func parseOrigin(_ text: String) -> String {
    RequestOrigin.withParsed(text) { result in
        switch result {
        case let .origin(o): return "origin scheme=\(o.schemeLength) host=\(o.hostStart)..<\(o.hostEnd) port=\(o.port)"
        case .opaque: return "opaque"
        case .malformed: return "malformed"
        }
    }
}

@Suite struct RequestOriginTests {
    @Test(arguments: [
        "https://example.com", "http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:8080",
        "https://xn--bcher-kva.example", "https://a-b_c.example.com:65535", "chrome-extension://abcdef",
        "https://[2001:db8::1]", "http://10.0.0.1", "https://1.2.3.4:1",
    ])
    func acceptsSerializedOrigins(text: String) {
        #expect(parseOrigin(text).hasPrefix("origin"))
    }

    @Test(arguments: [
        "", "https://", "https:/example.com", "https//example.com", "HTTPS://example.com", "https://EXAMPLE.com",
        "https://example.com/", "https://example.com/path", "https://example.com?q", "https://example.com#f",
        "https://user@example.com", "https://example.com:443", "http://example.com:80", "https://example.com:0",
        "https://example.com:65536", "https://example.com:08080", "https://example.com:", "https://example.com:8a",
        " https://example.com", "https://example.com ", "https://exa mple.com", "https://example.com.",
        "https://.example.com", "https://a..b", "http://127.1:3000", "http://0x7f.0.0.1", "http://127.0.0.01",
        "http://256.0.0.1", "http://1.2.3.4.5", "https://bücher.example", "https://example.com, https://evil.com",
        "http://[::0:1]", "http://[0::1]", "http://[::FFFF]", "http://[::ffff:1.2.3.4]", "http://[1:2:3:4:5:6:7:8:9]",
        "http://[::1", "https://*.example.com", "https://example.com:*", "1https://x", "https://x\u{0}y",
        String(repeating: "a", count: 4096), "https://" + String(repeating: "a.", count: 200) + "com",
        "https://" + String(repeating: "a", count: 64) + ".com",
    ])
    func refusesAnythingButAByteExactSerializedOrigin(text: String) {
        #expect(parseOrigin(text) == "malformed", "\(text)")
    }

    @Test func nullIsOpaque() {
        #expect(parseOrigin("null") == "opaque")
        #expect(parseOrigin("NULL") == "malformed")
    }

    @Test func canonicalIPv6Compression() {
        #expect(parseOrigin("http://[::]") .hasPrefix("origin"))
        #expect(parseOrigin("http://[1::]").hasPrefix("origin"))
        #expect(parseOrigin("http://[1:0:0:2::3]").hasPrefix("origin"))
        // The first longest zero run is compressed, never a single zero piece.
        #expect(parseOrigin("http://[1::2:0:0:0:3]") == "malformed")
        #expect(parseOrigin("http://[1::2:0:0:3]").hasPrefix("origin"))
        #expect(parseOrigin("http://[1:0::2]") == "malformed")
        #expect(parseOrigin("http://[1:0:2:3:4:5:6:7]").hasPrefix("origin"))
    }

    @Test func aMebibyteOriginIsRefusedWithoutScanning() {
        let huge = "https://" + String(repeating: "a", count: 1 << 20)
        #expect(parseOrigin(huge) == "malformed")
    }
}

@Suite struct OriginPatternTests {
    @Test(arguments: [
        ("https://example.com", false, OriginPattern.PortRule.defaultPort),
        ("https://*.example.com", true, .defaultPort),
        ("http://localhost:*", false, .any),
        ("https://*.example.com:*", true, .any),
        ("http://127.0.0.1:3000", false, .exact(3000)),
    ])
    func parsesTheFourShapes(text: String, wildcard: Bool, port: OriginPattern.PortRule) throws {
        let p = try OriginPattern.parse(text)
        #expect(p.isWildcardHost == wildcard)
        #expect(p.port == port)
        #expect(p.text == text)
    }

    @Test(arguments: [
        ("null", "null origin"), ("file:///etc", "file:"), ("*", "only origin"),
        ("https://example.com/", "no path"), ("https://example.com/api", "no path"), ("https://example.com?x", "no path"),
        ("https://u:p@example.com", "userinfo"), ("https://exa mple.com", "whitespace"), ("https://Example.com", "lowercase"),
        ("https://bücher.de", "punycode"), ("http://127.1", "canonical dotted-quad"), ("http://0x7f.0.0.1", "canonical dotted-quad"),
        ("https://example.com:443", "default port"), ("https://example.com:0", "between 1 and 65535"),
        ("https://example.com:70000", "between 1 and 65535"), ("https://example.com:0443", "leading zero"),
        ("https://*example.com", "wildcard may only"), ("https://a.*.example.com", "wildcard may only"),
        ("*://example.com", "wildcard may only"), ("https://example.*", "wildcard may only"), ("https://example.com:8*", "wildcard may only"),
        ("https://*.1.2.3.4", "IP address"), ("https://*.[::1]", "IP address"), ("https://", "host is empty"),
        ("example.com", "scheme://host"), ("https://a..com", "empty label"),
    ])
    func refusesMalformedPatternsNamingTheRule(text: String, rule: String) {
        #expect {
            try OriginPattern.parse(text)
        } throws: { error in
            (error as? OriginPatternError)?.description.contains(rule) == true
        }
    }

    @Test func loopbackHosts() throws {
        for text in ["http://localhost:*", "http://127.0.0.1:3000", "http://[::1]:*", "http://*.localhost", "http://127.9.9.9"] {
            #expect(try OriginPattern.parse(text).isLoopback, "\(text)")
        }
        for text in ["http://localhost.evil.com", "http://128.0.0.1", "http://example.com"] {
            #expect(try !OriginPattern.parse(text).isLoopback, "\(text)")
        }
    }
}
