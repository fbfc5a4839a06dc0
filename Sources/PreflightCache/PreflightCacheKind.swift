public import CORSPolicy

/// The cache implementations, by their CLI names.
public enum PreflightCacheKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// No cache: every request is evaluated (the cost a cache must beat).
    case none
    /// One lock around a `Dictionary` keyed by `String`s: the naive baseline.
    case locked
    /// Ours: power-of-two shards, allocation-free hit path on UTF-8 bytes.
    case sharded
    /// Ours, set-associative: four-way buckets with per-bucket seqlocks, where
    /// a hit and a miss touch only the key's bucket.
    case bucketed

    public var description: String { rawValue }
}

/// Builds a decider of `kind`.
public func makePreflightDecider(_ kind: PreflightCacheKind, evaluator: PreflightEvaluator,
                                 configuration: CacheConfiguration, clock: some PreflightClock) -> any PreflightDecider {
    switch kind {
    case .none: return UncachedPreflightDecider(evaluator: evaluator)
    case .locked: return LockedPreflightCache(evaluator: evaluator, configuration: configuration, clock: clock)
    case .sharded: return ShardedPreflightCache(evaluator: evaluator, configuration: configuration, clock: clock)
    case .bucketed: return BucketedPreflightCache(evaluator: evaluator, configuration: configuration, clock: clock)
    }
}
