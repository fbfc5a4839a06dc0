package import Histogram
package import JSONValue
import PreflightReport

/// What a point measured over HTTP (`load`) adds to a `LoadPoint`: the
/// target, conformance, errors by kind, and the latency histogram itself,
/// so that the reports of several `load` processes merge exactly.
package struct HTTPPointDetails: Sendable {
    package var target: String
    /// The configuration's name in tables and charts (`load --label`).
    package var label: String
    package var threads: Int
    /// Requests per second asked for (open loop); nil for closed loop.
    package var rate: Double?
    /// Responses checked, and those a browser would treat exactly as the policy intends.
    package var checked: Int
    package var conforming: Int
    package var errors: [(kind: String, count: Int)]
    /// Requests sent again after the server closed the connection before answering.
    package var retries: Int
    package var maxNanos: UInt64
    /// The latency histogram's recorded buckets, (value, count): recording
    /// them again rebuilds the histogram exactly.
    package var latencyBuckets: [(value: UInt64, count: UInt64)]

    package init(target: String, label: String, threads: Int, rate: Double?, checked: Int, conforming: Int,
                 errors: [String: Int], retries: Int, latency: Histogram<UInt64>) {
        self.target = target
        self.label = label
        self.threads = threads
        self.rate = rate
        self.checked = checked
        self.conforming = conforming
        self.errors = errors.sorted { $0.key < $1.key }.map { (kind: $0.key, count: $0.value) }
        self.retries = retries
        maxNanos = latency.totalCount > 0 ? latency.max : 0
        latencyBuckets = latency.recordedValues().map { (value: $0.value, count: UInt64($0.count)) }
    }

    package var conformance: Double { checked == 0 ? 0 : Double(conforming) / Double(checked) }

    /// An empty latency histogram of HTTP responses: 1 ns to 600 s at three
    /// significant digits (a stalled server's minutes fit; buckets merge exactly
    /// only between histograms of the same layout).
    package static func emptyLatency() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000_000, numberOfSignificantValueDigits: .three)
    }

    /// The histogram the buckets describe.
    package var latency: Histogram<UInt64> {
        var histogram = Self.emptyLatency()
        for bucket in latencyBuckets { _ = histogram.record(bucket.value, count: bucket.count) }
        return histogram
    }

    package var jsonValue: JSONValue {
        .object([
            ("target", .string(target)), ("label", .string(label)), ("threads", .int(threads)),
            ("rate", rate.map { .double($0, fractionDigits: 1) } ?? .null),
            ("checked", .int(checked)), ("conforming", .int(conforming)),
            ("errors", .object(errors.map { ($0.kind, JSONValue.int($0.count)) })), ("retries", .int(retries)),
            ("maxNanos", .int(maxNanos)),
            ("latencyBuckets", .array(latencyBuckets.map { .array([.int($0.value), .int($0.count)]) })),
        ])
    }

    /// Reads the details as `jsonValue` writes them; nil (with problems) when it cannot.
    init?(json: JSONValue, path: String, problems reader: inout JSONObjectReader) {
        var r = JSONObjectReader(json, path: path, what: "http", knownKeys: nil)
        let target = r.string("target", required: true), label = r.string("label", required: true), threads = r.int("threads", required: true)
        let checked = r.int("checked", required: true), conforming = r.int("conforming", required: true)
        let maxNanos = r.uint64("maxNanos", required: true)
        let retries = r.int("retries") ?? 0  // absent from reports written before retries were counted
        let errors = (r.object("errors") ?? []).compactMap { member in member.value.intValue.map { (kind: member.key, count: $0) } }
        var buckets: [(value: UInt64, count: UInt64)] = []
        for (i, item) in (r.array("latencyBuckets", required: true) ?? []).enumerated() {
            guard let pair = item.arrayValue, pair.count == 2, let v = pair[0].intValue, let c = pair[1].intValue, v >= 0, c >= 0 else {
                r.problem("latencyBuckets[\(i)]", "expected [value, count], two whole numbers")
                continue
            }
            buckets.append((UInt64(v), UInt64(c)))
        }
        reader.append(contentsOf: r.problems)
        guard let target, let label, let threads, let checked, let conforming, let maxNanos, r.problems.isEmpty else { return nil }
        self.target = target
        self.label = label
        self.threads = threads
        rate = r.isNull("rate") ? nil : r.double("rate")
        self.checked = checked
        self.conforming = conforming
        self.errors = errors
        self.retries = retries
        self.maxNanos = maxNanos
        latencyBuckets = buckets
    }
}

extension LoadPoint {
    /// A point measured over HTTP: `connections` as workers, responses as
    /// decisions, requests per second per repetition, and the latency of
    /// every response. The server's cache and matcher are not the load
    /// generator's to know: `details.label` names the configuration.
    package static func http(scenario: String, connections: Int, responses: Int, seconds: Double, requestsPerSecond: [Double],
                             details: HTTPPointDetails) -> LoadPoint {
        let latency = details.latency
        let recorded = latency.totalCount > 0
        return LoadPoint(
            scenario: scenario, workers: connections, cache: .none, matcher: .default, capacity: nil, eviction: nil, shards: nil,
            allocator: "system", decisions: responses, seconds: seconds, decisionsPerSecond: Spread(requestsPerSecond.isEmpty ? [0] : requestsPerSecond),
            hitRate: nil, p50Nanos: recorded ? latency.valueAtPercentile(50) : 0, p99Nanos: recorded ? latency.valueAtPercentile(99) : 0,
            p999Nanos: recorded ? latency.valueAtPercentile(99.9) : 0, meanNanos: recorded ? latency.mean : nil, hitLatency: nil, missLatency: nil,
            allocationsPerDecision: nil, entries: nil, bytesPerEntry: nil, heapBytes: nil, evictions: nil, expirations: nil, stopped: false,
            http: details)
    }
}
