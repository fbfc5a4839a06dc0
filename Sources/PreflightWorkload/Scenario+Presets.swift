extension Scenario {
    /// The header sets of `hot`, the same as `floor.c`'s.
    package static let floorHeaderSets = [
        "content-type", "content-type,x-request-id", "authorization,content-type", "x-request-id",
        "accept-version,content-type", "authorization,content-type,x-request-id", "x-csrf-token", "content-type,x-trace-id",
    ]
    /// Names the generated policies allow.
    package static let allowedHeaderNames = ["accept-version", "authorization", "content-type", "x-csrf-token", "x-request-id", "x-trace-id"]

    package static let presets: [Scenario] = [
        Scenario(name: "hot", description: "1,000 allowed exact origins, Zipf 0.99, three methods, eight header sets, cache prewarmed: every lookup hits (the key shape of floor.c)",
                 origins: 1000, zipfSkew: 0.99, headerSets: 8, headerLists: floorHeaderSets, maxAge: 7200, prewarm: true),
        Scenario(name: "realistic", description: "10,000 origins, Zipf 0.99, 10 % disallowed, 20 % under wildcards, browser-style headers",
                 origins: 10_000, disallowedShare: 0.1, wildcardShare: 0.2, methods: [("PUT", 4), ("DELETE", 2), ("PATCH", 3), ("POST", 1)],
                 headerSets: 8, headerNamesPerSet: 2, maxAge: 600),
        Scenario(name: "noisy", description: "as realistic, with header lists as non-browser clients send them: case, order, spaces, duplicates",
                 origins: 10_000, disallowedShare: 0.1, wildcardShare: 0.2, methods: [("PUT", 4), ("DELETE", 2), ("PATCH", 3), ("POST", 1)],
                 headerSets: 8, headerNamesPerSet: 2, headerStyle: .noisy, maxAge: 600),
        Scenario(name: "flood", description: "as realistic, with half the requests carrying keys seen once: unique origins or header permutations",
                 origins: 10_000, disallowedShare: 0.1, wildcardShare: 0.2, methods: [("PUT", 4), ("DELETE", 2), ("PATCH", 3), ("POST", 1)],
                 headerSets: 8, headerNamesPerSet: 2, floodShare: 0.5, maxAge: 600),
        Scenario(name: "churn", description: "as realistic, with the hot set moving to other keys 16 times over the stream",
                 origins: 10_000, disallowedShare: 0.1, wildcardShare: 0.2, methods: [("PUT", 4), ("DELETE", 2), ("PATCH", 3), ("POST", 1)],
                 headerSets: 8, headerNamesPerSet: 2, churnPeriods: 16, maxAge: 600),
        Scenario(name: "large-policy", description: "a generated policy of 10,000 patterns (20 % wildcards), 10,000 origins drawn from it, 10 % near misses",
                 patterns: 10_000, origins: 10_000, disallowedShare: 0.1, methods: [("PUT", 4), ("DELETE", 2), ("PATCH", 3), ("POST", 1)],
                 headerSets: 8, headerNamesPerSet: 2, maxAge: 600),
    ]

    package static func preset(named name: String) -> Scenario? {
        presets.first { $0.name == name }
    }
}
