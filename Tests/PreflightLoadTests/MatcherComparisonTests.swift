import OriginMatching
import PreflightLoad
import PreflightWorkload
import Testing

@Suite struct MatcherComparisonTests {
    @Test func measuresEveryStrategyOnTheSameStream() throws {
        let patterns = try SyntheticPolicy.patterns(count: 50, wildcardShare: 0.2).map { try OriginPattern.parse($0) }
        let comparison = MatcherComparison(repetitions: 2, secondsPerRepetition: 0.01, streamLength: 1 << 10)
        let results = try comparison.measure(patterns: patterns, allocations: .unavailable).measured
        #expect(results.map(\.matcher) == OriginMatcherKind.allCases)
        for r in results {
            #expect(r.decisions > 0)
            #expect(r.nsPerDecision.min <= r.nsPerDecision.median && r.nsPerDecision.median <= r.nsPerDecision.max)
            #expect(r.allocationsPerDecision == nil)
            #expect(r.allowedShare > 0.5 && r.allowedShare < 0.9)
        }
    }

    /// A strategy that would overrun the budget is skipped with a note
    /// saying why, instead of running on with no word.
    @Test func strategiesOverBudgetAreSkippedWithANote() throws {
        let patterns = try SyntheticPolicy.patterns(count: 50, wildcardShare: 0.2).map { try OriginPattern.parse($0) }
        var comparison = MatcherComparison(matchers: [.linear, .trie], repetitions: 2, secondsPerRepetition: 0.01, streamLength: 1 << 10)
        comparison.budgetSeconds = 0.001
        let results = try comparison.measure(patterns: patterns, allocations: .unavailable)
        #expect(results.measured.isEmpty)
        #expect(results.skipped.count == 2)
        #expect(results.skipped.allSatisfy { $0.contains("at 50 patterns: skipped") && $0.contains("0.001 s budget") }, "\(results.skipped)")
    }

    @Test func syntheticPatternsAreValidDistinctAndShareWildcards() throws {
        let texts = SyntheticPolicy.patterns(count: 1000, wildcardShare: 0.2)
        let patterns = try texts.map { try OriginPattern.parse($0) }
        #expect(Set(texts).count == texts.count)
        #expect(texts.count > 950)
        let wildcards = patterns.filter(\.isWildcardHost).count
        #expect(wildcards > 150 && wildcards < 250)
    }
}
