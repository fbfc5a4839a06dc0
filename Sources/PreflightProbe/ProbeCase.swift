
/// How bad a finding is: what an attacker, or a legitimate client, gets.
package enum ProbeSeverity: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    /// Worth knowing; nothing is exposed.
    case info
    /// Legitimate clients break, or a browser-dependent edge.
    case low
    /// More is allowed than the policy says, short of reading another origin's data.
    case medium
    /// An attacker's page reads responses it should not.
    case high
    /// An attacker's page reads responses made with the user's cookies.
    case critical

    package var description: String { ["info", "low", "medium", "high", "critical"][rawValue] }

    package init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = match
    }

    package static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// One request `probe` sends: a preflight or an actual cross-origin `GET`.
package struct ProbeRequest: Sendable {
    package enum Kind: String, Sendable { case preflight, actual }
    package var kind: Kind
    /// The `Origin` value (the first, when `extraHeaders` repeats it).
    package var origin: String
    /// `Access-Control-Request-Method` (preflight) or the method (actual).
    package var method: String
    /// `Access-Control-Request-Headers`, nil for none.
    package var requestHeaders: String?
    /// More header lines, sent as written (a second `Origin`, a second list).
    package var extraHeaders: [(name: String, value: String)] = []

    package init(kind: Kind, origin: String, method: String, requestHeaders: String? = nil, extraHeaders: [(name: String, value: String)] = []) {
        self.kind = kind
        self.origin = origin
        self.method = method
        self.requestHeaders = requestHeaders
        self.extraHeaders = extraHeaders
    }

    /// The request header list as a server combines it: `requestHeaders`
    /// and any repeated `Access-Control-Request-Headers` line, joined by `, `.
    package var combinedRequestHeaders: String? {
        var combined = requestHeaders
        for extra in extraHeaders where extra.name.lowercased() == "access-control-request-headers" {
            combined = (combined.map { $0 + ", " } ?? "") + extra.value
        }
        return combined
    }
}

/// One entry of the catalogue: a request, what the policy means for it,
/// and what it costs when a server answers otherwise.
package struct ProbeCase: Sendable {
    /// A short stable name, such as `suffix-trick` (the scorecard's key).
    package var id: String
    /// The misconfiguration class, such as "origin reflection".
    package var category: String
    package var request: ProbeRequest
    /// Whether the policy allows the request, without and with credentials.
    package var policyAllows: Bool
    package var policyAllowsWithCredentials: Bool
    /// The severity when a browser lets through what the policy refuses
    /// (raised to critical where it does so with credentials).
    package var severity: ProbeSeverity
    /// What an attacker gains when the server gets this case wrong, in one line.
    package var gain: String
    /// Whether a response that names one origin must say `Vary: Origin`.
    package var checksVary = false
    /// Whether the request is oversized or repeated: a server may refuse it
    /// in any way (4xx, a closed connection) but must answer in time. No
    /// browser sends such a request, so letting it through with credentials
    /// is not raised to critical.
    package var isHostile = false

    package init(id: String, category: String, request: ProbeRequest, policyAllows: Bool, policyAllowsWithCredentials: Bool,
                 severity: ProbeSeverity, gain: String, checksVary: Bool = false, isHostile: Bool = false) {
        self.id = id
        self.category = category
        self.request = request
        self.policyAllows = policyAllows
        self.policyAllowsWithCredentials = policyAllowsWithCredentials
        self.severity = severity
        self.gain = gain
        self.checksVary = checksVary
        self.isHostile = isHostile
    }
}
