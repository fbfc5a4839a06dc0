/// Settings of a cache.
public struct CacheConfiguration: Sendable, Equatable {
    /// The most entries the cache holds, a hard bound.
    public var capacity: Int
    /// Shards (a power of two) for `sharded`; fewer when capacity is smaller.
    public var shards: Int
    public var eviction: EvictionPolicy
    /// nil picks the eviction policy's natural partner: the doorkeeper for
    /// `lru` and `sieve`, none for `s3fifo` (its small queue already filters).
    public var admission: AdmissionPolicy?
    /// Seconds a denied decision is kept (0: denials are not cached).
    public var deniedTTLSeconds: Double

    public init(capacity: Int = 100_000, shards: Int = 64, eviction: EvictionPolicy = .s3fifo,
                admission: AdmissionPolicy? = nil, deniedTTLSeconds: Double = 5) {
        self.capacity = capacity
        self.shards = shards
        self.eviction = eviction
        self.admission = admission
        self.deniedTTLSeconds = deniedTTLSeconds
    }

    public var effectiveAdmission: AdmissionPolicy {
        admission ?? (eviction == .s3fifo ? .always : .doorkeeper)
    }
}
