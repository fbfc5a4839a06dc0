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
        var problems: [PolicyProblem] = []
        func path(_ key: String) -> String { pathPrefix.isEmpty ? key : "\(pathPrefix).\(key)" }
        func problem(_ p: String, _ message: String) {
            problems.append(PolicyProblem(path: p, message: message, position: positions[p]))
        }
        guard case let .object(members) = json else {
            throw PolicyError([PolicyProblem(path: pathPrefix, message: "a policy must be a JSON object, found \(json.kindDescription)", position: positions[pathPrefix])])
        }
        func strings(_ key: String) -> [String]? {
            guard let value = json[key] else { return nil }
            guard case let .array(elements) = value else {
                problem(path(key), "expected an array of strings, found \(value.kindDescription)")
                return nil
            }
            var out: [String] = []
            for (i, element) in elements.enumerated() {
                guard case let .string(s) = element else {
                    problem("\(path(key))[\(i)]", "expected a string, found \(element.kindDescription)")
                    continue
                }
                out.append(s)
            }
            return out
        }
        func bool(_ key: String) -> Bool? {
            guard let value = json[key] else { return nil }
            guard case let .bool(b) = value else { problem(path(key), "expected true or false, found \(value.kindDescription)"); return nil }
            return b
        }
        func int(_ key: String) -> Int? {
            guard let value = json[key] else { return nil }
            guard let i = value.intValue else {
                problem(path(key), "expected an integer, found \(value.kindDescription)\(value.doubleValue != nil ? " with a fraction or exponent" : "")")
                return nil
            }
            return i
        }
        for (key, _) in members where !Self.keys.contains(key) {
            let suggestion = Self.keys.first { $0.lowercased() == key.lowercased() }.map { " (did you mean \"\($0)\"?)" } ?? ""
            problem(path(key), "unknown key \"\(key)\"\(suggestion); known keys: \(Self.keys.joined(separator: ", "))")
        }
        let origins = strings("origins")
        if json["origins"] == nil { problem(path("origins"), "missing required key \"origins\"") }
        self.origins = origins ?? []
        methods = strings("methods") ?? []
        requestHeaders = strings("requestHeaders") ?? []
        exposeHeaders = strings("exposeHeaders") ?? []
        credentials = bool("credentials") ?? false
        maxAge = int("maxAge")
        if json["maxAge"] == .null { maxAge = nil; problems.removeAll { $0.path == path("maxAge") } }
        preflightStatus = int("preflightStatus") ?? 204
        allowInsecureOrigins = bool("allowInsecureOrigins") ?? false
        allowPublicSuffixWildcards = bool("allowPublicSuffixWildcards") ?? false
        if !problems.isEmpty { throw PolicyError(problems) }
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
public struct PolicyProblem: Sendable, Equatable, CustomStringConvertible {
    /// The key path, such as `origins[2]` or `maxAge`; empty for the document itself.
    public var path: String
    public var message: String
    public var position: JSONPosition?

    public init(path: String, message: String, position: JSONPosition? = nil) {
        self.path = path
        self.message = message
        self.position = position
    }

    public var description: String {
        var out = path.isEmpty ? "" : path
        if let position { out += out.isEmpty ? "\(position)" : " (\(position))" }
        return out.isEmpty ? message : "\(out): \(message)"
    }
}

/// Every problem found in a policy, in file order.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [PolicyProblem]
    public init(_ problems: [PolicyProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
