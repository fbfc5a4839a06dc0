/// Decides whether a request origin is allowed by a list of patterns.
///
/// Every conforming type accepts the same pattern language (`OriginPattern`)
/// and must decide every origin exactly as `OriginPattern.matches` does for
/// some pattern of the list; the differential tests hold them to it.
public protocol OriginMatcher: Sendable {
    /// Builds the structure from validated patterns.
    init(patterns: [OriginPattern])

    /// True when some pattern allows `origin`.
    func matches(_ origin: RequestOrigin) -> Bool

    /// Bytes the structure holds on the heap, counted from its own buffers, or
    /// nil when it cannot be known (for example inside a regex engine).
    var retainedBytes: Int? { get }
}
