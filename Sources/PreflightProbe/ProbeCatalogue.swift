package import CORSPolicy
import OriginMatching

/// The targeted requests `probe` sends, derived from a policy: the known
/// misconfiguration classes (cors-facts.md sections 5 and 6; the origin
/// tricks CORScanner and Corsy guess at) aimed at each allowed origin and wildcard,
/// plus the requests the policy allows, so that a correct server scores
/// clean and a server that refuses too much is seen too.
///
/// Every case's expectation comes from the engine (`PreflightEvaluator`),
/// never from the trick's name: a trick origin the policy happens to allow
/// is not an attack on it and is left out.
package enum ProbeCatalogue {
    /// An origin no policy allows by accident: reflection shows here.
    package static let attackerOrigin = "https://preflight-probe.evil.test"

    /// The catalogue for `policy`, in the order it is sent.
    ///
    /// - Complexity: O(p) cases for p origin patterns (at most 16 are aimed at).
    package static func cases(for policy: CORSPolicy) -> [ProbeCase] {
        let evaluator = PreflightEvaluator(policy: policy)
        let method = policy.methods.first ?? (policy.allowsAnyMethod ? "PUT" : "POST")
        let headers = policy.requestHeaders.filter { $0 != "authorization" }.prefix(2)
        let allowedHeaders = headers.isEmpty ? (policy.allowsAnyRequestHeader ? "x-preflight-probe" : nil) : headers.joined(separator: ",")
        let samples = sampleOrigins(policy)
        let home = samples.first ?? attackerOrigin
        var cases: [ProbeCase] = []

        func allowsOrigin(_ origin: String) -> Bool {
            var origin = origin
            return origin.withUTF8 { evaluator.allowsOrigin(UnsafeRawBufferPointer($0)) }
        }
        func preflightAllowed(_ request: ProbeRequest) -> Bool {
            evaluator.evaluate(PreflightRequest(origin: request.origin, method: request.method, requestHeaders: request.combinedRequestHeaders)).isAllowed
        }
        func add(_ id: String, _ category: String, _ request: ProbeRequest, severity: ProbeSeverity, gain: String, vary: Bool = false, hostile: Bool = false) {
            let allows: Bool
            switch request.kind {
            case .preflight: allows = preflightAllowed(request)
            case .actual: allows = allowsOrigin(request.origin)
            }
            cases.append(ProbeCase(id: id, category: category, request: request, policyAllows: allows,
                                   policyAllowsWithCredentials: allows && policy.credentials, severity: severity, gain: gain,
                                   checksVary: vary, isHostile: hostile))
        }
        /// A trick origin, as a preflight and as an actual request, when the policy refuses it.
        func attack(_ id: String, _ category: String, origin: String, severity: ProbeSeverity, gain: String, hostile: Bool = false) {
            guard !allowsOrigin(origin) else { return }
            guard !cases.contains(where: { $0.request.origin == origin }) else { return }
            add(id, category, ProbeRequest(kind: .preflight, origin: origin, method: method, requestHeaders: allowedHeaders), severity: severity, gain: gain,
                hostile: hostile)
            add(id, category, ProbeRequest(kind: .actual, origin: origin, method: "GET"), severity: severity, gain: gain, hostile: hostile)
        }

        // The requests the policy allows: a correct server must let them through.
        if !samples.isEmpty {
            add("allowed-preflight", "allowed requests", ProbeRequest(kind: .preflight, origin: home, method: method, requestHeaders: allowedHeaders),
                severity: .low, gain: "none: legitimate pages on an allowed origin break", vary: true)
            if method != "POST" {
                add("allowed-post-preflight", "allowed requests", ProbeRequest(kind: .preflight, origin: home, method: "POST", requestHeaders: allowedHeaders),
                    severity: .low, gain: "none: a POST with a custom header, preflighted with POST (safelisted, so always allowed), breaks")
            }
            add("allowed-actual", "allowed requests", ProbeRequest(kind: .actual, origin: home, method: "GET"),
                severity: .low, gain: "none: legitimate pages on an allowed origin break", vary: true)
        }
        attack("reflection", "origin reflection", origin: attackerOrigin, severity: .high,
               gain: "any site reads the API's responses: the server echoes whatever Origin it is sent")
        attack("null-origin", "null origin", origin: "null", severity: .high,
               gain: "any site reads responses from a sandboxed iframe, whose origin is null")
        for sample in samples.prefix(16) {
            guard let parts = OriginParts(sample) else { continue }
            let (scheme, host, port) = (parts.scheme, parts.host, parts.port)
            let suffix = port.map { ":\($0)" } ?? ""
            attack("suffix-trick", "suffix and prefix tricks", origin: "\(scheme)://\(host).evil.test\(suffix)", severity: .high,
                   gain: "an attacker registers \(host).evil.test and reads responses (an unanchored end of match)")
            attack("underscore-suffix", "suffix and prefix tricks", origin: "\(scheme)://\(host)_.evil.test\(suffix)", severity: .high,
                   gain: "an attacker's \(host)_.evil.test passes a match that stops at a non-dot character")
            attack("prefix-trick", "suffix and prefix tricks", origin: "\(scheme)://evil\(host)\(suffix)", severity: .high,
                   gain: "an attacker registers evil\(host) and reads responses (an unanchored start of match)")
            attack("subdomain", "suffix and prefix tricks", origin: "\(scheme)://evil.\(host)\(suffix)", severity: .medium,
                   gain: "any subdomain, including one an attacker takes over, reads responses")
            if let dot = host.firstIndex(of: ".") {
                var unescaped = host
                unescaped.replaceSubrange(dot...dot, with: "x")
                attack("unescaped-dot", "suffix and prefix tricks", origin: "\(scheme)://\(unescaped)\(suffix)", severity: .high,
                       gain: "an attacker registers \(unescaped): a regex dot left unescaped matches any character")
            }
            attack("list-injection", "origin reflection", origin: "\(sample), \(attackerOrigin)", severity: .low,
                   gain: "the server echoes an Origin no browser sends (a list): it matches a prefix, which the suffix trick exploits", hostile: true)
            if scheme == "https" {
                attack("http-downgrade", "scheme downgrade", origin: "http://\(host)\(suffix)", severity: .medium,
                       gain: "a network attacker who injects a page into plain-http \(host) reads the API's responses")
            }
            attack("other-port", "ports", origin: "\(scheme)://\(host):8444", severity: .low,
                   gain: "another service on the same host, such as a dev server, reads responses")
        }
        for pattern in patterns(policy).prefix(16) where pattern.isWildcardHost {
            attack("wildcard-apex", "suffix and prefix tricks", origin: "\(pattern.scheme)://\(pattern.host)", severity: .low,
                   gain: "the bare \(pattern.host) passes a wildcard meant for its subdomains")
            attack("wildcard-suffix", "suffix and prefix tricks", origin: "\(pattern.scheme)://probe.\(pattern.host).evil.test", severity: .high,
                   gain: "an attacker's probe.\(pattern.host).evil.test passes an unanchored wildcard")
        }
        guard !samples.isEmpty else { return cases }

        // Methods and headers beyond the policy, from an allowed origin.
        let extraMethod = ["DELETE", "PROPFIND", "X-PROBE"].first { m in !policy.allowsAnyMethod && !policy.methods.contains(m) }
        if let extraMethod {
            add("method-beyond", "methods beyond the policy", ProbeRequest(kind: .preflight, origin: home, method: extraMethod),
                severity: .medium, gain: "scripts on allowed origins send \(extraMethod), which the policy refuses")
        }
        if let lower = policy.methods.first(where: { !["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"].contains($0) && $0.lowercased() != $0 }) {
            add("lowercase-method", "methods beyond the policy", ProbeRequest(kind: .preflight, origin: home, method: lower.lowercased()),
                severity: .low, gain: "fetch sends \(lower.lowercased()) as written; the policy allows only \(lower) (methods are case-sensitive)")
        }
        if !policy.allowsAnyRequestHeader {
            add("header-beyond", "headers beyond the policy", ProbeRequest(kind: .preflight, origin: home, method: method, requestHeaders: "x-preflight-probe"),
                severity: .medium, gain: "scripts on allowed origins send headers the policy refuses")
        }
        if !policy.requestHeaders.contains("authorization") {
            add("authorization", "authorization under *", ProbeRequest(kind: .preflight, origin: home, method: method, requestHeaders: "authorization"),
                severity: .medium, gain: "scripts on allowed origins send Authorization, which the policy refuses (a `*` that covers it in browsers)")
        }
        // Oversized and repeated request headers.
        let manyNames = (0..<1000).map { "x-probe-\($0)" }.joined(separator: ",")
        add("oversized-headers", "oversized and repeated request headers",
            ProbeRequest(kind: .preflight, origin: home, method: method, requestHeaders: manyNames), severity: .medium,
            gain: "a 12 KiB Access-Control-Request-Headers is allowed or stalls the server", hostile: true)
        let longOrigin = "https://" + String(repeating: "a", count: 8000) + ".evil.test"
        add("oversized-origin", "oversized and repeated request headers", ProbeRequest(kind: .preflight, origin: longOrigin, method: method),
            severity: .low, gain: "an 8 KiB Origin, which no browser sends, is echoed or stalls the server", hostile: true)
        add("repeated-origin", "oversized and repeated request headers",
            ProbeRequest(kind: .actual, origin: attackerOrigin, method: "GET", extraHeaders: [("Origin", home)]), severity: .high,
            gain: "a request with two Origin lines is answered for the attacker's", hostile: true)
        if !policy.allowsAnyRequestHeader, let allowedHeaders {
            add("repeated-request-headers", "oversized and repeated request headers",
                ProbeRequest(kind: .preflight, origin: home, method: method, requestHeaders: allowedHeaders,
                             extraHeaders: [("Access-Control-Request-Headers", "x-preflight-probe")]), severity: .medium,
                gain: "a header list split over two lines is judged by its first line only", hostile: true)
        }
        return cases
    }

    static func patterns(_ policy: CORSPolicy) -> [OriginPattern] {
        if case let .patterns(patterns) = policy.origins { return patterns }
        return []
    }

    /// One origin each pattern allows: the pattern itself, `probe.` under a
    /// wildcard, the first port of a `:*`... none for `*`.
    static func sampleOrigins(_ policy: CORSPolicy) -> [String] {
        patterns(policy).map { p in
            let host = p.isWildcardHost ? "probe.\(p.host)" : p.host
            let port: String = switch p.port {
            case .defaultPort: ""
            case .any: ":8443"
            case let .exact(n): ":\(n)"
            }
            return "\(p.scheme)://\(host)\(port)"
        }
    }

    /// A serialized origin's scheme, host and port.
    struct OriginParts {
        var scheme: String
        var host: String
        var port: String?

        init?(_ origin: String) {
            guard let separator = origin.firstRange(of: "://") else { return nil }
            scheme = String(origin[..<separator.lowerBound])
            let authority = origin[separator.upperBound...]
            if !authority.hasPrefix("["), let colon = authority.lastIndex(of: ":") {
                host = String(authority[..<colon])
                port = String(authority[authority.index(after: colon)...])
            } else {
                host = String(authority)
                port = nil
            }
        }
    }
}
