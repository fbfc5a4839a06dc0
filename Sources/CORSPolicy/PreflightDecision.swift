/// Why a preflight was allowed or denied: stable kebab-case words for output.
public enum PreflightReason: String, Sendable, CaseIterable {
    case allowed
    case malformedOrigin = "malformed-origin"
    case originNotAllowed = "origin-not-allowed"
    case malformedMethod = "malformed-method"
    case methodNotAllowed = "method-not-allowed"
    case malformedRequestHeaders = "malformed-request-headers"
    case headerNotAllowed = "header-not-allowed"

    /// A one-byte code, stable across releases, for compact storage (caches).
    @inlinable
    public var code: UInt8 {
        switch self {
        case .allowed: return 0
        case .malformedOrigin: return 1
        case .originNotAllowed: return 2
        case .malformedMethod: return 3
        case .methodNotAllowed: return 4
        case .malformedRequestHeaders: return 5
        case .headerNotAllowed: return 6
        }
    }

    /// The reason stored as `code`; codes out of range read as `malformedOrigin`, a denial.
    @inlinable
    public init(code: UInt8) {
        switch code {
        case 0: self = .allowed
        case 2: self = .originNotAllowed
        case 3: self = .malformedMethod
        case 4: self = .methodNotAllowed
        case 5: self = .malformedRequestHeaders
        case 6: self = .headerNotAllowed
        default: self = .malformedOrigin
        }
    }
}

/// The outcome of evaluating one preflight: a small value, built without
/// allocating. Turn it into response headers with `PreflightEvaluator.response`.
public struct PreflightDecision: Sendable, Hashable {
    public var reason: PreflightReason

    @inlinable public var isAllowed: Bool { reason == .allowed }

    @inlinable public init(reason: PreflightReason) {
        self.reason = reason
    }
}

/// A preflight request as strings, for tools and tests.
public struct PreflightRequest: Sendable, Hashable {
    public var origin: String
    public var method: String
    /// The `Access-Control-Request-Headers` value, nil when the header is absent.
    public var requestHeaders: String?

    public init(origin: String, method: String, requestHeaders: String? = nil) {
        self.origin = origin
        self.method = method
        self.requestHeaders = requestHeaders
    }
}

/// The status and headers of a preflight response, names lowercase.
public struct PreflightResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [(name: String, value: String)]

    public init(status: Int, headers: [(name: String, value: String)]) {
        self.status = status
        self.headers = headers
    }

    public subscript(name: String) -> String? { headers.first { $0.name == name }?.value }

    public static func == (a: Self, b: Self) -> Bool {
        a.status == b.status && a.headers.count == b.headers.count && zip(a.headers, b.headers).allSatisfy { $0 == $1 }
    }
}
