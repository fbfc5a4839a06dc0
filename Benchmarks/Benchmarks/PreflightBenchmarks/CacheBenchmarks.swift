import Benchmark
import CORSPolicy
import Dispatch
import PreflightCache

/// A request as views into bytes that live as long as the process: iterating
/// these takes no reference counts, so the loop times the cache, not itself.
struct RequestBytes: @unchecked Sendable {
    // Safe: the bytes are never freed or written after creation.
    let origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, headers: UnsafeRawBufferPointer
}

func requests(_ count: Int, prefix: String = "app") -> [RequestBytes] {
    let headers = ["content-type", "content-type,x-request-id", "authorization,content-type", "x-request-id"]
    func permanent(_ s: String) -> UnsafeRawBufferPointer {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: s.utf8.count, alignment: 8)
        _ = buffer.copyBytes(from: s.utf8)
        return UnsafeRawBufferPointer(buffer)
    }
    return (0..<count).map { i in
        RequestBytes(origin: permanent("https://\(prefix)\(i).tenant\(i % 37).example.com"), method: permanent(["PUT", "DELETE", "PATCH"][i % 3]),
                     headers: permanent(headers[(i / 3) % headers.count]))
    }
}

@inline(__always)
func decide(_ cache: any PreflightDecider, _ r: RequestBytes) -> PreflightReason {
    cache.decide(origin: r.origin, method: r.method, requestHeaders: r.headers)
}

let cachePolicy = try! CORSPolicy(validating: PolicyConfiguration(
    origins: ["https://*.example.com"], methods: ["PUT", "DELETE", "PATCH"],
    requestHeaders: ["content-type", "x-request-id", "authorization"], maxAge: 7200))

func makeCache(_ kind: PreflightCacheKind, capacity: Int, eviction: EvictionPolicy = .s3fifo) -> any PreflightDecider {
    makePreflightDecider(kind, evaluator: PreflightEvaluator(policy: cachePolicy),
                         configuration: CacheConfiguration(capacity: capacity, shards: 64, eviction: eviction, admission: .always),
                         clock: SystemPreflightClock())
}

/// Registered from `benchmarks` in PreflightBenchmarks.swift. 1,024 decisions per scaled iteration.
func registerCacheBenchmarks() {
    let hot = requests(1024)
    for (name, kind, eviction) in [("sharded.s3fifo", PreflightCacheKind.sharded, EvictionPolicy.s3fifo), ("sharded.sieve", .sharded, .sieve),
                                   ("sharded.lru", .sharded, .lru), ("locked", .locked, .s3fifo),
                                   ("bucketed.s3fifo", .bucketed, .s3fifo), ("bucketed.sieve", .bucketed, .sieve), ("bucketed.lru", .bucketed, .lru)] {
        let cache = makeCache(kind, capacity: 100_000, eviction: eviction)
        for r in hot { _ = decide(cache, r) }
        Benchmark("cache.hit.\(name)") { benchmark in
            for _ in benchmark.scaledIterations {
                for r in hot { blackHole(decide(cache, r)) }
            }
        }
    }

    // Every decision a miss that inserts (and, once full, evicts): 64k distinct keys through 4,096 entries.
    let cold = requests(1 << 16, prefix: "cold")
    for (prefix, kind) in [("", PreflightCacheKind.sharded), ("bucketed.", .bucketed)] {
        for eviction in EvictionPolicy.allCases {
            let cache = makeCache(kind, capacity: 4096, eviction: eviction)
            var position = 0
            Benchmark("cache.miss-insert-evict.\(prefix)\(eviction)") { benchmark in
                for _ in benchmark.scaledIterations {
                    for _ in 0..<1024 {
                        blackHole(decide(cache, cold[position]))
                        position = (position + 1) & (cold.count - 1)
                    }
                }
            }
        }
    }

    // Hits from 2 Dispatch workers at once, 512 decisions each per scaled iteration.
    let shared = makeCache(.sharded, capacity: 100_000)
    for r in hot { _ = decide(shared, r) }
    Benchmark("cache.hit.sharded.2-workers") { benchmark in
        for _ in benchmark.scaledIterations {
            DispatchQueue.concurrentPerform(iterations: 2) { worker in
                hot.withUnsafeBufferPointer { all in
                    for i in (worker * 512)..<(worker * 512 + 512) { blackHole(decide(shared, all[i])) }
                }
            }
        }
    }
}
