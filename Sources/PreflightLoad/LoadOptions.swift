package import OriginMatching
package import PreflightCache

/// What `run` measures: every combination of these, per scenario.
package struct LoadOptions: Sendable {
    package var workers: [Int] = [1, 2, 4]
    package var caches: [PreflightCacheKind] = [.none, .locked, .sharded, .bucketed]
    package var matchers: [OriginMatcherKind] = [.trie]
    package var capacities: [Int] = [100_000]
    package var evictions: [EvictionPolicy] = [.s3fifo]
    package var shards: [Int] = [64]
    /// Seconds timed per repetition, after `warmup` seconds untimed.
    package var duration: Double = 2
    package var warmup: Double = 0.2
    package var repetitions: Int = 3
    /// One decision in this many is timed on its own for the latency histogram.
    package var latencySampleEvery: Int = 64
    package var allocator: String = "system"
    /// Fixed-work mode: when set, each worker makes exactly this many timed
    /// decisions per repetition instead of running for `duration`, and the
    /// warm-up and harness loops are fixed counts too, so two runs with the
    /// same value execute the same instructions (for callgrind differences).
    package var fixedDecisions: Int?
    /// Untimed decisions per worker before each repetition in fixed-work mode.
    package static let fixedWarmupDecisions = 4096
    /// Decisions of the no-op harness loop in fixed-work mode.
    package static let fixedHarnessDecisions = 65_536

    package init() {}
}
