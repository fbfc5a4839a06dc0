public import CORSPolicy

/// `locked`: one mutex around a `Dictionary` keyed by `String`, as a first
/// attempt at a shared cache looks. Its hit path builds a `String` (an
/// allocation), hashes it with SipHash and serializes every thread on one lock.
/// A full cache drops its oldest entry (FIFO), as simple caches do.
public final class LockedPreflightCache: PreflightDecider, @unchecked Sendable {
    // Safe to share: `entries` and `counters` are touched only under `lock`;
    // everything else is immutable or thread-safe itself.
    struct Entry {
        var reason: PreflightReason
        var expiry: UInt64
        var generation: UInt32
    }

    let lock = PThreadMutex()
    var entries: [String: Entry] = [:]
    /// Keys in insertion order from `orderHead` on; some may be gone already (expired).
    var order: [String] = []
    var orderHead = 0
    var counters = CacheStatistics()
    let holder: PolicyHolder
    let capacity: Int
    let clock: any PreflightClock
    /// The system clock is read directly, not through the existential: a witness call on every lookup costs more than the read.
    let systemClock: Bool

    public init(evaluator: PreflightEvaluator, configuration: CacheConfiguration, clock: some PreflightClock) {
        holder = PolicyHolder(evaluator, deniedTTLSeconds: configuration.deniedTTLSeconds)
        capacity = max(1, configuration.capacity)
        self.clock = clock
        systemClock = clock is SystemPreflightClock
    }

    public func decide(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?) -> PreflightReason {
        var hit = false
        return decide(origin: origin, method: method, requestHeaders: requestHeaders, hit: &hit)
    }

    /// `decide`, setting `hit` when the cache answered.
    public func decide(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?,
                       hit: inout Bool) -> PreflightReason {
        // The same key as `sharded` (so both cache exactly the same requests): the shape word, then the key words.
        let key: String? = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: CacheKey.bufferWords + 1) { buffer in
            let words = buffer.baseAddress!
            guard let shape = CacheKey.build(origin: origin, method: method, requestHeaders: requestHeaders, into: words + 1) else { return nil }
            words[0] = shape.lengths
            // Decoding with replacement would map different invalid bytes to one key: such requests are not cached.
            return String(validating: UnsafeRawBufferPointer(start: words, count: (shape.wordCount + 1) * 8), as: UTF8.self)
        }
        guard let key else {
            lock.withLock { counters.uncacheable += 1 }
            return holder.withCurrent { $0.evaluate(origin: origin, method: method, requestHeaders: requestHeaders) }
        }
        let now = systemClock ? SystemPreflightClock().nanoseconds() : clock.nanoseconds()
        let generation = holder.generation.load(ordering: .acquiring)
        let cached: PreflightReason? = lock.withLock {
            if let entry = entries[key] {
                if entry.generation == generation && now < entry.expiry {
                    counters.hits += 1
                    return entry.reason
                }
                entries[key] = nil
                counters.expired += 1
            }
            counters.misses += 1
            return nil
        }
        if let cached {
            hit = true
            return cached
        }
        let (reason, generationUsed, ttl) = holder.withCurrent { version in
            let reason = version.evaluate(origin: origin, method: method, requestHeaders: requestHeaders)
            return (reason, version.generation, reason == .allowed ? version.allowedTTL : version.deniedTTL)
        }
        if ttl > 0 {
            lock.withLock {
                if entries[key] == nil {
                    while entries.count >= capacity && orderHead < order.count {
                        let oldest = order[orderHead]
                        orderHead += 1
                        if entries.removeValue(forKey: oldest) != nil { counters.evicted += 1 }
                    }
                    if orderHead > 1024 && orderHead * 2 > order.count {
                        order.removeFirst(orderHead)
                        orderHead = 0
                    }
                    order.append(key)
                }
                entries[key] = Entry(reason: reason, expiry: now &+ ttl, generation: generationUsed)
            }
        }
        return reason
    }

    public func replacePolicy(_ evaluator: PreflightEvaluator) { holder.replace(with: evaluator) }

    public func statistics() -> CacheStatistics {
        lock.withLock {
            var s = counters
            s.entries = entries.count
            // Dictionary storage: buckets of (String, Entry) plus key bytes beyond the inline 15.
            s.bytes = entries.capacity * (MemoryLayout<String>.stride + MemoryLayout<Entry>.stride + 1)
                + entries.keys.reduce(0) { $0 + ($1.utf8.count > 15 ? $1.utf8.count + 32 : 0) }
            return s
        }
    }
}
