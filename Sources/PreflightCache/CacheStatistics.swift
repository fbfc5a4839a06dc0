/// Counters of a cache, readable at any time while traffic flows.
///
/// Every lookup is exactly one of a hit, a miss or uncacheable, so
/// `hits + misses + uncacheable == lookups`. `expired` counts entries found
/// past their expiry (or computed under a replaced policy), which are misses
/// too, and entries dropped by the amortized cleanup.
public struct CacheStatistics: Sendable, Equatable {
    public var hits = 0
    public var misses = 0
    public var expired = 0
    public var evicted = 0
    /// Misses not inserted because the admission filter had not seen the key before.
    public var rejected = 0
    public var uncacheable = 0
    public var entries = 0
    /// Bytes the cache's structures hold, counted from its own buffers.
    public var bytes = 0

    public init() {}

    public var lookups: Int { hits + misses + uncacheable }
    public var hitRate: Double { lookups == 0 ? 0 : Double(hits) / Double(lookups) }

    public static func + (a: Self, b: Self) -> Self {
        var s = a
        s.hits += b.hits; s.misses += b.misses; s.expired += b.expired; s.evicted += b.evicted
        s.rejected += b.rejected; s.uncacheable += b.uncacheable; s.entries += b.entries; s.bytes += b.bytes
        return s
    }
}
