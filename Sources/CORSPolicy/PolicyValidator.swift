import JSONValue
import OriginMatching

/// The rules a policy must follow (cors-facts.md section 4), checked in file
/// order, one method per part of the policy, every problem collected with
/// the offending value and the rule it breaks; advice that does not make a
/// policy invalid is a warning.
struct PolicyValidator {
    let configuration: PolicyConfiguration
    let positions: [String: JSONPosition]
    let pathPrefix: String
    var problems: [PolicyProblem] = []
    var warnings: [PolicyProblem] = []

    init(_ configuration: PolicyConfiguration, positions: [String: JSONPosition], pathPrefix: String) {
        self.configuration = configuration
        self.positions = positions
        self.pathPrefix = pathPrefix
    }

    func path(_ p: String) -> String { pathPrefix.isEmpty ? p : "\(pathPrefix).\(p)" }

    mutating func fail(_ p: String, _ value: String?, _ message: String) {
        let text = value.map { "\"\($0)\": \(message)" } ?? message
        problems.append(PolicyProblem(path: path(p), message: text, position: positions[path(p)]))
    }

    /// Origins (section 4 items 1-6 and 9).
    mutating func origins() -> CORSPolicy.Origins {
        var patterns: [OriginPattern] = []
        var anyOrigin = false
        if configuration.origins.isEmpty {
            fail("origins", nil, "no origins: a policy must allow at least one origin")
        }
        var seenOrigins: [String: Int] = [:]
        for (i, text) in configuration.origins.enumerated() {
            let p = "origins[\(i)]"
            if let first = seenOrigins[text] { fail(p, text, "duplicate of origins[\(first)]"); continue }
            seenOrigins[text] = i
            if text == "*" {
                anyOrigin = true
                if configuration.origins.count > 1 { fail(p, text, "\"*\" allows every origin and must be the only entry, not mixed into a list") }
                if configuration.credentials { fail(p, text, "\"*\" with credentials would let any site read credentialed responses; browsers refuse it (list the origins instead)") }
                continue
            }
            let pattern: OriginPattern
            do { pattern = try OriginPattern.parse(text) } catch { fail(p, text, error.description); continue }
            if configuration.credentials && pattern.scheme == "http" && !pattern.isLoopback && !configuration.allowInsecureOrigins {
                fail(p, text, "credentials with a plain http: origin expose them to anyone on the network; use https, or set \"allowInsecureOrigins\": true")
            }
            if pattern.isWildcardHost && !configuration.allowPublicSuffixWildcards && PublicSuffixList.isPublicSuffix(pattern.host) {
                fail(p, text, "\"*.\" on the public suffix \"\(pattern.host)\" allows sites of unrelated owners; name your domain, or set \"allowPublicSuffixWildcards\": true")
            }
            patterns.append(pattern)
        }
        return anyOrigin ? .any : .patterns(patterns)
    }

    /// Methods (item 8): those listed beyond the safelisted ones, or any.
    mutating func methods() -> (listed: [String], any: Bool) {
        var methods: [String] = []
        var anyMethod = false
        for (i, method) in configuration.methods.enumerated() {
            let p = "methods[\(i)]"
            if method == "*" {
                anyMethod = true
                if configuration.methods.count > 1 { fail(p, method, "\"*\" allows every method and must be the only entry") }
                continue
            }
            guard HTTPToken.isToken(method) else { fail(p, method, "not a method token (RFC 9110: letters, digits and !#$%&'*+-.^_`|~)"); continue }
            if HTTPToken.isForbiddenMethod(method) { fail(p, method, "a forbidden method (Fetch): browsers never send CONNECT, TRACE or TRACK"); continue }
            let upper = method.uppercased()
            if upper != method && HTTPToken.normalizedMethods.contains(upper) {
                fail(p, method, "browsers normalize this method to \"\(upper)\" and methods match case-sensitively: write \"\(upper)\"")
                continue
            }
            if methods.contains(method) { fail(p, method, "duplicate method"); continue }
            if !HTTPToken.safelistedMethods.contains(method) { methods.append(method) }
        }
        return (methods, anyMethod)
    }

    /// Request headers (item 8): lowercase and sorted, or any.
    mutating func requestHeaders() -> (listed: [String], any: Bool) {
        var headers: [String] = []
        var anyHeader = false
        let star = configuration.requestHeaders.contains("*")
        for (i, name) in configuration.requestHeaders.enumerated() {
            let p = "requestHeaders[\(i)]"
            if name == "*" { anyHeader = true; continue }
            let lower = name.lowercased()
            if star && lower != "authorization" {
                fail(p, name, "\"*\" already allows this name; beside \"*\" only \"authorization\" may be listed (\"*\" never covers it)")
                continue
            }
            guard HTTPToken.isToken(name) else { fail(p, name, "not a header name token (RFC 9110)"); continue }
            if HTTPToken.isForbiddenRequestHeader(lower) { fail(p, name, "a forbidden request header (Fetch): scripts cannot set it, so allowing it has no effect"); continue }
            if headers.contains(lower) { fail(p, name, "duplicate header name (names are case-insensitive)"); continue }
            headers.append(lower)
        }
        if headers.count > CORSPolicy.maximumRequestHeaders {
            fail("requestHeaders", nil, "\(headers.count) names, more than the \(CORSPolicy.maximumRequestHeaders) supported")
        }
        headers.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return (headers, anyHeader)
    }

    /// Exposed headers (item 7).
    mutating func exposeHeaders() {
        for (i, name) in configuration.exposeHeaders.enumerated() {
            let p = "exposeHeaders[\(i)]"
            if name == "*" {
                if configuration.credentials { fail(p, name, "\"*\" is a literal name with credentials (Fetch): list the headers to expose") }
                if configuration.exposeHeaders.count > 1 { fail(p, name, "\"*\" must be the only entry") }
                continue
            }
            if !HTTPToken.isToken(name) { fail(p, name, "not a header name token (RFC 9110)") }
        }
    }

    /// Max-Age and the preflight status.
    mutating func maxAgeAndStatus() {
        if let maxAge = configuration.maxAge {
            if maxAge < -1 || maxAge > 86400 {
                fail("maxAge", String(maxAge), "Max-Age must be between -1 and 86400 seconds (Firefox's cap is 24 h)")
            } else if maxAge > CORSPolicy.browserMaxAgeCap {
                warnings.append(PolicyProblem(path: path("maxAge"), message: "\(maxAge) s: Chromium caps Max-Age at \(CORSPolicy.browserMaxAgeCap) s and WebKit at 600 s", position: positions[path("maxAge")]))
            }
        }
        if !(200...299).contains(configuration.preflightStatus) {
            fail("preflightStatus", String(configuration.preflightStatus), "a preflight response needs an ok status (200-299) or browsers fail the request")
        }
    }
}
