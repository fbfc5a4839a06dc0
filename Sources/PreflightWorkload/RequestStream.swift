package import CORSPolicy
public import InternalByteUtilities

/// A generated request stream, stored compactly before any timing: distinct
/// strings once in one byte buffer, and each request as an 8-byte record of
/// indices. Workers walk it in order (`i = (i + 1) & mask`), with no random
/// numbers in the timed loop. Immutable once built.
public final class RequestStream: @unchecked Sendable {
    // Safe to share: every buffer is written in `init` and only read afterwards.
    package let scenario: Scenario
    package let policy: CORSPolicy
    /// Requests in the stream, a power of two.
    package let count: Int
    package let mask: Int
    /// Distinct (origin, method, normalized header set) keys in the stream.
    package let distinctKeys: Int
    /// Share of requests whose key occurs once in the stream.
    package let singletonShare: Double
    /// Each request's key as a dense id in 0..<distinctKeys (same origin, method
    /// and normalized header set: same id), for simulations that need no bytes.
    package let keyIDs: [UInt32]
    /// One request of each key id, to decide it once.
    package let keyRepresentatives: [Int]

    /// Every distinct origin, method and header string, by index.
    @usableFromInline let strings: PackedStrings
    /// Each request as indices of its origin, method and header strings (`absent`: no header list).
    @usableFromInline let records: UnsafeMutableBufferPointer<(origin: UInt32, method: UInt32, headers: UInt32)>

    @usableFromInline static let absent = UInt32.max

    /// Generates the stream.
    ///
    /// - Complexity: O(requests × log(keys)) time, O(requests + distinct strings) memory.
    package convenience init(scenario: Scenario) throws(ScenarioError) {
        if !scenario.problems.isEmpty { throw ScenarioError(scenario.problems) }
        // Every step draws from one generator in a fixed order: a seed always gives the same stream.
        var generator = StreamGenerator(scenario: scenario)
        let (population, policy) = try generator.populationAndPolicy()
        let draw = generator.drawing(population: population, headerSets: generator.headerSets())
        var n = 1024
        while n < scenario.requests { n <<= 1 }
        var records: [(origin: UInt32, method: UInt32, headers: UInt32)] = []
        records.reserveCapacity(n)
        for i in 0..<n { records.append(generator.request(i, of: n, draw)) }
        self.init(scenario: scenario, policy: policy, strings: &generator.strings, records: records)
    }

    /// A stream of recorded requests (a trace's preflights), in their order,
    /// repeated to a power of two of at least 1,024 requests so that workers
    /// cycle it as they cycle a generated one. `scenario` names it and
    /// carries its settings (Max-Age, prewarming).
    package convenience init(scenario: Scenario, policy: CORSPolicy, requests: [PreflightRequest]) {
        precondition(!requests.isEmpty, "a stream needs at least one request")
        var strings = StringTable()
        var records: [(origin: UInt32, method: UInt32, headers: UInt32)] = requests.map { r in
            (strings.intern(r.origin), strings.intern(r.method), r.requestHeaders.map { strings.intern($0) } ?? Self.absent)
        }
        var n = 1024
        while n < records.count { n <<= 1 }
        let recorded = records.count
        if recorded > 0 { for i in recorded..<n { records.append(records[i % recorded]) } }
        self.init(scenario: scenario, policy: policy, strings: &strings, records: records)
    }

    /// Keys and storage for `records` (a power of two of them).
    init(scenario: Scenario, policy: CORSPolicy, strings table: inout StringTable, records list: [(origin: UInt32, method: UInt32, headers: UInt32)]) {
        self.scenario = scenario
        self.policy = policy
        let n = list.count
        count = n
        mask = n - 1
        records = .allocate(capacity: n)
        var keyCounts: [UInt64: Int] = [:]
        var keyIDOf: [UInt64: UInt32] = [:]
        var keyIDs = [UInt32](repeating: 0, count: n)
        var representatives: [Int] = []
        for (i, (origin, method, headers)) in list.enumerated() {
            records[i] = (origin, method, headers)
            let normalized = headers == Self.absent ? UInt64(0xFFFF_FFFF) : UInt64(table.normalizedID(headers))
            let composite = UInt64(origin) << 40 ^ UInt64(method) << 32 ^ normalized
            keyCounts[composite, default: 0] += 1
            if let id = keyIDOf[composite] { keyIDs[i] = id } else {
                let id = UInt32(keyIDOf.count)
                keyIDOf[composite] = id
                keyIDs[i] = id
                representatives.append(i)
            }
        }
        self.keyIDs = keyIDs
        keyRepresentatives = representatives
        distinctKeys = keyCounts.count
        singletonShare = Double(keyCounts.values.filter { $0 == 1 }.count) / Double(max(n, 1))
        strings = PackedStrings(table.list.map(\.utf8))
    }

    /// The policy `scenario`'s stream is decided against (the same one
    /// `init(scenario:)` makes), without generating the stream.
    package static func policy(of scenario: Scenario) throws(ScenarioError) -> CORSPolicy {
        if !scenario.problems.isEmpty { throw ScenarioError(scenario.problems) }
        var generator = StreamGenerator(scenario: scenario)
        return try generator.populationAndPolicy().policy
    }

    deinit {
        strings.deallocate()
        records.deallocate()
    }

    /// Calls `body` with request `i`'s origin, method and header bytes (nil
    /// when absent). Inlinable and public (the one public member of this
    /// package-level module, for the reason `Word` gives), so the load
    /// generator's loop pays no call for it.
    @inlinable @inline(__always)
    public func withRequest<R>(_ i: Int, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer?) -> R) -> R {
        let record = records[i]
        let origin = strings[Int(record.origin)], method = strings[Int(record.method)]
        if record.headers == Self.absent { return body(origin, method, nil) }
        return body(origin, method, strings[Int(record.headers)])
    }

    /// Request `i` as strings, for tests and tools.
    package func request(_ i: Int) -> PreflightRequest {
        withRequest(i) { o, m, h in
            PreflightRequest(origin: String(decoding: o, as: UTF8.self), method: String(decoding: m, as: UTF8.self),
                             requestHeaders: h.map { String(decoding: $0, as: UTF8.self) })
        }
    }

    /// Bytes the stream holds.
    package var retainedBytes: Int { strings.retainedBytes + records.count * 12 }
}
