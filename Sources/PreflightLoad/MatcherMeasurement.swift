package import OriginMatching
package import PreflightReport

/// One strategy measured on one pattern list.
package struct MatcherMeasurement: Sendable {
    package var matcher: OriginMatcherKind
    package var patterns: Int
    /// Nanoseconds per decision: median, min and max over the repetitions.
    package var nsPerDecision: Spread
    /// Allocations per decision over all timed decisions; nil when not countable.
    package var allocationsPerDecision: Double?
    /// Time to build the structure from the pattern list (median of up to 3 builds).
    package var buildMicroseconds: Double
    /// Heap bytes the structure holds, when it can be counted.
    package var retainedBytes: Int?
    /// Decisions timed in all repetitions.
    package var decisions: Int
    /// Share of the request stream the policy allows (the same for every strategy).
    package var allowedShare: Double
}
