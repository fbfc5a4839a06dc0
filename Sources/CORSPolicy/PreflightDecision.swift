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
    /// For a policy with an explicit header list: which allowed names the request
    /// asked for, by index into `CORSPolicy.requestHeaders`. This is the request's
    /// normalized header set (case, order, spaces and duplicates removed).
    public var requestedHeaders: RequestHeaderSet

    @inlinable public var isAllowed: Bool { reason == .allowed }

    public init(reason: PreflightReason, requestedHeaders: RequestHeaderSet = RequestHeaderSet()) {
        self.reason = reason
        self.requestedHeaders = requestedHeaders
    }
}

/// A set of up to 256 indices in four words: no allocation.
public struct RequestHeaderSet: Sendable, Hashable {
    public static let capacity = 256
    public var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    public init() {}

    @inlinable @inline(__always)
    public mutating func insert(_ index: Int) {
        let bit = UInt64(1) << UInt64(index & 63)
        switch index >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    @inlinable
    public func contains(_ index: Int) -> Bool {
        let bit = UInt64(1) << UInt64(index & 63)
        switch index >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    public var isEmpty: Bool { words.0 | words.1 | words.2 | words.3 == 0 }

    public static func == (a: Self, b: Self) -> Bool {
        a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0); hasher.combine(words.1); hasher.combine(words.2); hasher.combine(words.3)
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
