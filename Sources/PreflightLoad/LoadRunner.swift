#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
package import PreflightCache
package import PreflightWorkload
import CORSPolicy
import PreflightReport

/// Drives the engine and caches with generated request streams on Dispatch workers.
package struct LoadRunner: Sendable {
    package var options: LoadOptions
    package var allocations: AllocationProbe

    package init(options: LoadOptions, allocations: AllocationProbe) {
        self.options = options
        self.allocations = allocations
    }

    /// The combinations measured for one scenario, options that do not apply collapsed.
    package func configurations() -> [(cache: PreflightCacheKind, capacity: Int?, eviction: EvictionPolicy?, shards: Int?)] {
        var out: [(PreflightCacheKind, Int?, EvictionPolicy?, Int?)] = []
        for cache in options.caches {
            switch cache {
            case .none: out.append((.none, nil, nil, nil))
            case .locked: for c in options.capacities { out.append((.locked, c, nil, nil)) }
            case .sharded:
                for c in options.capacities { for e in options.evictions { for s in options.shards { out.append((.sharded, c, e, s)) } } }
            case .bucketed:
                // Locks are per bucket: the shard count does not apply.
                for c in options.capacities { for e in options.evictions { out.append((.bucketed, c, e, nil)) } }
            }
        }
        return out
    }

    /// The number of points `measure` produces per scenario.
    package var pointsPerScenario: Int { configurations().count * options.matchers.count * options.workers.count }

    /// Measures the harness alone: the same loop with a decider that only reads
    /// the request, on one worker. Subtract it mentally from ns per decision.
    package func harnessOverhead(stream: RequestStream) -> Double {
        let decider = NoopDecider()
        let r = runOnce(decider: decider, stream: stream, workers: 1, duration: 0.3, warmup: 0.05,
                        fixed: options.fixedDecisions.map { _ in (LoadOptions.fixedHarnessDecisions, LoadOptions.fixedWarmupDecisions) }, stop: { false })
        return r.seconds * 1e9 / Double(max(r.decisions, 1))
    }

    /// Measures every point of `stream`'s scenario, calling `report` after each.
    package func measure(stream: RequestStream, stop: @escaping @Sendable () -> Bool, report: (LoadPoint) -> Void) {
        for (cache, capacity, eviction, shards) in configurations() {
            for matcher in options.matchers {
                for workers in options.workers {
                    if stop() { return }
                    // Allocated before the heap is read, so the heap growth measured is the cache's.
                    var latency = LatencySamples()
                    let heapBefore = allocations.heapBytes()
                    let evaluator = PreflightEvaluator(policy: stream.policy, matcher: matcher)
                    let configuration = CacheConfiguration(capacity: capacity ?? 1, shards: shards ?? 1, eviction: eviction ?? .s3fifo)
                    let decider = makePreflightDecider(cache, evaluator: evaluator, configuration: configuration, clock: SystemPreflightClock())
                    if stream.scenario.prewarm && cache != .none {
                        // Each distinct key twice, so admission filters admit it.
                        for _ in 0..<2 {
                            for i in stream.keyRepresentatives { stream.withRequest(i) { _ = decider.decide(origin: $0, method: $1, requestHeaders: $2) } }
                        }
                    }
                    var rates: [Double] = []
                    var decisions = 0, seconds = 0.0, allocated: UInt64 = 0
                    let before = decider.statistics()
                    var stopped = false
                    for _ in 0..<options.repetitions {
                        let r = runOnce(decider: decider, stream: stream, workers: workers, duration: options.duration, warmup: options.warmup,
                                        fixed: options.fixedDecisions.map { ($0, LoadOptions.fixedWarmupDecisions) }, stop: stop)
                        if r.decisions == 0 { stopped = true; break }
                        rates.append(Double(r.decisions) / r.seconds)
                        decisions += r.decisions
                        seconds += r.seconds
                        allocated += r.allocations
                        latency.add(r.latency)
                        if r.stopped { stopped = true; break }
                    }
                    guard !rates.isEmpty else { return }
                    let after = decider.statistics()
                    let lookups = after.lookups - before.lookups
                    let heap = allocations.heapBytes().flatMap { now in heapBefore.map { Int(now - $0) } }
                    let perEntryDivisor = Double(max(cache == .sharded || cache == .bucketed ? (capacity ?? 1) : after.entries, 1))
                    let bytesPerEntry = cache == .none ? nil : (heap.map { Double($0) } ?? Double(after.bytes)) / perEntryDivisor
                    // The warm-up's lookups are in the delta too: the hit rate covers warm-up and timed runs alike.
                    report(LoadPoint(
                        scenario: stream.scenario.name, workers: workers, cache: cache, matcher: matcher, capacity: capacity,
                        eviction: eviction, shards: cache == .sharded ? (decider as? ShardedPreflightCache)?.shardCountUsed : nil,
                        allocator: options.allocator, decisions: decisions, seconds: seconds, decisionsPerSecond: Spread(rates),
                        hitRate: cache == .none || lookups == 0 ? nil : Double(after.hits - before.hits) / Double(lookups),
                        p50Nanos: latency.all.valueAtPercentile(50), p99Nanos: latency.all.valueAtPercentile(99),
                        p999Nanos: latency.all.valueAtPercentile(99.9), meanNanos: latency.all.totalCount > 0 ? latency.all.mean : nil,
                        hitLatency: cache == .none ? nil : LatencyPercentiles(latency.hits),
                        missLatency: cache == .none ? nil : LatencyPercentiles(latency.misses),
                        allocationsPerDecision: allocations.isActive ? Double(allocated) / Double(decisions) : nil,
                        entries: cache == .none ? nil : after.entries,
                        bytesPerEntry: bytesPerEntry, heapBytes: cache == .none ? nil : heap,
                        evictions: cache == .none ? nil : after.evicted - before.evicted,
                        expirations: cache == .none ? nil : after.expired - before.expired,
                        stopped: stopped))
                    if stopped { return }
                }
            }
        }
    }

    struct RunResult {
        var decisions: Int
        var seconds: Double
        var allocations: UInt64
        var latency: LatencySamples
        var stopped: Bool
    }

    /// One timed run, with the loop specialized for the decider's concrete
    /// type, so the engine is called directly (as a server calls the cache it
    /// holds) rather than through the protocol's witness table.
    func runOnce(decider: any PreflightDecider, stream: RequestStream, workers: Int, duration: Double, warmup: Double,
                 fixed: (decisions: Int, warmup: Int)?, stop: @escaping @Sendable () -> Bool) -> RunResult {
        switch decider {
        case let d as BucketedPreflightCache: runOnce(d, stream: stream, workers: workers, duration: duration, warmup: warmup, fixed: fixed, stop: stop)
        case let d as ShardedPreflightCache: runOnce(d, stream: stream, workers: workers, duration: duration, warmup: warmup, fixed: fixed, stop: stop)
        case let d as UncachedPreflightDecider: runOnce(d, stream: stream, workers: workers, duration: duration, warmup: warmup, fixed: fixed, stop: stop)
        case let d as LockedPreflightCache: runOnce(d, stream: stream, workers: workers, duration: duration, warmup: warmup, fixed: fixed, stop: stop)
        case let d as NoopDecider: runOnce(d, stream: stream, workers: workers, duration: duration, warmup: warmup, fixed: fixed, stop: stop)
        default: runOnce(decider, stream: stream, workers: workers, duration: duration, warmup: warmup, fixed: fixed, stop: stop)
        }
    }

    /// One timed run: every worker walks the stream from its own offset for
    /// `warmup` seconds untimed, then counts decisions until the deadline.
    /// With `fixed`, the warm-up and the timed part are counts of decisions
    /// instead: exactly `fixed.decisions` timed (the last batch is short).
    func runOnce<Decider: PreflightDecider>(_ decider: Decider, stream: RequestStream, workers: Int, duration: Double, warmup: Double,
                                            fixed: (decisions: Int, warmup: Int)?, stop: @escaping @Sendable () -> Bool) -> RunResult {
        let results = UnsafeMutableBufferPointer<RunResult?>.allocate(capacity: workers)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let start = Self.now()
        let timedFrom = start + UInt64(warmup * 1e9)
        let deadline = timedFrom + UInt64(duration * 1e9)
        let probe = allocations
        let slots = UnsafeSendable(results)
        let timing = WorkerTiming(timedFrom: timedFrom, deadline: deadline, sampleEvery: max(1, options.latencySampleEvery), fixed: fixed)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            slots.value[worker] = Self.runWorker(worker, of: workers, decider, stream: stream, timing: timing, probe: probe, stop: stop)
        }
        var total = RunResult(decisions: 0, seconds: 0, allocations: 0, latency: LatencySamples(), stopped: false)
        for r in results.compactMap({ $0 }) {
            total.decisions += r.decisions
            total.seconds = max(total.seconds, r.seconds)
            total.allocations += r.allocations
            total.latency.add(r.latency)
            total.stopped = total.stopped || r.stopped
        }
        return total
    }

    /// When a worker's warm-up ends and its timed part stops, and how often it samples latency.
    struct WorkerTiming {
        var timedFrom: UInt64
        var deadline: UInt64
        var sampleEvery: Int
        var fixed: (decisions: Int, warmup: Int)?
    }

    /// One worker's part of a run: it walks the stream from its own offset,
    /// untimed until `timedFrom` (or for a fixed number of decisions), then
    /// counts decisions in batches of 256 until the deadline, timing one in
    /// `sampleEvery` on its own.
    static func runWorker<Decider: PreflightDecider>(_ worker: Int, of workers: Int, _ decider: Decider, stream: RequestStream, timing: WorkerTiming,
                                                     probe: AllocationProbe, stop: @Sendable () -> Bool) -> RunResult {
        let fixed = timing.fixed, timedFrom = timing.timedFrom, deadline = timing.deadline, sampleEvery = timing.sampleEvery
        var latency = LatencySamples()
        var i = worker * (stream.count / workers)
        let mask = stream.mask
        // Warm-up: for a time, or a fixed number of batches.
        var warmupBatches = fixed.map { ($0.warmup + 255) / 256 } ?? Int.max
        while fixed != nil ? warmupBatches > 0 : Self.now() < timedFrom {
            warmupBatches -= 1
            for _ in 0..<256 {
                stream.withRequest(i) { _ = decider.decide(origin: $0, method: $1, requestHeaders: $2) }
                i = (i &+ 1) & mask
            }
            if stop() { break }
        }
        let allocationsBefore = probe.read()
        let begin = Self.now()
        var done = 0
        var countdown = sampleEvery
        var stopped = false
        var end = begin
        let target = fixed?.decisions ?? Int.max
        repeat {
            let batch = min(256, target - done)
            for _ in 0..<batch {
                countdown -= 1
                if countdown == 0 {
                    countdown = sampleEvery
                    var hit = false
                    let t0 = Self.now()
                    stream.withRequest(i) { _ = decider.decide(origin: $0, method: $1, requestHeaders: $2, hit: &hit) }
                    let elapsed = Self.now() &- t0
                    latency.record(elapsed, hit: hit)
                } else {
                    stream.withRequest(i) { _ = decider.decide(origin: $0, method: $1, requestHeaders: $2) }
                }
                i = (i &+ 1) & mask
            }
            done += batch
            end = Self.now()
            if stop() { stopped = true; break }
        } while fixed != nil ? done < target : end < deadline
        return RunResult(decisions: done, seconds: Double(end - begin) / 1e9, allocations: probe.read() &- allocationsBefore,
                         latency: latency, stopped: stopped)
    }

    /// The precise monotonic clock, for run timing and latency samples.
    @inline(__always)
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// The cost of one clock read, which every latency sample includes.
    package static func clockReadNanos() -> Double {
        let n = 200_000
        let t0 = now()
        var sink: UInt64 = 0
        for _ in 0..<n { sink &+= now() }
        blackHole(sink)
        return Double(now() - t0) / Double(n)
    }
}

/// A buffer each worker writes only its own element of, read after the workers join.
struct UnsafeSendable<T>: @unchecked Sendable {
    // Safe: concurrentPerform gives each worker a distinct index, and the
    // caller reads only after concurrentPerform returns (a happens-before edge).
    let value: T
    init(_ value: T) { self.value = value }
}

/// Reads the request and answers a constant: what the harness costs without an engine.
final class NoopDecider: PreflightDecider {
    func decide(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?) -> PreflightReason {
        origin.count &+ method.count == 0 ? .malformedOrigin : .allowed
    }
    func replacePolicy(_ evaluator: PreflightEvaluator) {}
    func statistics() -> CacheStatistics { CacheStatistics() }
}
