package import PreflightWorkload

/// A preset cut down for tests: 16,384 requests over at most 2,000 origins
/// and 500 generated patterns, so a stream builds in milliseconds.
package func smallScenario(_ name: String) -> Scenario {
    var s = Scenario.preset(named: name)!
    s.requests = 1 << 14
    s.origins = min(s.origins, 2000)
    s.patterns = min(s.patterns, 500)
    return s
}
