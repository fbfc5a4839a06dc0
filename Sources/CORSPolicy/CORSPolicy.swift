public import OriginMatching
public import JSONValue

/// A validated CORS policy: every rule of cors-facts.md section 4 holds, so an
/// engine built from it cannot answer insecurely.
public struct CORSPolicy: Sendable {
    public enum Origins: Sendable, Equatable {
        /// `["*"]`: any origin, without credentials.
        case any
        case patterns([OriginPattern])
    }

    public let configuration: PolicyConfiguration
    public let origins: Origins
    public let allowsAnyMethod: Bool
    /// Methods allowed beyond `GET`, `HEAD`, `POST`, as written (case-sensitive).
    public let methods: [String]
    /// `requestHeaders` held `*`: any name but `authorization` (unless listed too).
    public let allowsAnyRequestHeader: Bool
    /// Allowed request header names, lowercase, sorted by bytes, unique.
    public let requestHeaders: [String]
    /// Advice that does not make the policy invalid (for example a Max-Age browsers cap).
    public let warnings: [PolicyProblem]

    public var credentials: Bool { configuration.credentials }
    public var maxAge: Int? { configuration.maxAge }

    /// Chromium's cap on `Access-Control-Max-Age` (cors-facts.md section 2):
    /// the longest any browser keeps a preflight result.
    public static let browserMaxAgeCap = 7200
    /// What browsers assume when a response sets no Max-Age (Fetch).
    public static let defaultMaxAge = 5

    /// Seconds a browser keeps this policy's allowed preflights: Max-Age
    /// clamped to 0...`browserMaxAgeCap`, or `defaultMaxAge` when unset.
    public var effectiveMaxAge: Int { Self.effectiveMaxAge(maxAge) }

    /// `maxAge` as a browser applies it: clamped to 0...`browserMaxAgeCap`, or `defaultMaxAge` when nil.
    public static func effectiveMaxAge(_ maxAge: Int?) -> Int { min(max(maxAge ?? defaultMaxAge, 0), browserMaxAgeCap) }
    public var preflightStatus: Int { configuration.preflightStatus }

    /// The most request header names an explicit list may hold: far more than
    /// any API allows, and a bound on the name table's size and build time.
    public static let maximumRequestHeaders = 256

    /// Parses and validates a policy file in one step.
    public init(json bytes: [UInt8]) throws(PolicyError) {
        let document: JSONDocument
        do { document = try JSONValue.parseDocument(bytes) } catch {
            throw PolicyError([PolicyProblem(path: "", message: error.message, position: error.position)])
        }
        let configuration = try PolicyConfiguration(json: document.root, positions: document.positions)
        try self.init(validating: configuration, positions: document.positions)
    }

    /// Validates `configuration`, reporting every problem at once, each with the
    /// offending value and the rule it breaks.
    public init(validating configuration: PolicyConfiguration, positions: [String: JSONPosition] = [:], pathPrefix: String = "") throws(PolicyError) {
        var problems: [PolicyProblem] = []
        var warnings: [PolicyProblem] = []
        func path(_ p: String) -> String { pathPrefix.isEmpty ? p : "\(pathPrefix).\(p)" }
        func fail(_ p: String, _ value: String?, _ message: String) {
            let text = value.map { "\"\($0)\": \(message)" } ?? message
            problems.append(PolicyProblem(path: path(p), message: text, position: positions[path(p)]))
        }
        let c = configuration

        // Origins (section 4 items 1-6 and 9).
        var patterns: [OriginPattern] = []
        var anyOrigin = false
        if c.origins.isEmpty {
            fail("origins", nil, "no origins: a policy must allow at least one origin")
        }
        var seenOrigins: [String: Int] = [:]
        for (i, text) in c.origins.enumerated() {
            let p = "origins[\(i)]"
            if let first = seenOrigins[text] { fail(p, text, "duplicate of origins[\(first)]"); continue }
            seenOrigins[text] = i
            if text == "*" {
                anyOrigin = true
                if c.origins.count > 1 { fail(p, text, "\"*\" allows every origin and must be the only entry, not mixed into a list") }
                if c.credentials { fail(p, text, "\"*\" with credentials would let any site read credentialed responses; browsers refuse it (list the origins instead)") }
                continue
            }
            let pattern: OriginPattern
            do { pattern = try OriginPattern.parse(text) } catch { fail(p, text, error.description); continue }
            if c.credentials && pattern.scheme == "http" && !pattern.isLoopback && !c.allowInsecureOrigins {
                fail(p, text, "credentials with a plain http: origin expose them to anyone on the network; use https, or set \"allowInsecureOrigins\": true")
            }
            if pattern.isWildcardHost && !c.allowPublicSuffixWildcards && PublicSuffixList.isPublicSuffix(pattern.host) {
                fail(p, text, "\"*.\" on the public suffix \"\(pattern.host)\" allows sites of unrelated owners; name your domain, or set \"allowPublicSuffixWildcards\": true")
            }
            patterns.append(pattern)
        }

        // Methods (item 8).
        var methods: [String] = []
        var anyMethod = false
        for (i, method) in c.methods.enumerated() {
            let p = "methods[\(i)]"
            if method == "*" {
                anyMethod = true
                if c.methods.count > 1 { fail(p, method, "\"*\" allows every method and must be the only entry") }
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

        // Request headers (item 8).
        var headers: [String] = []
        var anyHeader = false
        let star = c.requestHeaders.contains("*")
        for (i, name) in c.requestHeaders.enumerated() {
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
        if headers.count > Self.maximumRequestHeaders {
            fail("requestHeaders", nil, "\(headers.count) names, more than the \(Self.maximumRequestHeaders) supported")
        }
        headers.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }

        // Exposed headers (item 7).
        for (i, name) in c.exposeHeaders.enumerated() {
            let p = "exposeHeaders[\(i)]"
            if name == "*" {
                if c.credentials { fail(p, name, "\"*\" is a literal name with credentials (Fetch): list the headers to expose") }
                if c.exposeHeaders.count > 1 { fail(p, name, "\"*\" must be the only entry") }
                continue
            }
            if !HTTPToken.isToken(name) { fail(p, name, "not a header name token (RFC 9110)") }
        }

        // Max-Age and status.
        if let maxAge = c.maxAge {
            if maxAge < -1 || maxAge > 86400 {
                fail("maxAge", String(maxAge), "Max-Age must be between -1 and 86400 seconds (Firefox's cap is 24 h)")
            } else if maxAge > Self.browserMaxAgeCap {
                warnings.append(PolicyProblem(path: path("maxAge"), message: "\(maxAge) s: Chromium caps Max-Age at \(Self.browserMaxAgeCap) s and WebKit at 600 s", position: positions[path("maxAge")]))
            }
        }
        if !(200...299).contains(c.preflightStatus) {
            fail("preflightStatus", String(c.preflightStatus), "a preflight response needs an ok status (200-299) or browsers fail the request")
        }
        if !problems.isEmpty { throw PolicyError(problems) }
        self.configuration = configuration
        self.origins = anyOrigin ? .any : .patterns(patterns)
        self.allowsAnyMethod = anyMethod
        self.methods = methods
        self.allowsAnyRequestHeader = anyHeader
        self.requestHeaders = headers
        self.warnings = warnings
    }

    /// A one-line description for `check`.
    public var summary: String {
        var parts: [String] = []
        switch origins {
        case .any: parts.append("any origin")
        case let .patterns(list):
            let wildcards = list.filter { $0.isWildcardHost || $0.port == .any }.count
            parts.append("\(list.count) origin pattern\(list.count == 1 ? "" : "s") (\(list.count - wildcards) exact, \(wildcards) wildcard)")
        }
        parts.append("methods " + (allowsAnyMethod ? "*" : (["GET", "HEAD", "POST"] + methods).joined(separator: " ")))
        if allowsAnyRequestHeader {
            parts.append("request headers *" + (requestHeaders.contains("authorization") ? " + authorization" : ""))
        } else {
            parts.append(requestHeaders.isEmpty ? "no request headers" : "request headers " + requestHeaders.joined(separator: " "))
        }
        parts.append(credentials ? "credentials" : "no credentials")
        parts.append(maxAge.map { "max-age \($0) s" } ?? "no max-age (browsers use 5 s)")
        parts.append("status \(preflightStatus)")
        return parts.joined(separator: ", ")
    }
}
