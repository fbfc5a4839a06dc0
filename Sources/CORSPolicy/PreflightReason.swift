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
    @inlinable @inline(__always)
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
