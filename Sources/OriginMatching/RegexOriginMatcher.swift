/// Each pattern compiled once to an anchored regular expression and tried in
/// order, the way users of regex-based CORS middleware configure it
/// (`^https://([a-z0-9_-]+\.)+example\.com(:[0-9]+)?$`). The request origin is
/// turned into a `String` for the regex engine, as such middleware does.
///
/// - Complexity: O(p) regex evaluations per decision for p patterns.
public struct RegexOriginMatcher: OriginMatcher {
    // `Regex` is not `Sendable`, but a compiled regex is immutable: matching
    // reads it and never mutates it, so sharing it across threads is safe.
    struct Compiled: @unchecked Sendable {
        let regex: Regex<AnyRegexOutput>
    }

    let compiled: [Compiled]

    public init(patterns: [OriginPattern]) {
        compiled = patterns.map { pattern in
            // Every pattern source is built from validated parts, so compilation cannot fail.
            Compiled(regex: try! Regex(Self.expression(for: pattern)))
        }
    }

    /// The anchored expression for one pattern.
    public static func expression(for pattern: OriginPattern) -> String {
        var source = "^" + escape(pattern.scheme) + "://"
        if pattern.isWildcardHost { source += "([a-z0-9_-]+\\.)+" }
        source += escape(pattern.host)
        switch pattern.port {
        case .defaultPort: break
        case .any: source += "(:[1-9][0-9]{0,4})?"
        case let .exact(p): source += ":\(p)"
        }
        return source + "$"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            if "\\^$.|?*+()[]{}-/".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    public func matches(_ origin: RequestOrigin) -> Bool {
        let text = String(decoding: origin.bytes, as: UTF8.self)
        for c in compiled where (try? c.regex.wholeMatch(in: text)) != nil {
            return true
        }
        return false
    }

    public var retainedBytes: Int? { nil }
}
