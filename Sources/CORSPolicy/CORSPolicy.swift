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
    /// offending value and the rule it breaks (see `PolicyValidator`).
    public init(validating configuration: PolicyConfiguration, positions: [String: JSONPosition] = [:], pathPrefix: String = "") throws(PolicyError) {
        var validator = PolicyValidator(configuration, positions: positions, pathPrefix: pathPrefix)
        let origins = validator.origins()
        let methods = validator.methods()
        let requestHeaders = validator.requestHeaders()
        validator.exposeHeaders()
        validator.maxAgeAndStatus()
        if !validator.problems.isEmpty { throw PolicyError(validator.problems) }
        self.configuration = configuration
        self.origins = origins
        self.allowsAnyMethod = methods.any
        self.methods = methods.listed
        self.allowsAnyRequestHeader = requestHeaders.any
        self.requestHeaders = requestHeaders.listed
        self.warnings = validator.warnings
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
