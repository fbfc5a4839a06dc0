import CORSPolicy
import PreflightLoadClient
import PreflightProbe
import PreflightTestSupport
import PreflightWorkload
import Testing

/// The probe's catalogue, its verdicts, and `serve` scoring clean.
@Suite struct ProbeTests {
    static let policies: [(String, CORSPolicy)] = [("test", testPolicy)]
        + Scenario.presets.map { ($0.name, try! RequestStream(scenario: smallScenario($0.name)).policy) }

    @Test func everyAttackIsOneThePolicyRefusesAndEveryAllowedCaseOneItAllows() {
        for (name, policy) in Self.policies {
            let cases = ProbeCatalogue.cases(for: policy)
            #expect(cases.count >= 20, "\(name): \(cases.count) cases")
            for c in cases {
                #expect(c.policyAllows == (c.category == "allowed requests"), "\(name) \(c.id) \(c.request.origin)")
                #expect(!c.policyAllowsWithCredentials || policy.credentials)
            }
            let ids = Set(cases.map(\.id))
            for id in ["reflection", "null-origin", "suffix-trick", "http-downgrade", "oversized-headers", "repeated-origin"] {
                #expect(ids.contains(id), "\(name) lacks \(id)")
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func serveScoresCleanOnEveryPresetPolicy() throws {
        for (name, policy) in Self.policies {
            try withServer(policy: policy) { server in
                let target = try HTTPTarget(url: "http://127.0.0.1:\(server.port)/")
                let cases = ProbeCatalogue.cases(for: policy)
                let results = zip(cases, ProbeClient.observe(cases.map(\.request), target: target, timeLimit: 2))
                    .map { ProbeResult(probe: $0, observation: $1, timeLimit: 2) }
                let bad = results.filter { $0.status != .pass }.map { "\($0.probe.id) \($0.probe.request.origin): \($0.detail)" }
                #expect(bad.isEmpty, "\(name): \(bad)")
            }
        }
    }

    static let attack = ProbeCase(id: "reflection", category: "origin reflection",
                                  request: ProbeRequest(kind: .actual, origin: ProbeCatalogue.attackerOrigin, method: "GET"),
                                  policyAllows: false, policyAllowsWithCredentials: false, severity: .high, gain: "test")

    static func observation(_ accepted: (Bool, Bool), browsersOnly: Bool = false) -> ProbeObservation {
        var o = ProbeObservation()
        o.status = 200
        o.seconds = 0.001
        for rules in BrowserPreflightCheck.Rules.allCases {
            o.accepted[rules] = rules == .fetchStandard && browsersOnly ? (false, false) : accepted
        }
        return o
    }

    @Test func credentialsRaiseAFindingToCritical() {
        #expect(ProbeResult(probe: Self.attack, observation: Self.observation((true, true)), timeLimit: 2).severity == .critical)
        #expect(ProbeResult(probe: Self.attack, observation: Self.observation((true, false)), timeLimit: 2).severity == .high)
        #expect(ProbeResult(probe: Self.attack, observation: Self.observation((false, false)), timeLimit: 2).status == .pass)
        var hostile = Self.attack
        hostile.isHostile = true
        #expect(ProbeResult(probe: hostile, observation: Self.observation((true, true)), timeLimit: 2).severity == .high)
    }

    @Test func aBrowserOnlyAcceptanceIsAFindingLabelledWithTheDifference() {
        let result = ProbeResult(probe: Self.attack, observation: Self.observation((true, false), browsersOnly: true), timeLimit: 2)
        #expect(result.severity == .high)
        #expect(result.browserDifference == "spec: blocked; Chromium: allowed; Firefox: allowed")
    }

    @Test func hostileRequestsMayBeRefusedByClosingButNotByStalling() {
        var hostile = Self.attack
        hostile.isHostile = true
        var closed = ProbeObservation()
        closed.failure = "closed"
        #expect(ProbeResult(probe: hostile, observation: closed, timeLimit: 2).status == .pass)
        #expect(ProbeResult(probe: Self.attack, observation: closed, timeLimit: 2).status == .error)
        var stalled = ProbeObservation()
        stalled.failure = "timeout"
        stalled.seconds = 2
        #expect(ProbeResult(probe: hostile, observation: stalled, timeLimit: 2).severity == .medium)
        var slow = Self.observation((false, false))
        slow.seconds = 3
        #expect(ProbeResult(probe: Self.attack, observation: slow, timeLimit: 2).status == .finding)
    }

    @Test func aNamedAnswerWithoutVaryOriginIsAFinding() {
        var allowed = ProbeCase(id: "allowed-actual", category: "allowed requests",
                                request: ProbeRequest(kind: .actual, origin: "https://app.example.com", method: "GET"),
                                policyAllows: true, policyAllowsWithCredentials: true, severity: .low, gain: "none")
        allowed.checksVary = true
        var o = Self.observation((true, true))
        o.allowOrigin = "https://app.example.com"
        o.vary = "accept-encoding"
        #expect(ProbeResult(probe: allowed, observation: o, timeLimit: 2).severity == .medium)
        o.vary = "Accept-Encoding, Origin"
        #expect(ProbeResult(probe: allowed, observation: o, timeLimit: 2).status == .pass)
    }
}
