import Benchmark
import CORSPolicy
import OriginMatching

/// Policies of `count` patterns, 20 % wildcards, shaped like multi-tenant SaaS
/// allow-lists; and origins that hit exact entries, wildcards, and miss.
func makePatterns(_ count: Int) -> [OriginPattern] {
    (0..<count).map { i in
        let text = i % 5 == 4 ? "https://*.tenant\(i).example.com" : "https://app\(i).tenant\(i % 37).example.com"
        return try! OriginPattern.parse(text)
    }
}

func makeOrigins(_ patternCount: Int) -> [[UInt8]] {
    (0..<1024).map { i in
        let k = (i &* 2_654_435_761) % patternCount
        switch i % 4 {
        case 0, 1: return Array((k % 5 == 4 ? "https://api.tenant\(k).example.com" : "https://app\(k).tenant\(k % 37).example.com").utf8)
        case 2: return Array("https://app\(k).tenant\(k % 37).example.org".utf8)
        default: return Array("https://evil\(k).example.com".utf8)
        }
    }
}

/// Runs `body` on each origin, parsed outside the timed region's allocations.
@inline(__always)
func forEachParsed(_ origins: [[UInt8]], _ body: (RequestOrigin) -> Void) {
    for origin in origins {
        origin.withUnsafeBytes { raw in
            if case let .origin(o) = RequestOrigin.parse(raw) { body(o) }
        }
    }
}

let examplePolicy = try! CORSPolicy(validating: PolicyConfiguration(
    origins: ["https://app.example.com", "https://*.example.com", "http://localhost:*"],
    methods: ["PUT", "DELETE"], requestHeaders: ["content-type", "x-request-id", "authorization"], credentials: true, maxAge: 600))

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000
    )

    // Matchers: 1,024 decisions per scaled iteration.
    for kind in [OriginMatcherKind.trie, .hashed, .linear] {
        for count in [10, 10_000] {
            let matcher = kind.makeMatcher(patterns: makePatterns(count))
            let origins = makeOrigins(count)
            Benchmark("matcher.\(kind).\(count)") { benchmark in
                for _ in benchmark.scaledIterations {
                    forEachParsed(origins) { blackHole(matcher.matches($0)) }
                }
            }
        }
    }

    // Access-Control-Request-Headers parsing, browser-style and hostile.
    let evaluator = PreflightEvaluator(policy: examplePolicy)
    let origin = Array("https://app.example.com".utf8), put = Array("PUT".utf8)
    for (name, value) in [
        ("browser", "content-type,x-request-id"),
        ("noisy", " X-Request-ID , Content-Type,content-type,\tCONTENT-TYPE "),
        ("hostile-commas", String(repeating: ",", count: 1 << 20)),
        ("hostile-names", (0..<100_000).map { "x-h\($0)" }.joined(separator: ",")),
        ("hostile-long-name", String(repeating: "a", count: 8000)),
    ] {
        let headers = Array(value.utf8)
        Benchmark("request-headers.\(name)") { benchmark in
            for _ in benchmark.scaledIterations {
                origin.withUnsafeBytes { o in put.withUnsafeBytes { m in headers.withUnsafeBytes { h in
                    blackHole(evaluator.evaluate(origin: o, method: m, requestHeaders: h))
                } } }
            }
        }
    }

    registerCacheBenchmarks()

    // Full preflight evaluation, exact and wildcard origins.
    for (name, originText) in [("exact", "https://app.example.com"), ("wildcard", "https://a.b.example.com"), ("denied", "https://evilexample.com")] {
        let originBytes = Array(originText.utf8)
        let headers = Array("content-type,x-request-id".utf8)
        Benchmark("evaluate.\(name)") { benchmark in
            for _ in benchmark.scaledIterations {
                originBytes.withUnsafeBytes { o in put.withUnsafeBytes { m in headers.withUnsafeBytes { h in
                    blackHole(evaluator.evaluate(origin: o, method: m, requestHeaders: h))
                } } }
            }
        }
        // The same decision plus its response head written as bytes (status
        // line, CORS headers, framing, a date line), as `serve` answers it:
        // compare with evaluate.\(name) in the same run.
        let writer = PreflightResponseWriter(policy: evaluator.policy)
        let date = Array("date: Fri, 27 Nov 2026 23:00:00 GMT\r\n".utf8)
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: writer.capacity(originCount: originBytes.count, methodCount: put.count, requestHeadersCount: headers.count, extraCount: date.count),
            alignment: 8)
        Benchmark("respond.\(name)") { benchmark in
            for _ in benchmark.scaledIterations {
                originBytes.withUnsafeBytes { o in put.withUnsafeBytes { m in headers.withUnsafeBytes { h in date.withUnsafeBytes { d in
                    let decision = evaluator.evaluate(origin: o, method: m, requestHeaders: h)
                    blackHole(writer.writePreflight(decision, origin: o, method: m, requestHeaders: h, extraHeaderLines: d, into: buffer))
                    blackHole(buffer.baseAddress!.load(as: UInt8.self))
                } } } }
            }
        }
    }
}
