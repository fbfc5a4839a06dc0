public import CORSPolicy

/// Something that answers preflights: the engine alone, or the engine behind a cache.
public protocol PreflightDecider: AnyObject, Sendable {
    /// Decides one preflight (see `PreflightEvaluator.evaluate`), from the cache when it can.
    func decide(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?) -> PreflightReason

    /// `decide`, setting `hit` when a cache answered without evaluating, so
    /// a harness can time hits and misses apart. Deciders without a cache
    /// keep the default, which never sets it.
    func decide(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?,
                hit: inout Bool) -> PreflightReason

    /// Installs a new policy. Once this returns, no decision of the old policy is served.
    func replacePolicy(_ evaluator: PreflightEvaluator)

    /// The counters so far; reading them does not stop traffic.
    func statistics() -> CacheStatistics
}

extension PreflightDecider {
    public func decide(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?,
                       hit: inout Bool) -> PreflightReason {
        decide(origin: origin, method: method, requestHeaders: requestHeaders)
    }

    /// Decides a request given as strings.
    public func decide(_ request: PreflightRequest) -> PreflightReason {
        var origin = request.origin, method = request.method
        return origin.withUTF8 { o in
            method.withUTF8 { m in
                guard var headers = request.requestHeaders else {
                    return decide(origin: UnsafeRawBufferPointer(o), method: UnsafeRawBufferPointer(m), requestHeaders: nil)
                }
                return headers.withUTF8 { decide(origin: UnsafeRawBufferPointer(o), method: UnsafeRawBufferPointer(m), requestHeaders: UnsafeRawBufferPointer($0)) }
            }
        }
    }
}

/// The cache implementations, by their CLI names.
public enum PreflightCacheKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// No cache: every request is evaluated (the cost a cache must beat).
    case none
    /// One lock around a `Dictionary` keyed by `String`s: the naive baseline.
    case locked
    /// Ours: power-of-two shards, allocation-free hit path on UTF-8 bytes.
    case sharded

    public var description: String { rawValue }
}

/// Which entry a full shard gives up.
public enum EvictionPolicy: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Least recently used: every hit moves the entry (a write on every hit).
    case lru
    /// SIEVE: a FIFO with a visited bit and a moving hand; hits only set a bit.
    case sieve
    /// S3-FIFO: a small probationary FIFO, a main FIFO and a ghost list of
    /// recently evicted keys; one-hit wonders never reach the main queue.
    case s3fifo

    public var description: String { rawValue }
}

/// Whether a miss is inserted the first time its key is seen.
public enum AdmissionPolicy: String, CaseIterable, Sendable {
    /// Insert every miss.
    case always
    /// TinyLFU's doorkeeper: insert a key only on its second miss within a
    /// window, so a flood of one-off keys does not flush the hot set.
    case doorkeeper
}

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

/// Builds a decider of `kind`.
public func makePreflightDecider(_ kind: PreflightCacheKind, evaluator: PreflightEvaluator,
                                 configuration: CacheConfiguration, clock: some PreflightClock) -> any PreflightDecider {
    switch kind {
    case .none: return UncachedPreflightDecider(evaluator: evaluator)
    case .locked: return LockedPreflightCache(evaluator: evaluator, configuration: configuration, clock: clock)
    case .sharded: return ShardedPreflightCache(evaluator: evaluator, configuration: configuration, clock: clock)
    }
}

/// `none`: the engine alone. Keeps no statistics (every lookup is a miss, counted by the caller).
public final class UncachedPreflightDecider: PreflightDecider {
    let holder: PolicyHolder

    public init(evaluator: PreflightEvaluator) {
        holder = PolicyHolder(evaluator, deniedTTLSeconds: 0)
    }

    public func decide(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?) -> PreflightReason {
        holder.withCurrent { $0.evaluate(origin: origin, method: method, requestHeaders: requestHeaders) }
    }

    public func replacePolicy(_ evaluator: PreflightEvaluator) { holder.replace(with: evaluator) }

    public func statistics() -> CacheStatistics { CacheStatistics() }
}
