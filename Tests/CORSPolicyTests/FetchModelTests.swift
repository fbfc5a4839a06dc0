import CORSPolicy
import InternalByteUtilities
import OriginMatching
import Testing

/// A small model of what a browser does with a preflight response, written from
/// the Fetch standard ("CORS check" and "CORS-preflight fetch") independently
/// of the engine, so the engine's headers are checked against the consumer.
enum FetchModel {
    static func list(_ value: String?) -> [String] {
        (value ?? "").split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
    }

    /// Whether a browser proceeds with the actual request after this preflight.
    static func accepts(_ response: PreflightResponse, origin: String, method: String, headerNames: [String], credentials: Bool) -> Bool {
        guard (200...299).contains(response.status) else { return false }
        // CORS check: `*` is a wildcard only without credentials.
        guard let allowOrigin = response["access-control-allow-origin"] else { return false }
        if !(allowOrigin == "*" && !credentials) && allowOrigin != origin { return false }
        if credentials && response["access-control-allow-credentials"] != "true" { return false }
        let methods = list(response["access-control-allow-methods"])
        let names = list(response["access-control-allow-headers"]).map { $0.lowercased() }
        if !methods.contains(method) && !["GET", "HEAD", "POST"].contains(method) && (credentials || !methods.contains("*")) { return false }
        for name in headerNames.map({ $0.lowercased() }) where !names.contains(name) {
            // `authorization` is a CORS non-wildcard request-header name.
            if name == "authorization" || credentials || !names.contains("*") { return false }
        }
        return true
    }
}

extension BrowserPreflightCheck {
    /// The library's check on a `PreflightResponse`, for comparing with `FetchModel`.
    static func accepts(_ response: PreflightResponse, request: PreflightRequest, credentials: Bool) -> Bool {
        func bytes(_ name: String) -> [UInt8]? { response[name].map { Array($0.utf8) } }
        let o = bytes("access-control-allow-origin"), c = bytes("access-control-allow-credentials")
        let m = bytes("access-control-allow-methods"), h = bytes("access-control-allow-headers")
        func with(_ value: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> Bool) -> Bool {
            guard let value else { return body(nil) }
            return value.withUnsafeBytes { body($0) }
        }
        return with(o) { o in with(c) { c in with(m) { m in with(h) { h in
            with(Array(request.origin.utf8)) { origin in with(Array(request.method.utf8)) { method in
                with(request.requestHeaders.map { Array($0.utf8) }) { headers in
                    outcome(of: Response(status: response.status, allowOrigin: o, allowCredentials: c, allowMethods: m, allowHeaders: h),
                            origin: origin!, method: method!, requestHeaders: headers, credentials: credentials).isAccepted
                }
            } }
        } } } }
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

@Suite struct FetchModelTests {
    static let originPool = ["https://app.example.com", "https://a.b.example.com", "https://example.com", "https://evilexample.com",
                             "http://localhost:3000", "http://localhost", "https://foo.com", "https://bar.com", "https://barfoo.com",
                             "null", "https://api.example.com:8443", "http://127.0.0.1:3000"]
    static let patternPool = ["https://app.example.com", "https://*.example.com", "http://localhost:*", "https://foo.com",
                              "https://bar.com", "https://*.example.com:*", "http://127.0.0.1:3000"]
    static let methodPool = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get", "QUERY"]
    static let headerPool = ["content-type", "x-request-id", "authorization", "x-csrf-token", "accept-version"]

    /// The policy's intent, computed from the configuration with plain strings.
    static func intended(_ c: PolicyConfiguration, _ patterns: [OriginPattern], origin: String, method: String, headers: [String]) -> Bool {
        let originOK: Bool
        if c.origins == ["*"] { originOK = true } else {
            originOK = RequestOrigin.withParsed(origin) { result in
                if case let .origin(o) = result { return patterns.contains { $0.matches(o) } }
                return false
            }
        }
        let methodOK = ["GET", "HEAD", "POST"].contains(method) || c.methods.contains(method) || c.methods == ["*"]
        let headersOK = headers.allSatisfy { name in
            c.requestHeaders.contains(name) || (c.requestHeaders.contains("*") && name != "authorization")
        }
        return originOK && methodOK && headersOK
    }

    @Test func responsesMakeBrowsersAcceptExactlyWhatThePolicyAllows() throws {
        var rng = SplitMix64(seed: 42)
        var allowedCount = 0, total = 0
        for _ in 0..<400 {
            let anyOrigin = Int.random(in: 0..<5, using: &rng) == 0
            let credentials = !anyOrigin && Bool.random(using: &rng)
            var c = PolicyConfiguration(origins: anyOrigin ? ["*"] : Array(Set(Self.patternPool.filter { _ in Bool.random(using: &rng) })).sorted())
            if c.origins.isEmpty { c.origins = ["https://app.example.com"] }
            c.credentials = credentials
            c.methods = Int.random(in: 0..<6, using: &rng) == 0 ? ["*"] : ["PUT", "DELETE", "PATCH"].filter { _ in Bool.random(using: &rng) }
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: c.requestHeaders = ["*"]
            case 1: c.requestHeaders = ["*", "authorization"]
            default: c.requestHeaders = Self.headerPool.filter { _ in Bool.random(using: &rng) }
            }
            c.maxAge = [nil, 0, 600].randomElement(using: &rng)!
            let policy = try CORSPolicy(validating: c)
            let patterns = c.origins == ["*"] ? [] : try c.origins.map { try OriginPattern.parse($0) }
            let evaluator = PreflightEvaluator(policy: policy, matcher: OriginMatcherKind.allCases.randomElement(using: &rng)!)
            for _ in 0..<20 {
                let origin = Self.originPool.randomElement(using: &rng)!
                let method = Self.methodPool.randomElement(using: &rng)!
                let names = Self.headerPool.filter { _ in Int.random(in: 0..<3, using: &rng) == 0 }.sorted()
                let request = PreflightRequest(origin: origin, method: method, requestHeaders: names.isEmpty ? nil : names.joined(separator: ","))
                let decision = evaluator.evaluate(request)
                let response = evaluator.response(to: request, decision: decision)
                let intent = Self.intended(c, patterns, origin: origin, method: method, headers: names)
                total += 1
                if intent { allowedCount += 1 }
                #expect(decision.isAllowed == intent, "\(c) \(request)")
                // With the policy's credentials mode, and without credentials, the browser agrees with the intent.
                #expect(FetchModel.accepts(response, origin: origin, method: method, headerNames: names, credentials: credentials) == intent, "\(c) \(request) \(response.headers)")
                #expect(FetchModel.accepts(response, origin: origin, method: method, headerNames: names, credentials: false) == intent, "\(c) \(request)")
                // The library's browser check (used by `load`) agrees with the model.
                for mode in [false, true] {
                    #expect(BrowserPreflightCheck.accepts(response, request: request, credentials: mode)
                            == FetchModel.accepts(response, origin: origin, method: method, headerNames: names, credentials: mode), "\(c) \(request) \(mode)")
                }
                // A policy without credentials never lets a credentialed request through.
                if !credentials {
                    #expect(!FetchModel.accepts(response, origin: origin, method: method, headerNames: names, credentials: true))
                }
            }
        }
        #expect(allowedCount > total / 10 && allowedCount < total * 9 / 10)
    }

    /// A browser checks every name it sent, however many: a list beyond any
    /// server's bounds is not waved through (probe's oversized case found it).
    @Test func aRequestListBeyondServerBoundsIsCheckedNameByName() {
        let many = (0..<1000).map { "x-probe-\($0)" }.joined(separator: ",")
        let response = PreflightResponse(status: 200, headers: [("access-control-allow-origin", "https://app.example.com"),
                                                                ("access-control-allow-methods", "PUT"), ("access-control-allow-headers", "x-probe-0")])
        let request = PreflightRequest(origin: "https://app.example.com", method: "PUT", requestHeaders: many)
        #expect(!BrowserPreflightCheck.accepts(response, request: request, credentials: false))
        let all = PreflightResponse(status: 200, headers: [("access-control-allow-origin", "https://app.example.com"),
                                                           ("access-control-allow-methods", "PUT"), ("access-control-allow-headers", many)])
        #expect(BrowserPreflightCheck.accepts(all, request: request, credentials: false))
    }
}
