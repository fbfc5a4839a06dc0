import Histogram
package import OriginMatching
package import PreflightCache
package import PreflightReport

/// One measured combination.
package struct LoadPoint: Sendable {
    package var scenario: String
    package var workers: Int
    package var cache: PreflightCacheKind
    package var matcher: OriginMatcherKind
    /// nil where the option does not apply to the cache (`none` has no capacity).
    package var capacity: Int?
    package var eviction: EvictionPolicy?
    package var shards: Int?
    package var allocator: String
    /// Decisions timed over all repetitions, and the seconds they took.
    package var decisions: Int
    package var seconds: Double
    /// Decisions per second over repetitions: median, min, max.
    package var decisionsPerSecond: Spread
    /// Hits over lookups during the timed runs; nil for `none`.
    package var hitRate: Double?
    package var p50Nanos: UInt64
    package var p99Nanos: UInt64
    package var p999Nanos: UInt64
    /// The mean of the sampled latencies; nil in reports written before it was recorded.
    package var meanNanos: Double?
    /// Latency of the sampled decisions the cache answered (hits) and of the
    /// rest (misses, which evaluate); nil for `none` and when none was sampled.
    package var hitLatency: LatencyPercentiles?
    package var missLatency: LatencyPercentiles?
    package var allocationsPerDecision: Double?
    package var entries: Int?
    /// Heap bytes per entry: the heap's growth from building and filling the
    /// cache, measured by the allocator's statistics, over the capacity
    /// (`sharded` preallocates) or the entries (`locked` grows).
    package var bytesPerEntry: Double?
    /// That heap growth in bytes, measured; nil when the allocator cannot say.
    package var heapBytes: Int?
    package var evictions: Int?
    package var expirations: Int?
    package var stopped: Bool
    /// Set for points measured over HTTP by `load` (then `workers` counts
    /// connections and `decisions` responses).
    package var http: HTTPPointDetails? = nil
}

/// The mean, median and 99th percentile of a set of latency samples, in
/// nanoseconds. The mean is what throughput follows; the percentiles show
/// the shape.
package struct LatencyPercentiles: Sendable, Equatable {
    package var meanNanos: Double
    package var p50Nanos: UInt64
    package var p99Nanos: UInt64

    package init(meanNanos: Double, p50Nanos: UInt64, p99Nanos: UInt64) {
        self.meanNanos = meanNanos
        self.p50Nanos = p50Nanos
        self.p99Nanos = p99Nanos
    }

    init?(_ histogram: Histogram<UInt64>) {
        guard histogram.totalCount > 0 else { return nil }
        self.init(meanNanos: histogram.mean, p50Nanos: histogram.valueAtPercentile(50), p99Nanos: histogram.valueAtPercentile(99))
    }
}
