package import OriginMatching
import PreflightReport

/// Measures every matcher strategy on the same pattern lists and request
/// stream, after checking that they all decide the stream identically.
///
/// What is timed: `matches` on origins parsed beforehand (parsing is common to
/// all strategies and is measured by the evaluation benchmarks), walked in
/// order from a pre-generated array, in batches of about a millisecond so
/// reading the clock costs nothing measurable.
package struct MatcherComparison: Sendable {
    package var matchers: [OriginMatcherKind]
    package var repetitions: Int
    package var secondsPerRepetition: Double
    /// Origins in the request stream (a power of two).
    package var streamLength: Int
    /// Share of the stream that the policy allows; the rest are near misses.
    package var allowedShare: Double
    package var seed: UInt64
    /// Seconds one strategy may take at one size (build, agreement check and
    /// timing); one estimated to need more is skipped with a note.
    package var budgetSeconds: Double = 30
    /// Bytes one strategy's structure may hold at one size, where the
    /// strategy can count them; one estimated to need more is skipped.
    package var budgetBytes = 4 << 30

    package init(matchers: [OriginMatcherKind] = OriginMatcherKind.allCases, repetitions: Int = 5, secondsPerRepetition: Double = 0.2,
                streamLength: Int = 1 << 16, allowedShare: Double = 0.7, seed: UInt64 = 7) {
        self.matchers = matchers
        self.repetitions = repetitions
        self.secondsPerRepetition = secondsPerRepetition
        self.streamLength = streamLength
        self.allowedShare = allowedShare
        self.seed = seed
    }

    package struct DisagreementError: Error, CustomStringConvertible {
        package var matcher: OriginMatcherKind
        package var origin: String
        package var expected: Bool
        package var description: String { "matcher \(matcher) decided \(origin) as \(!expected), the reference as \(expected)" }
    }

    /// What one size gave: a measurement per strategy, and a sentence per
    /// strategy skipped because it would exceed the budget.
    package struct Results: Sendable {
        package var measured: [MatcherMeasurement] = []
        package var skipped: [String] = []
    }

    /// Measures each strategy on `patterns`.
    package func measure(patterns: [OriginPattern], allocations: AllocationProbe,
                        progress: (String) -> Void = { _ in }) throws(DisagreementError) -> Results {
        let stream = OriginStream(patterns: patterns, length: streamLength, allowedShare: allowedShare, seed: seed)
        defer { stream.deallocate() }
        var results = Results()
        for kind in matchers {
            progress("\(kind) at \(patterns.count) patterns")
            let outcome: Result<MatcherMeasurement, Skip>
            switch kind {
            case .linear: outcome = try measure(LinearOriginMatcher.self, kind, patterns, stream, allocations)
            case .regex: outcome = try measure(RegexOriginMatcher.self, kind, patterns, stream, allocations)
            case .hashed: outcome = try measure(HashedOriginMatcher.self, kind, patterns, stream, allocations)
            case .trie: outcome = try measure(TrieOriginMatcher.self, kind, patterns, stream, allocations)
            }
            switch outcome {
            case let .success(measurement): results.measured.append(measurement)
            case let .failure(skip):
                let note = "\(kind) at \(patterns.count) patterns: skipped, \(skip.reason)"
                progress(note)
                results.skipped.append(note)
            }
        }
        return results
    }

    /// Why a strategy was not measured at a size.
    struct Skip: Error {
        var reason: String
    }

    /// Seconds and bytes building `M` on all of `patterns` would take,
    /// extrapolated from builds on the first 1,000 and 4,000 patterns: the
    /// slope between the two leaves out what a build costs whatever its size
    /// (time and memory grow linearly with patterns for every strategy;
    /// bytes are nil where the strategy cannot count them). Nothing for
    /// lists under 16,000 patterns, which are simply built.
    func estimatedBuild<M: OriginMatcher>(_: M.Type, _ patterns: [OriginPattern]) -> (seconds: Double, bytes: Int?) {
        guard patterns.count >= 16_000 else { return (0, 0) }
        let clock = ContinuousClock()
        func build(_ count: Int) -> (seconds: Double, bytes: Int?) {
            let start = clock.now
            let matcher = M(patterns: Array(patterns.prefix(count)))
            return (seconds(clock.now - start), matcher.retainedBytes)
        }
        let small = build(1000), large = build(4000)
        let scale = Double(patterns.count - 4000) / 3000
        let time = large.seconds + max(0, large.seconds - small.seconds) * scale
        guard let smallBytes = small.bytes, let largeBytes = large.bytes else { return (time, nil) }
        return (time, largeBytes + Int(Double(max(0, largeBytes - smallBytes)) * scale))
    }

    /// Generic over the concrete type so the timed loop calls `matches` directly,
    /// as a server built on one strategy would.
    func measure<M: OriginMatcher>(_: M.Type, _ kind: OriginMatcherKind, _ patterns: [OriginPattern], _ stream: OriginStream,
                                   _ allocations: AllocationProbe) throws(DisagreementError) -> Result<MatcherMeasurement, Skip> {
        let clock = ContinuousClock()
        let estimate = estimatedBuild(M.self, patterns)
        if estimate.seconds > budgetSeconds {
            return .failure(Skip(reason: "building it would take about \(formatNumber(estimate.seconds)) s (extrapolated from the first 1,000 and 4,000 patterns), "
                                 + "over the \(formatNumber(budgetSeconds)) s budget"))
        }
        if let bytes = estimate.bytes, bytes > budgetBytes {
            return .failure(Skip(reason: "it would hold about \(formatBytes(bytes)) (extrapolated from the first 1,000 and 4,000 patterns), "
                                 + "over the \(formatBytes(budgetBytes)) budget"))
        }
        var builds: [Double] = []
        var matcher: M! = nil
        for _ in 0..<3 {
            let start = clock.now
            matcher = M(patterns: patterns)
            builds.append(seconds(clock.now - start) * 1e6)
            if builds.last! > 200_000 { break }
        }
        // The cost of one decision, from a few, decides whether the check
        // and the timed repetitions fit the budget.
        let probeStart = clock.now
        let probes = min(8, stream.origins.count)
        _ = Self.run(matcher, stream, start: 0, count: probes)
        let perDecision = seconds(clock.now - probeStart) / Double(max(probes, 1))
        let checkCount = kind == .regex ? min(stream.expected.count, 64) : stream.expected.count
        let needed = Double(checkCount) * perDecision + Double(repetitions) * max(secondsPerRepetition, perDecision) + 0.002
        if needed > budgetSeconds - builds.reduce(0, +) / 1e6 {
            return .failure(Skip(reason: "one decision takes about \(formatNumber(perDecision * 1e3)) ms, so checking and timing it would take "
                                 + "about \(formatNumber(needed)) s, over the \(formatNumber(budgetSeconds)) s budget"))
        }
        // Agreement with the reference semantics, on a prefix of the stream
        // (all of it for fast strategies) before anything is timed.
        for i in 0..<checkCount where matcher.matches(stream.origins[i]) != stream.expected[i] {
            throw DisagreementError(matcher: kind, origin: String(decoding: stream.origins[i].bytes, as: UTF8.self), expected: stream.expected[i])
        }
        // Calibrate a batch of about 1 ms.
        var batch = 1
        while true {
            let start = clock.now
            _ = Self.run(matcher, stream, start: 0, count: batch)
            let elapsed = seconds(clock.now - start)
            if elapsed >= 0.002 || batch >= 1 << 22 {
                batch = max(1, Int(Double(batch) * 0.001 / max(elapsed, 1e-9)))
                break
            }
            batch *= 2
        }
        var samples: [Double] = []
        var decisions = 0
        var position = 0
        var sink = 0
        let allocationsBefore = allocations.read()
        for _ in 0..<repetitions {
            var done = 0
            let start = clock.now
            var elapsed = 0.0
            repeat {
                sink &+= Self.run(matcher, stream, start: position, count: batch)
                position = (position + batch) & stream.mask
                done += batch
                elapsed = seconds(clock.now - start)
            } while elapsed < secondsPerRepetition
            samples.append(elapsed * 1e9 / Double(done))
            decisions += done
        }
        let allocated = allocations.read() &- allocationsBefore
        blackHole(sink)
        return .success(MatcherMeasurement(
            matcher: kind, patterns: patterns.count, nsPerDecision: Spread(samples),
            allocationsPerDecision: allocations.isActive ? Double(allocated) / Double(decisions) : nil,
            buildMicroseconds: Spread(builds).median, retainedBytes: matcher.retainedBytes,
            decisions: decisions, allowedShare: stream.allowedShare))
    }

    /// The timed loop: walks the stream in order, no random numbers, counts matches.
    @inline(never)
    static func run<M: OriginMatcher>(_ matcher: M, _ stream: OriginStream, start: Int, count: Int) -> Int {
        var matches = 0
        var i = start
        stream.origins.withUnsafeBufferPointer { origins in
            for _ in 0..<count {
                if matcher.matches(origins[i]) { matches &+= 1 }
                i = (i &+ 1) & stream.mask
            }
        }
        return matches
    }
}

/// Keeps a value alive so the optimizer cannot remove the work that produced it.
@inline(never)
package func blackHole<T>(_ value: T) {}
