public import JSONValue

/// A CORS policy as the user wrote it, before validation. Decode one from a
/// policy file with `init(json:)`; turn it into a usable `CORSPolicy` with
/// `CORSPolicy(validating:)`.
public struct PolicyConfiguration: Sendable, Equatable {
    /// Allowed origin patterns (see `OriginPattern`), or `["*"]` for any origin.
    public var origins: [String]
    /// Methods allowed beyond the always-allowed `GET`, `HEAD`, `POST`; case-sensitive. `["*"]` allows any.
    public var methods: [String] = []
    /// Request header names allowed, case-insensitive. `["*"]` allows any name but `authorization`.
    public var requestHeaders: [String] = []
    /// Response headers exposed to scripts (sent on actual responses, not preflights).
    public var exposeHeaders: [String] = []
    public var credentials = false
    /// `Access-Control-Max-Age` in seconds; nil sends none (browsers then use 5 s).
    public var maxAge: Int?
    /// Status of an allowed preflight response.
    public var preflightStatus = 204
    /// Allows credentials with plain-`http:` origins other than loopback.
    public var allowInsecureOrigins = false
    /// Allows `*.` directly on a public suffix such as `com` or `github.io`.
    public var allowPublicSuffixWildcards = false

    public init(origins: [String], methods: [String] = [], requestHeaders: [String] = [], exposeHeaders: [String] = [],
                credentials: Bool = false, maxAge: Int? = nil, preflightStatus: Int = 204,
                allowInsecureOrigins: Bool = false, allowPublicSuffixWildcards: Bool = false) {
        self.origins = origins
        self.methods = methods
        self.requestHeaders = requestHeaders
        self.exposeHeaders = exposeHeaders
        self.credentials = credentials
        self.maxAge = maxAge
        self.preflightStatus = preflightStatus
        self.allowInsecureOrigins = allowInsecureOrigins
        self.allowPublicSuffixWildcards = allowPublicSuffixWildcards
    }

    /// Every key a policy file may hold, in documentation order.
    public static let keys = ["origins", "methods", "requestHeaders", "exposeHeaders", "credentials", "maxAge",
                              "preflightStatus", "allowInsecureOrigins", "allowPublicSuffixWildcards"]

    /// Decodes a policy file. Invalid JSON, unknown keys, missing `origins` and
    /// wrong types are reported together, each naming its key and position.
    public init(json bytes: [UInt8]) throws(PolicyError) {
        let document: JSONDocument
        do {
            document = try JSONValue.parseDocument(bytes)
        } catch {
            throw PolicyError([PolicyProblem(path: "", message: error.message, position: error.position)])
        }
        try self.init(json: document.root, positions: document.positions, pathPrefix: "")
    }

    /// Decodes a policy from a parsed JSON object (for example one inlined in a
    /// scenario file under `pathPrefix`).
    public init(json: JSONValue, positions: [String: JSONPosition] = [:], pathPrefix: String = "") throws(PolicyError) {
        var reader = JSONObjectReader(json, path: pathPrefix, positions: positions, what: "a policy", knownKeys: Self.keys)
        origins = reader.strings("origins", required: true) ?? []
        methods = reader.strings("methods") ?? []
        requestHeaders = reader.strings("requestHeaders") ?? []
        exposeHeaders = reader.strings("exposeHeaders") ?? []
        credentials = reader.bool("credentials") ?? false
        maxAge = reader.isNull("maxAge") ? nil : reader.int("maxAge")
        preflightStatus = reader.int("preflightStatus") ?? 204
        allowInsecureOrigins = reader.bool("allowInsecureOrigins") ?? false
        allowPublicSuffixWildcards = reader.bool("allowPublicSuffixWildcards") ?? false
        if !reader.problems.isEmpty { throw PolicyError(reader.problems) }
    }

    /// The policy as a JSON object with every key, for writing files.
    public var jsonValue: JSONValue {
        .object([
            ("origins", .array(origins.map(JSONValue.string))),
            ("methods", .array(methods.map(JSONValue.string))),
            ("requestHeaders", .array(requestHeaders.map(JSONValue.string))),
            ("exposeHeaders", .array(exposeHeaders.map(JSONValue.string))),
            ("credentials", .bool(credentials)),
            ("maxAge", maxAge.map { JSONValue.int($0) } ?? .null),
            ("preflightStatus", .int(preflightStatus)),
            ("allowInsecureOrigins", .bool(allowInsecureOrigins)),
            ("allowPublicSuffixWildcards", .bool(allowPublicSuffixWildcards)),
        ])
    }
}

/// One thing wrong with a policy: where (`origins[2]`), and which rule it breaks.
public typealias PolicyProblem = JSONProblem

/// Every problem found in a policy, in file order.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [PolicyProblem]
    public init(_ problems: [PolicyProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
