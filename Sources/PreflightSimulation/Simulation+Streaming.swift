import CORSPolicy
import PreflightCache

extension Simulation {
    /// A trace replayed as it is read, in memory bounded by its distinct keys:
    /// every point's shard sees each preflight as it arrives, and each key's
    /// id and decision are kept once. The offline optimum needs every
    /// request's next use, so it is computed only for traces of at most
    /// `optimumLimit` preflights (their keys and times are kept until then,
    /// 12 bytes each, and dropped beyond).
    package final class StreamingReplay {
        struct PointState {
            var capacity: Int
            var eviction: EvictionPolicy
            var maxAge: Int
            var allowedNanos: UInt64
            var shard: SimulatedShard
            var hits = 0
            var intervalHits = 0
            var intervalRequests = 0
            var series: [(time: Double, hitRate: Double, entries: Int)] = []
        }

        let simulation: Simulation
        let optimumLimit: Int
        var points: [PointState] = []
        var allowedOfKey: [Bool] = []
        var keys: [UInt32] = []
        var times: [Double] = []
        /// Whether the keys and times are still kept for the optimum.
        package private(set) var recording = true
        package private(set) var requests = 0
        var clock = TraceClock()
        /// Series samples are taken every `every` requests, doubled (and the
        /// samples merged in pairs) whenever they reach twice `samples`.
        var every = 1024

        package init(_ simulation: Simulation, optimumLimit: Int = 4_000_000) {
            self.simulation = simulation
            self.optimumLimit = optimumLimit
            for maxAge in simulation.maxAges {
                let allowedNanos = UInt64(Double(CORSPolicy.effectiveMaxAge(maxAge)) * 1e9)
                for capacity in simulation.capacities {
                    for eviction in simulation.evictions {
                        points.append(PointState(capacity: capacity, eviction: eviction, maxAge: maxAge, allowedNanos: allowedNanos,
                                                 shard: SimulatedShard(hashes: [], capacity: capacity, eviction: eviction,
                                                                       admission: CacheConfiguration(eviction: eviction).effectiveAdmission)))
                    }
                }
            }
        }

        deinit { for p in points { p.shard.deallocate() } }

        /// Virtual seconds from the first preflight to the last.
        package var lastSeconds: Double { clock.last }

        /// Key ids seen so far (the highest plus one).
        package var distinctKeys: Int { allowedOfKey.count }

        /// One preflight: its key id (small and dense: ids index arrays),
        /// whether the policy allows it, and its time in seconds (any origin).
        package func add(key: Int, allowed: Bool, time: Double?) {
            if key >= allowedOfKey.count { allowedOfKey.append(contentsOf: repeatElement(false, count: key + 1 - allowedOfKey.count)) }
            allowedOfKey[key] = allowed
            let t = clock.seconds(time, index: requests, rate: simulation.rate)
            let now = Simulation.epoch &+ UInt64(t * 1e9)
            let deniedNanos = UInt64(max(0, simulation.deniedTTL) * 1e9)
            for p in points.indices {
                let hit = points[p].shard.lookup(key, now: now)
                if hit {
                    points[p].hits += 1
                    points[p].intervalHits += 1
                } else {
                    let ttl = allowedOfKey[key] ? points[p].allowedNanos : deniedNanos
                    if ttl > 0 { points[p].shard.insert(key, expiry: now &+ ttl, now: now) }
                }
                points[p].intervalRequests += 1
            }
            requests += 1
            if requests % every == 0 { sample(t) }
            if recording {
                if requests > optimumLimit {
                    recording = false
                    keys = []
                    times = []
                } else {
                    keys.append(UInt32(key))
                    times.append(t)
                }
            }
        }

        func sample(_ t: Double) {
            for p in points.indices {
                points[p].series.append((t, Double(points[p].intervalHits) / Double(max(points[p].intervalRequests, 1)), points[p].shard.count))
                points[p].intervalHits = 0
                points[p].intervalRequests = 0
                if points[p].series.count >= 2 * simulation.samples {
                    let s = points[p].series
                    points[p].series = stride(from: 0, to: s.count - 1, by: 2).map { (s[$0 + 1].time, (s[$0].hitRate + s[$0 + 1].hitRate) / 2, s[$0 + 1].entries) }
                }
            }
            if points.first.map({ $0.series.count }) == simulation.samples { every *= 2 }
        }

        /// The points, with the optimum where the trace was short enough (else nil).
        package func finish() -> (points: [Point], optimum: Bool) {
            var optimal: [String: Double] = [:]
            if recording && !keys.isEmpty {
                var timed = simulation
                timed.times = times
                let next = Simulation.nextOccurrences(keys, distinctKeys: distinctKeys)
                for maxAge in simulation.maxAges {
                    let allowedTTL = Double(CORSPolicy.effectiveMaxAge(maxAge))
                    for capacity in simulation.capacities {
                        optimal["\(maxAge) \(capacity)"] = timed.belady(keyIDs: keys, distinctKeys: distinctKeys, nextInBase: next, allowed: allowedOfKey,
                                                                         capacity: capacity, allowedTTL: allowedTTL)
                    }
                }
            }
            let result = points.map { p in
                Point(capacity: p.capacity, eviction: p.eviction, maxAge: p.maxAge, requests: requests,
                      hitRate: Double(p.hits) / Double(max(requests, 1)), optimalHitRate: optimal["\(p.maxAge) \(p.capacity)"] ?? .nan,
                      peakEntries: p.shard.peak, series: p.series)
            }
            return (result, recording)
        }
    }
}
