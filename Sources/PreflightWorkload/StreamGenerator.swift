import CORSPolicy
import InternalByteUtilities

/// The steps that turn a scenario into a request stream, in the one order
/// that makes a seed always give the same stream: the origin population and
/// the policy, the header sets, the interned strings, then each request.
struct StreamGenerator {
    let scenario: Scenario
    var rng: SplitMix64
    var strings = StringTable()

    init(scenario: Scenario) {
        self.scenario = scenario
        rng = SplitMix64(seed: scenario.seed)
    }

    /// The origins requests come from, and the policy: the scenario's own,
    /// generated patterns with allowed origins and near misses drawn from
    /// them, or a population-derived allow list with wildcard groups.
    mutating func populationAndPolicy() throws(ScenarioError) -> (population: [String], policy: CORSPolicy) {
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
        do { return (population, try CORSPolicy(validating: configuration)) } catch {
            throw ScenarioError(error.problems.map { "policy: \($0)" })
        }
    }

    /// Header sets in browser form: the scenario's lists, or random sets of
    /// allowed names (one set in eight asking for a name the policy denies).
    mutating func headerSets() -> [[String]] {
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
        return headerSets
    }

    /// What each request is drawn from: interned strings and the key space.
    struct Drawing {
        var origins: [UInt32]
        var methods: [UInt32]
        var methodCDF: [Double]
        var headerSets: [[String]]
        /// Per header set, its renderings (one in browser form, or noisy variants).
        var headerIndex: [[UInt32]]
        var setCount: Int
        var keySpace: Int
        var zipf: Zipf
    }

    /// Interns the header renderings, origins and methods, in that order.
    mutating func drawing(population: [String], headerSets: [[String]]) -> Drawing {
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
        let setCount = max(1, headerSets.count)
        let keySpace = population.count * scenario.methods.count * setCount
        return Drawing(origins: originIndex, methods: methodIndex, methodCDF: methodCDF, headerSets: headerSets, headerIndex: headerIndex,
                       setCount: setCount, keySpace: keySpace, zipf: Zipf(count: keySpace, skew: scenario.zipfSkew))
    }

    /// Request `i` of `n`: a flood request (a unique origin, or a header
    /// permutation never sent before), or a key by its scrambled Zipf rank,
    /// shifted per period when the scenario churns.
    mutating func request(_ i: Int, of n: Int, _ draw: Drawing) -> (origin: UInt32, method: UInt32, headers: UInt32) {
        var origin: UInt32, method: UInt32, headers: UInt32
        if scenario.floodShare > 0 && rng.nextUnit() < scenario.floodShare {
            method = draw.methods[Self.pick(draw.methodCDF, rng.nextUnit())]
            let set = draw.headerSets.isEmpty ? nil : draw.headerSets[Int(rng.next() % UInt64(draw.headerSets.count))]
            if rng.next() % 2 == 0 || set == nil {
                // A unique origin: under a wildcard when the policy has one, else a stranger.
                origin = strings.intern("https://f\(i).w\(i % 7).example.net")
                headers = set.map { strings.intern($0.joined(separator: ",")) } ?? RequestStream.absent
            } else {
                // A header permutation never sent before, for a known origin: raw bytes differ, the key does not.
                origin = draw.origins[Int(rng.next() % UInt64(draw.origins.count))]
                headers = strings.intern(Self.noisy(set!, &rng) + String(repeating: " ", count: i % 3))
            }
        } else {
            var rank = draw.zipf.sample(rng.nextUnit())
            if scenario.churnPeriods > 0 {
                let period = i * scenario.churnPeriods / n
                rank = (rank + period * max(1, draw.keySpace / (scenario.churnPeriods + 1))) % draw.keySpace
            }
            let key = Int((UInt64(rank) &* 2_654_435_761) % UInt64(draw.keySpace))
            let o = key / (scenario.methods.count * draw.setCount)
            let m = (key / draw.setCount) % scenario.methods.count
            let h = key % draw.setCount
            origin = draw.origins[o]
            method = draw.methods[m]
            if draw.headerSets.isEmpty { headers = RequestStream.absent } else {
                let variants = draw.headerIndex[h]
                headers = variants.count == 1 ? variants[0] : variants[Int(rng.next() % UInt64(variants.count))]
            }
        }
        return (origin, method, headers)
    }

    /// The index of the first CDF entry above `u`.
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
}
