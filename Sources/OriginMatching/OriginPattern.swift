import InternalByteUtilities

/// One allowed-origin pattern of a CORS policy:
///
/// - an exact serialized origin: `https://app.example.com`, `http://localhost:3000`;
/// - `scheme://*.host`: any origin whose host is one or more labels in front of
///   `host` (never the bare `host`);
/// - a trailing `:*`: any port, the scheme's default port included;
/// - both combined: `https://*.example.com:*`.
///
/// The universal `*` is not a pattern; the policy handles it.
public struct OriginPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let text: String
    public let scheme: String
    /// The host, without the `*.` of a wildcard pattern.
    public let host: String
    /// True for `scheme://*.host` patterns.
    public let isWildcardHost: Bool
    public let port: PortRule
    /// True when the host is an IPv4 or IPv6 address literal.
    public let hostIsIPAddress: Bool

    public enum PortRule: Sendable, Hashable {
        /// No port written: only the scheme's default port.
        case defaultPort
        /// `:*`: any port, the default included.
        case any
        case exact(UInt16)

        @inlinable
        public func admits(_ port: UInt16) -> Bool {
            switch self {
            case .defaultPort: return port == 0
            case .any: return true
            case let .exact(p): return port == p
            }
        }
    }

    public var description: String { text }

    /// Parses a pattern, refusing everything cors-facts.md section 4 item 6
    /// lists as malformed.
    public static func parse(_ text: String) throws(OriginPatternError) -> OriginPattern {
        if text == "null" { throw OriginPatternError(text, .nullOrigin) }
        if text == "*" { throw OriginPatternError(text, .universalWildcard) }
        if text.hasPrefix("file:") { throw OriginPatternError(text, .fileScheme) }
        // `user:pass@host` would otherwise read as a host and a bad port.
        if text.contains("@") { throw OriginPatternError(text, .malformed(.userinfo)) }
        var copy = text
        let outcome = copy.withUTF8 { OriginSyntax.parse(UnsafeRawBufferPointer($0), allowWildcards: true) }
        switch outcome {
        case let .failure(failure):
            throw OriginPatternError(text, .malformed(failure))
        case let .success(c):
            let utf8 = Array(text.utf8)
            let scheme = String(decoding: utf8[0..<c.schemeLength], as: UTF8.self)
            let host = String(decoding: utf8[c.hostStart..<c.hostEnd], as: UTF8.self)
            if c.hostIsWildcard && c.hostKind != .domain { throw OriginPatternError(text, .wildcardOnIPAddress) }
            let port: PortRule
            switch c.port {
            case .absent: port = .defaultPort
            case .any: port = .any
            case let .number(p): port = .exact(p)
            }
            return OriginPattern(text: text, scheme: scheme, host: host, isWildcardHost: c.hostIsWildcard, port: port, hostIsIPAddress: c.hostKind != .domain)
        }
    }

    /// True for hosts that always resolve to this machine: `localhost` and its
    /// subdomains (RFC 6761), `127.0.0.0/8`, and `[::1]`.
    public var isLoopback: Bool {
        host == "localhost" || host.hasSuffix(".localhost")
            || host == "[::1]" || (hostIsIPAddress && host.hasPrefix("127."))
    }

    /// Whether `origin` is allowed by this pattern; the reference semantics every matcher must agree with.
    ///
    /// - Complexity: O(length of the origin).
    public func matches(_ origin: RequestOrigin) -> Bool {
        var scheme = self.scheme
        var host = self.host
        guard port.admits(origin.port) else { return false }
        let schemeMatches = scheme.withUTF8 { s in
            s.count == origin.schemeLength && origin.bytes.bytesEqual(from: 0, count: s.count, to: UnsafeRawPointer(s.baseAddress!))
        }
        guard schemeMatches else { return false }
        return host.withUTF8 { h in
            let suffix = UnsafeRawBufferPointer(h)
            if !isWildcardHost {
                return origin.hostLength == suffix.count && origin.bytes.bytesEqual(from: origin.hostStart, count: suffix.count, to: suffix.baseAddress!)
            }
            // One or more labels, then a dot, then the suffix.
            guard origin.hostLength >= suffix.count + 2 else { return false }
            let dot = origin.hostEnd - suffix.count - 1
            return origin.bytes[dot] == UInt8(ascii: ".")
                && origin.bytes.bytesEqual(from: dot + 1, count: suffix.count, to: suffix.baseAddress!)
        }
    }
}

/// Why a pattern was refused, with the rule it breaks.
public struct OriginPatternError: Error, Sendable, Equatable, CustomStringConvertible {
    public let pattern: String
    public let rule: Rule

    public enum Rule: Sendable, Equatable {
        case nullOrigin
        case fileScheme
        case universalWildcard
        case wildcardOnIPAddress
        case malformed(OriginSyntax.Failure)
    }

    init(_ pattern: String, _ rule: Rule) {
        self.pattern = pattern
        self.rule = rule
    }

    /// A sentence naming the rule, for `check` output.
    public var description: String {
        switch rule {
        case .nullOrigin: return "the null origin is never allowed: any sandboxed iframe or file: page sends it"
        case .fileScheme: return "file: origins are opaque (serialized as null) and cannot be allowed"
        case .universalWildcard: return "\"*\" must be the only origin"
        case .wildcardOnIPAddress: return "a wildcard label cannot stand on an IP address"
        case let .malformed(failure): return failure.description
        }
    }
}
