/// The matcher strategies, by their CLI names.
public enum OriginMatcherKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Scans the pattern list in order with byte comparisons, as most middleware does.
    case linear
    /// Each pattern compiled once to an anchored regular expression, tried in order.
    case regex
    /// Exact origins in a hash table over their bytes; wildcard patterns scanned.
    case hashed
    /// Hosts in a label trie walked from the last label; cost grows with the
    /// number of labels in the origin, not with the number of patterns.
    case trie

    public static let `default` = OriginMatcherKind.trie

    public var description: String { rawValue }

    /// Builds a matcher of this kind.
    public func makeMatcher(patterns: [OriginPattern]) -> any OriginMatcher {
        switch self {
        case .linear: return LinearOriginMatcher(patterns: patterns)
        case .regex: return RegexOriginMatcher(patterns: patterns)
        case .hashed: return HashedOriginMatcher(patterns: patterns)
        case .trie: return TrieOriginMatcher(patterns: patterns)
        }
    }
}
