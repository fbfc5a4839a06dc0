import HeapModule
package import JSONValue
package import PreflightCache
package import PreflightWorkload
import CORSPolicy
package import PreflightReport

/// Cache tuning over virtual time: a scenario's stream replayed at a fixed
/// rate against each capacity, eviction policy and Max-Age, with the offline
/// optimum as the line to compare against.
///
/// The replay runs the `sharded` cache's own replacement code
/// (`EvictionQueues`: LRU, SIEVE, S3-FIFO with its ghost, the doorkeeper for
/// LRU and SIEVE, the expiry sweep) on one shard, over key ids instead of
/// bytes, so an hour of traffic takes seconds.
package struct Simulation: Sendable {
    package var capacities: [Int]
    package var evictions: [EvictionPolicy]
    package var maxAges: [Int]
    /// Virtual seconds replayed.
    package var duration: Double
    /// Requests per virtual second.
    package var rate: Double
    /// Seconds a denied decision is kept, as in `CacheConfiguration`.
    package var deniedTTL: Double = 5
    /// Samples of the time series per point.
    package var samples = 60
    /// A trace's times (seconds since its first request, one per request of
    /// the stream, in order): the replay takes them as virtual time and
    /// replays the trace once, instead of `duration` at `rate`.
    package var times: [Double]?

    package init(capacities: [Int], evictions: [EvictionPolicy], maxAges: [Int], duration: Double, rate: Double) {
        self.capacities = capacities
        self.evictions = evictions
        self.maxAges = maxAges
        self.duration = duration
        self.rate = rate
    }

    package struct Point: Sendable {
        package var capacity: Int
        package var eviction: EvictionPolicy
        package var maxAge: Int
        package var requests: Int
        /// The hit rate of the exact policy (`sharded`'s `EvictionQueues`).
        package var hitRate: Double
        /// The same policy approximated within four-way buckets (`bucketed`), nil where not replayed.
        package var bucketedHitRate: Double? = nil
        /// The offline optimum for this capacity and Max-Age (Belady, expiry-aware, with bypass).
        package var optimalHitRate: Double
        package var peakEntries: Int
        /// (virtual second, hit rate over the interval, entries) at regular intervals.
        package var series: [(time: Double, hitRate: Double, entries: Int)]
    }

    package var requestCount: Int { times?.count ?? Int(duration * rate) }

    /// Virtual seconds of request `i`; past a trace's end, never.
    @inline(__always)
    func time(of i: Int) -> Double {
        guard let times else { return Double(i) / rate }
        return i < times.count ? times[i] : .infinity
    }

    /// Runs every point. `progress` gets a line per finished point.
    package func run(stream: RequestStream, progress: (String) -> Void = { _ in }, stop: () -> Bool = { false }) -> [Point] {
        // Decide each key once: its TTL class (allowed or denied) is all the replay needs.
        let evaluator = PreflightEvaluator(policy: stream.policy)
        let allowed = stream.keyRepresentatives.map { evaluator.evaluate(stream.request($0)).isAllowed }
        let nextInBase = Self.nextOccurrences(stream.keyIDs, distinctKeys: stream.distinctKeys)
        var points: [Point] = []
        for maxAge in maxAges {
            let allowedTTL = Double(CORSPolicy.effectiveMaxAge(maxAge))
            for capacity in capacities {
                if stop() { return points }
                let optimal = belady(keyIDs: stream.keyIDs, distinctKeys: stream.distinctKeys, nextInBase: nextInBase, allowed: allowed,
                                     capacity: capacity, allowedTTL: allowedTTL)
                for eviction in evictions {
                    if stop() { return points }
                    var point = replay(stream: stream, allowed: allowed, capacity: capacity, eviction: eviction, allowedTTL: allowedTTL)
                    point.maxAge = maxAge
                    point.optimalHitRate = optimal
                    // The same policy within four-way buckets, as the `bucketed` cache runs it.
                    point.bucketedHitRate = replayBuckets(stream: stream, allowed: allowed, capacity: capacity, eviction: eviction,
                                                          allowedTTL: allowedTTL).hitRate
                    points.append(point)
                    progress("capacity \(capacity) \(eviction) max-age \(maxAge): hit \(formatNumber(point.hitRate * 100)) % "
                             + "(in 4-way buckets \(formatNumber((point.bucketedHitRate ?? 0) * 100)) %), optimum \(formatNumber(optimal * 100)) %")
                }
            }
        }
        return points
    }

    /// Next occurrence of each position's key in the cycled sequence
    /// (positions of the next cycle count from `keys.count`).
    static func nextOccurrences(_ keyIDs: [UInt32], distinctKeys: Int) -> [Int] {
        let keys = keyIDs.count
        var nextInBase = [Int](repeating: 0, count: keys)
        var last = [Int](repeating: -1, count: distinctKeys)
        var first = [Int](repeating: -1, count: distinctKeys)
        for i in stride(from: keys - 1, through: 0, by: -1) {
            let k = Int(keyIDs[i])
            nextInBase[i] = last[k]
            last[k] = i
        }
        for i in 0..<keys where first[Int(keyIDs[i])] < 0 { first[Int(keyIDs[i])] = i }
        for i in 0..<keys where nextInBase[i] < 0 { nextInBase[i] = keys + first[Int(keyIDs[i])] }
        return nextInBase
    }

    /// The offline optimum: on a miss, cache the key unless every cached key is
    /// requested again (before it expires) sooner; evict the key whose next
    /// useful request is farthest, where a request after expiry is useless.
    func belady(keyIDs: [UInt32], distinctKeys: Int, nextInBase: [Int], allowed: [Bool], capacity: Int, allowedTTL: Double) -> Double {
        let n = requestCount
        let base = keyIDs.count
        var heap = Heap<NextUse>()
        var cachedUntil = [Double](repeating: -1, count: distinctKeys)
        var cachedNext = [Int](repeating: -1, count: distinctKeys)
        var count = 0
        var hits = 0
        for i in 0..<n {
            let k = Int(keyIDs[i % base])
            let now = time(of: i)
            let next = i - i % base + nextInBase[i % base]
            let ttl = allowed[k] ? allowedTTL : deniedTTL
            if cachedUntil[k] > now {
                hits += 1
                // The entry keeps its expiry; its next request moves on.
                let useful = time(of: next) < cachedUntil[k] ? next : Int.max
                cachedNext[k] = useful
                heap.insert(NextUse(next: useful, until: cachedUntil[k], key: k))
                if heap.count > 4 * capacity + 1024 {
                    heap = Heap(heap.unordered.filter { cachedUntil[$0.key] > now && cachedNext[$0.key] == $0.next })
                }
                continue
            }
            if cachedUntil[k] >= 0 { cachedUntil[k] = -1; count -= 1 }
            guard ttl > 0 else { continue }
            let useful = time(of: next) < now + ttl ? next : Int.max
            if useful == Int.max { continue }
            if count >= capacity {
                // Drop stale heap tops, then compare with the farthest cached key.
                while let top = heap.max, cachedUntil[top.key] <= now || cachedNext[top.key] != top.next {
                    if cachedUntil[top.key] >= 0 && cachedUntil[top.key] <= now { cachedUntil[top.key] = -1; count -= 1 }
                    heap.removeMax()
                    if count < capacity { break }
                }
                if count >= capacity, let top = heap.max {
                    if top.next <= useful { continue }
                    heap.removeMax()
                    cachedUntil[top.key] = -1
                    count -= 1
                }
            }
            cachedUntil[k] = now + ttl
            cachedNext[k] = useful
            heap.insert(NextUse(next: useful, until: cachedUntil[k], key: k))
            count += 1
            // Hits leave stale heap entries behind; drop them before they pile up.
            if heap.count > 4 * capacity + 1024 {
                heap = Heap(heap.unordered.filter { cachedUntil[$0.key] > now && cachedNext[$0.key] == $0.next })
            }
        }
        return Double(hits) / Double(max(n, 1))
    }

    /// Nanoseconds between requests in virtual time: whole nanoseconds, as the cache's clock counts.
    var step: UInt64 { UInt64((1e9 / rate).rounded()) }

    /// Replays the stream through one shard of the `sharded` cache (`SimulatedShard`).
    /// `hashes` stand for the cache's hashes of each key's bytes;
    /// `observe(i, hit, shard)` sees every request's outcome.
    func replay(stream: RequestStream, allowed: [Bool], capacity: Int, eviction: EvictionPolicy, allowedTTL: Double,
                hashes: [UInt64]? = nil, observe: (Int, Bool, SimulatedShard) -> Void = { _, _, _ in }) -> Point {
        var shard = SimulatedShard(hashes: hashes ?? SimulatedShard.hashes(keys: stream.distinctKeys), capacity: capacity, eviction: eviction,
                                   admission: CacheConfiguration(eviction: eviction).effectiveAdmission)
        defer { shard.deallocate() }
        return replay(stream: stream, allowed: allowed, capacity: capacity, eviction: eviction, allowedTTL: allowedTTL, through: &shard, observe: observe)
    }

    /// Replays the stream through the `bucketed` cache's buckets (`SimulatedBuckets`).
    func replayBuckets(stream: RequestStream, allowed: [Bool], capacity: Int, eviction: EvictionPolicy, allowedTTL: Double,
                       hashes: [UInt64]? = nil, observe: (Int, Bool, SimulatedBuckets) -> Void = { _, _, _ in }) -> Point {
        var buckets = SimulatedBuckets(hashes: hashes ?? SimulatedShard.hashes(keys: stream.distinctKeys), capacity: capacity, eviction: eviction,
                                       admission: CacheConfiguration(eviction: eviction).effectiveAdmission)
        return replay(stream: stream, allowed: allowed, capacity: capacity, eviction: eviction, allowedTTL: allowedTTL, through: &buckets, observe: observe)
    }

    func replay<Cache: SimulatedCache>(stream: RequestStream, allowed: [Bool], capacity: Int, eviction: EvictionPolicy, allowedTTL: Double,
                                       through shard: inout Cache, observe: (Int, Bool, Cache) -> Void) -> Point {
        let n = requestCount
        let base = stream.keyIDs.count
        let allowedNanos = UInt64(allowedTTL * 1e9), deniedNanos = UInt64(max(0, deniedTTL) * 1e9)
        var hits = 0, intervalHits = 0, intervalRequests = 0
        var series: [(Double, Double, Int)] = []
        let every = max(1, n / samples)
        for i in 0..<n {
            let k = Int(stream.keyIDs[i % base])
            let now = times.map { Self.epoch &+ UInt64($0[i] * 1e9) } ?? Self.epoch &+ UInt64(i) &* step
            let hit = shard.lookup(k, now: now)
            if hit {
                hits += 1
                intervalHits += 1
            } else {
                let ttl = allowed[k] ? allowedNanos : deniedNanos
                if ttl > 0 { shard.insert(k, expiry: now &+ ttl, now: now) }
            }
            observe(i, hit, shard)
            intervalRequests += 1
            if (i + 1) % every == 0 {
                series.append((time(of: i), Double(intervalHits) / Double(intervalRequests), shard.count))
                intervalHits = 0
                intervalRequests = 0
            }
        }
        return Point(capacity: capacity, eviction: eviction, maxAge: 0, requests: n, hitRate: Double(hits) / Double(max(n, 1)),
                     optimalHitRate: 0, peakEntries: shard.peak, series: series)
    }

    /// Virtual time of the first request, in the cache clock's nanoseconds (`ManualPreflightClock` starts here too).
    static let epoch: UInt64 = 1_000_000_000
}

/// A cached key and its next useful request, ordered by that request, for
/// Belady's farthest-first choice. Among keys never useful again (`next` is
/// `Int.max`) the one that expires first goes first: expired entries leave
/// the count only when they surface, so evicting those frees a slot the
/// lazy count would otherwise hold (on churn at 1,000 entries this raises
/// the optimum from 56.7 % to 57.1 %; a heap order broke such ties before).
/// Entries go stale when the key is evicted or requested again; the optimum
/// skips them as they surface.
struct NextUse: Comparable {
    var next: Int
    var until: Double
    var key: Int
    static func < (a: Self, b: Self) -> Bool { (a.next, -a.until, a.key) < (b.next, -b.until, b.key) }
}

extension Simulation.Point {
    package var jsonValue: JSONValue {
        .object([
            ("capacity", .int(capacity)), ("eviction", .string(eviction.rawValue)), ("maxAge", .int(maxAge)),
            ("requests", .int(requests)), ("hitRate", .double(hitRate, fractionDigits: 4)),
            ("bucketedHitRate", bucketedHitRate.map { .double($0, fractionDigits: 4) } ?? .null),
            // NaN: a trace too long for the optimum (see `StreamingReplay`).
            ("optimalHitRate", optimalHitRate.isNaN ? .null : .double(optimalHitRate, fractionDigits: 4)), ("peakEntries", .int(peakEntries)),
            ("series", .array(series.map { .object([("time", .double($0.time, fractionDigits: 1)), ("hitRate", .double($0.hitRate, fractionDigits: 4)),
                                                    ("entries", .int($0.entries))]) })),
        ])
    }
}

extension Simulation {
    package static func table(_ points: [Point]) -> TextTable {
        TextTable(header: ["capacity", "eviction", "max-age", "requests", "hit %", "4-way %", "optimal %", "of optimal", "peak entries"],
                  rows: points.map { p in
                      [String(p.capacity), p.eviction.rawValue, String(p.maxAge), String(p.requests), formatNumber(p.hitRate * 100),
                       p.bucketedHitRate.map { formatNumber($0 * 100) } ?? "-",
                       p.optimalHitRate.isNaN ? "-" : formatNumber(p.optimalHitRate * 100),
                       p.optimalHitRate > 0 ? formatNumber(p.hitRate / p.optimalHitRate * 100) + " %" : "-",
                       String(p.peakEntries)]
                  }, rightAligned: [0, 2, 3, 4, 5, 6, 7, 8])
    }

    /// Charts: hit rate vs capacity per eviction policy and Max-Age, with the optimum; hit rate and entries over time.
    package static func charts(_ points: [Point]) -> [(name: String, svg: String)] {
        var out: [(String, String)] = []
        var series: [SVGChart.Series] = []
        for maxAge in Array(Set(points.map(\.maxAge))).sorted() {
            let atAge = points.filter { $0.maxAge == maxAge }
            for eviction in EvictionPolicy.allCases where atAge.contains(where: { $0.eviction == eviction }) {
                series.append(SVGChart.Series(name: "\(eviction) max-age \(maxAge)",
                                              points: atAge.filter { $0.eviction == eviction }.map { (Double($0.capacity), $0.hitRate * 100) }.sorted { $0.0 < $1.0 }))
            }
            let optimal = Dictionary(atAge.filter { !$0.optimalHitRate.isNaN }.map { ($0.capacity, $0.optimalHitRate) }, uniquingKeysWith: { a, _ in a })
            if !optimal.isEmpty { series.append(SVGChart.Series(name: "optimal max-age \(maxAge)", points: optimal.map { (Double($0.key), $0.value * 100) }.sorted { $0.0 < $1.0 })) }
        }
        out += SVGChart(title: "simulated hit rate vs capacity", xLabel: "capacity (entries)", yLabel: "hit rate %",
                        series: series, logX: true, yCap: 100).split(name: "simulate-hit-rate-vs-capacity.svg")
        let label = { (p: Point) in "capacity \(p.capacity) \(p.eviction) max-age \(p.maxAge) s" }
        out += SVGChart(title: "hit rate over virtual time", xLabel: "seconds", yLabel: "hit rate %",
                        series: points.map { p in SVGChart.Series(name: label(p), points: p.series.map { ($0.time, $0.hitRate * 100) }) },
                        yCap: 100).split(name: "simulate-hit-rate-over-time.svg")
        out += SVGChart(title: "entries over virtual time", xLabel: "seconds", yLabel: "entries",
                        series: points.map { p in SVGChart.Series(name: label(p), points: p.series.map { ($0.time, Double($0.entries)) }) })
            .split(name: "simulate-entries-over-time.svg")
        return out
    }
}

/// A model of a cache over key ids, replayed by `Simulation`.
package protocol SimulatedCache {
    mutating func lookup(_ k: Int, now: UInt64) -> Bool
    mutating func insert(_ k: Int, expiry: UInt64, now: UInt64)
    var count: Int { get }
    var peak: Int { get }
    var evicted: Int { get }
    var expired: Int { get }
    var rejected: Int { get }
    /// Frees what the model allocated outside Swift's memory management.
    func deallocate()
}

extension SimulatedShard: SimulatedCache {}
extension SimulatedBuckets: SimulatedCache {
    package func deallocate() {}
}
