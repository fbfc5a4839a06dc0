package import CORSPolicy
package import InternalByteUtilities

/// A generated request stream, stored compactly before any timing: distinct
/// strings once in one byte buffer, and each request as an 8-byte record of
/// indices. Workers walk it in order (`i = (i + 1) & mask`), with no random
/// numbers in the timed loop. Immutable once built.
package final class RequestStream: @unchecked Sendable {
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
    package init(scenario: Scenario) throws(ScenarioError) {
        if !scenario.problems.isEmpty { throw ScenarioError(scenario.problems) }
        self.scenario = scenario
        var rng = SplitMix64(seed: scenario.seed)
        var strings = StringTable()

        // Population and policy.
        var population: [String] = []
        var configuration: PolicyConfiguration
        let allowedCount = Int((Double(scenario.origins) * (1 - scenario.disallowedShare)).rounded())
        if scenario.policy != nil || scenario.patterns > 0 {
            configuration = scenario.policy ?? PolicyConfiguration(
                origins: SyntheticPolicy.patterns(count: scenario.patterns, wildcardShare: 0.2, seed: scenario.seed),
                methods: scenario.methods.map(\.method).filter { !["GET", "HEAD", "POST"].contains($0) },
                requestHeaders: Scenario.allowedHeaderNames)
            let patterns = configuration.origins.filter { $0 != "*" }
            for i in 0..<scenario.origins {
                guard let pattern = patterns.isEmpty ? nil : patterns[Int(rng.next() % UInt64(patterns.count))] else {
                    population.append("https://client\(i).example.com")
                    continue
                }
                population.append(i < allowedCount ? SyntheticPolicy.allowedOrigin(for: pattern, &rng) : SyntheticPolicy.nearMiss(for: pattern, &rng))
            }
        } else {
            let wildcardCount = Int(Double(allowedCount) * scenario.wildcardShare)
            let groups = max(1, wildcardCount / 200)
            var patterns: [String] = []
            for i in 0..<scenario.origins {
                if i < allowedCount - wildcardCount {
                    let origin = "https://app\(i).tenant\(i % 37).example.com"
                    population.append(origin)
                    patterns.append(origin)
                } else if i < allowedCount {
                    population.append("https://u\(i).w\(i % groups).example.net")
                } else {
                    population.append(i % 2 == 0 ? "https://app\(i).tenant\(i % 37).example.com.evil.net" : "https://stranger\(i).example.org")
                }
            }
            patterns += (0..<(wildcardCount > 0 ? groups : 0)).map { "https://*.w\($0).example.net" }
            configuration = PolicyConfiguration(
                origins: patterns, methods: scenario.methods.map(\.method).filter { !["GET", "HEAD", "POST"].contains($0) },
                requestHeaders: Scenario.allowedHeaderNames)
        }
        if let maxAge = scenario.maxAge { configuration.maxAge = maxAge }
        do { policy = try CORSPolicy(validating: configuration) } catch {
            throw ScenarioError(error.problems.map { "policy: \($0)" })
        }

        // Header sets: browser form, and noisy renderings of each.
        var headerSets: [[String]] = []
        if let lists = scenario.headerLists {
            // Validated by `Scenario.problems`; the browser form of each list.
            headerSets = lists.map { (RequestHeaderList.normalized($0) ?? $0).split(separator: ",").map(String.init) }
        } else {
            for k in 0..<scenario.headerSets {
                var names = Set<String>()
                let want = min(scenario.headerNamesPerSet, Scenario.allowedHeaderNames.count)
                while names.count < want { names.insert(Scenario.allowedHeaderNames[Int(rng.next() % UInt64(Scenario.allowedHeaderNames.count))]) }
                // One set in eight asks for a name the policy does not allow.
                if k % 8 == 7 { names.insert("x-not-allowed") }
                headerSets.append(names.sorted())
            }
        }
        let noisyVariants = 8
        var headerIndex: [[UInt32]] = []
        for set in headerSets {
            var variants: [UInt32] = [strings.intern(set.joined(separator: ","))]
            if scenario.headerStyle == .noisy {
                variants = (0..<noisyVariants).map { _ in strings.intern(Self.noisy(set, &rng)) }
            }
            headerIndex.append(variants)
        }
        let originIndex = population.map { strings.intern($0) }
        let methodIndex = scenario.methods.map { strings.intern($0.method) }
        let totalWeight = scenario.methods.reduce(0) { $0 + $1.weight }
        var methodCDF: [Double] = []
        var acc = 0.0
        for m in scenario.methods { acc += m.weight / totalWeight; methodCDF.append(acc) }

        // The key space and its Zipf ranks (scrambled).
        let setCount = max(1, headerSets.count)
        let keySpace = population.count * scenario.methods.count * setCount
        let zipf = Zipf(count: keySpace, skew: scenario.zipfSkew)
        var n = 1024
        while n < scenario.requests { n <<= 1 }
        count = n
        mask = n - 1
        records = .allocate(capacity: n)
        var keyCounts: [UInt64: Int] = [:]
        var keyIDOf: [UInt64: UInt32] = [:]
        var keyIDs = [UInt32](repeating: 0, count: n)
        var representatives: [Int] = []
        for i in 0..<n {
            var origin: UInt32, method: UInt32, headers: UInt32
            if scenario.floodShare > 0 && rng.nextUnit() < scenario.floodShare {
                method = methodIndex[Self.pick(methodCDF, rng.nextUnit())]
                let set = headerSets.isEmpty ? nil : headerSets[Int(rng.next() % UInt64(headerSets.count))]
                if rng.next() % 2 == 0 || set == nil {
                    // A unique origin: under a wildcard when the policy has one, else a stranger.
                    origin = strings.intern("https://f\(i).w\(i % 7).example.net")
                    headers = set.map { strings.intern($0.joined(separator: ",")) } ?? Self.absent
                } else {
                    // A header permutation never sent before, for a known origin: raw bytes differ, the key does not.
                    origin = originIndex[Int(rng.next() % UInt64(originIndex.count))]
                    headers = strings.intern(Self.noisy(set!, &rng) + String(repeating: " ", count: i % 3))
                }
            } else {
                var rank = zipf.sample(rng.nextUnit())
                if scenario.churnPeriods > 0 {
                    let period = i * scenario.churnPeriods / n
                    rank = (rank + period * max(1, keySpace / (scenario.churnPeriods + 1))) % keySpace
                }
                let key = Int((UInt64(rank) &* 2_654_435_761) % UInt64(keySpace))
                let o = key / (scenario.methods.count * setCount)
                let m = (key / setCount) % scenario.methods.count
                let h = key % setCount
                origin = originIndex[o]
                method = methodIndex[m]
                if headerSets.isEmpty { headers = Self.absent } else {
                    let variants = headerIndex[h]
                    headers = variants.count == 1 ? variants[0] : variants[Int(rng.next() % UInt64(variants.count))]
                }
            }
            records[i] = (origin, method, headers)
            let normalized = headers == Self.absent ? UInt64(0xFFFF_FFFF) : UInt64(strings.normalizedID(headers))
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
        singletonShare = Double(keyCounts.values.filter { $0 == 1 }.count) / Double(n)
        self.strings = PackedStrings(strings.list.map(\.utf8))
    }

    deinit {
        strings.deallocate()
        records.deallocate()
    }

    static func pick(_ cdf: [Double], _ u: Double) -> Int {
        cdf.firstIndex { u < $0 } ?? cdf.count - 1
    }

    /// A header list as a non-browser client might send it: mixed case, any
    /// order, optional spaces, sometimes a duplicate.
    static func noisy(_ names: [String], _ rng: inout SplitMix64) -> String {
        var list = names.shuffled(using: &rng)
        if let first = list.first, rng.next() % 3 == 0 { list.append(first) }
        return list.map { name in
            let cased: String
            switch rng.next() % 3 {
            case 0: cased = name.uppercased()
            case 1: cased = name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "-")
            default: cased = name
            }
            return cased
        }.joined(separator: [",", ", ", " , ", ",\t"][Int(rng.next() % 4)])
    }

    /// Calls `body` with request `i`'s origin, method and header bytes (nil
    /// when absent). Inlinable, so the load generator's loop pays no call for it.
    @inlinable @inline(__always)
    package func withRequest<R>(_ i: Int, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer?) -> R) -> R {
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

/// Distinct strings, each stored once.
struct StringTable {
    var index: [String: UInt32] = [:]
    var list: [String] = []
    var normalized: [String: UInt32] = [:]

    mutating func intern(_ s: String) -> UInt32 {
        if let i = index[s] { return i }
        let i = UInt32(list.count)
        index[s] = i
        list.append(s)
        return i
    }

    /// An id shared by header strings with the same normalized form.
    mutating func normalizedID(_ i: UInt32) -> UInt32 {
        let form = RequestHeaderList.normalized(list[Int(i)]) ?? "\u{0}\(i)"
        if let id = normalized[form] { return id }
        let id = UInt32(normalized.count)
        normalized[form] = id
        return id
    }
}

/// Zipf ranks by inverse CDF, as YCSB and floor.c draw them.
struct Zipf {
    let cdf: [Double]

    init(count: Int, skew: Double) {
        var cdf = [Double](repeating: 0, count: count)
        var total = 0.0
        for i in 0..<count {
            total += skew == 0 ? 1 : 1 / pow(Double(i + 1), skew)
            cdf[i] = total
        }
        self.cdf = cdf.map { $0 / total }
    }

    func sample(_ u: Double) -> Int {
        var low = 0, high = cdf.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cdf[mid] < u { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
