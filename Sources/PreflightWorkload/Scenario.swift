import InternalByteUtilities
package import CORSPolicy

/// A workload: the policy, who sends preflights, and how.
///
/// Requests draw keys (origin, method, header set) from a scrambled Zipf
/// distribution over the whole key space (YCSB style), so popular keys are
/// spread over the table rather than clustered.
package struct Scenario: Sendable, Equatable {
    package var name: String
    package var description: String
    /// The policy; nil generates one from the population (see `patterns`).
    package var policy: PolicyConfiguration?
    /// When > 0 and no policy is given: a generated policy of this many patterns
    /// (`SyntheticPolicy`), with the population drawn from its patterns.
    package var patterns: Int
    /// Distinct origins that send preflights.
    package var origins: Int
    /// Share of the population the policy does not allow (near misses, strangers).
    package var disallowedShare: Double
    /// Share of the allowed population covered by `*.` patterns rather than exact ones.
    package var wildcardShare: Double
    /// Zipf exponent over the key space; 0 is uniform.
    package var zipfSkew: Double
    /// Methods with their relative weights.
    package var methods: [(method: String, weight: Double)]
    /// Distinct request-header sets (generated; see `headerLists`).
    package var headerSets: Int

    /// The number of header sets requests draw from.
    package var effectiveHeaderSets: Int { headerLists?.count ?? headerSets }
    /// Names per generated header set.
    package var headerNamesPerSet: Int
    /// Exact header lists (comma-joined names), one per header set; when set,
    /// they replace the generated sets (`headerSets`, `headerNamesPerSet`).
    package var headerLists: [String]?
    /// `browser`: lowercase, sorted, unique. `noisy`: as non-browser clients send them.
    package var headerStyle: HeaderStyle
    /// Share of requests replaced by keys seen once (unique origins, header permutations).
    package var floodShare: Double
    /// How many times the hot set moves to other keys over the stream (0: never).
    package var churnPeriods: Int
    /// Overrides the policy's Max-Age when set.
    package var maxAge: Int?
    /// Requests in the generated stream (rounded up to a power of two).
    package var requests: Int
    /// Fill the cache with every key before timing, so a read-only run measures hits.
    package var prewarm: Bool
    package var seed: UInt64
    /// Clients (browsers) the requests come from, for the browser model and traces.
    package var clients = 1000
    /// Paths under the server the requests go to (browsers cache preflights per URL).
    package var paths = 20

    package enum HeaderStyle: String, Sendable, CaseIterable {
        case browser, noisy
    }

    package static func == (a: Self, b: Self) -> Bool {
        a.name == b.name && a.description == b.description && a.policy == b.policy && a.patterns == b.patterns
            && a.origins == b.origins && a.disallowedShare == b.disallowedShare && a.wildcardShare == b.wildcardShare
            && a.zipfSkew == b.zipfSkew && a.methods.map(\.method) == b.methods.map(\.method) && a.methods.map(\.weight) == b.methods.map(\.weight)
            && a.headerSets == b.headerSets && a.headerNamesPerSet == b.headerNamesPerSet && a.headerLists == b.headerLists
            && a.headerStyle == b.headerStyle
            && a.floodShare == b.floodShare && a.churnPeriods == b.churnPeriods && a.maxAge == b.maxAge
            && a.requests == b.requests && a.prewarm == b.prewarm && a.seed == b.seed && a.clients == b.clients && a.paths == b.paths
    }

    /// The client and path of request `i`: drawn evenly and deterministically
    /// (from `seed` and `i`), independent of the stream's own draws.
    package func clientAndPath(_ i: Int) -> (client: Int, path: Int) {
        var mix = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(i))
        let bits = mix.next()
        return (Int(bits % UInt64(clients)), Int((bits >> 32) % UInt64(paths)))
    }

    package init(name: String, description: String, policy: PolicyConfiguration? = nil, patterns: Int = 0, origins: Int,
                disallowedShare: Double = 0, wildcardShare: Double = 0, zipfSkew: Double = 0.99,
                methods: [(method: String, weight: Double)] = [("PUT", 1), ("DELETE", 1), ("PATCH", 1)],
                headerSets: Int = 8, headerNamesPerSet: Int = 2, headerLists: [String]? = nil, headerStyle: HeaderStyle = .browser, floodShare: Double = 0,
                churnPeriods: Int = 0, maxAge: Int? = 600, requests: Int = 1 << 20, prewarm: Bool = false, seed: UInt64 = 42) {
        self.name = name
        self.description = description
        self.policy = policy
        self.patterns = patterns
        self.origins = origins
        self.disallowedShare = disallowedShare
        self.wildcardShare = wildcardShare
        self.zipfSkew = zipfSkew
        self.methods = methods
        self.headerSets = headerSets
        self.headerNamesPerSet = headerNamesPerSet
        self.headerLists = headerLists
        self.headerStyle = headerStyle
        self.floodShare = floodShare
        self.churnPeriods = churnPeriods
        self.maxAge = maxAge
        self.requests = requests
        self.prewarm = prewarm
        self.seed = seed
    }

    /// Problems that make the scenario unusable, one line each.
    package var problems: [String] {
        var out: [String] = []
        if origins < 1 || origins > 10_000_000 { out.append("origins must be between 1 and 10000000, got \(origins)") }
        for (key, value) in [("disallowedShare", disallowedShare), ("wildcardShare", wildcardShare), ("floodShare", floodShare)]
            where !(0...1).contains(value) { out.append("\(key) must be between 0 and 1, got \(value)") }
        if !(0...5).contains(zipfSkew) { out.append("zipfSkew must be between 0 and 5, got \(zipfSkew)") }
        if methods.isEmpty || methods.contains(where: { $0.weight < 0 }) || methods.allSatisfy({ $0.weight == 0 }) {
            out.append("methods needs at least one method with a positive weight")
        }
        if headerSets < 0 || headerSets > 4096 { out.append("headerSets must be between 0 and 4096, got \(headerSets)") }
        if headerNamesPerSet < 0 || headerNamesPerSet > 16 { out.append("headerNamesPerSet must be between 0 and 16") }
        if let headerLists {
            if headerLists.isEmpty || headerLists.count > 4096 { out.append("headerLists must hold between 1 and 4096 lists, got \(headerLists.count)") }
            for (i, list) in headerLists.enumerated() where RequestHeaderList.normalized(list) == nil {
                out.append("headerLists[\(i)]: \"\(list)\" is not a comma-separated list of header names")
            }
        }
        if churnPeriods < 0 || churnPeriods > 1_000_000 { out.append("churnPeriods must be between 0 and 1000000") }
        if requests < 1024 || requests > 1 << 26 { out.append("requests must be between 1024 and 67108864, got \(requests)") }
        if patterns < 0 || patterns > 1_000_000 { out.append("patterns must be between 0 and 1000000") }
        if clients < 1 || clients > 10_000_000 { out.append("clients must be between 1 and 10000000, got \(clients)") }
        if paths < 1 || paths > 1_000_000 { out.append("paths must be between 1 and 1000000, got \(paths)") }
        if let maxAge, maxAge < -1 || maxAge > 86400 { out.append("maxAge must be between -1 and 86400") }
        return out
    }
}
