import CORSPolicy
import Foundation
import PreflightLoadClient
import PreflightProbe
import PreflightTestSupport
import PreflightWorkload
import Testing

/// `load` and `probe` against servers nobody here wrote, each configured
/// with the same policy: correctly (100 % conformance, a clean scorecard)
/// and with the misconfigurations found in the wild (every one found by
/// `probe`, named, with its severity, in under 2 seconds a case).
@Suite(.serialized) struct ThirdPartyServerTests {
    static let policyConfiguration = PolicyConfiguration(origins: ["https://app.example.com", "https://admin.example.com"], methods: ["PUT", "PATCH"],
                                                         requestHeaders: ["x-request-id", "content-type"], credentials: true, maxAge: 600)
    // Starlette refuses a preflight for any method not listed, safelisted ones
    // included (a POST with a custom header is preflighted with POST), so the
    // same policy lists GET, HEAD and POST for it.
    static let starletteCorrect = """
        {"allow_origins": ["https://app.example.com", "https://admin.example.com"], "allow_methods": ["GET", "HEAD", "POST", "PUT", "PATCH"],
         "allow_headers": ["x-request-id", "content-type"], "allow_credentials": true, "max_age": 600}
        """
    static let nginxCorrect = #""https://app.example.com" $http_origin; "https://admin.example.com" $http_origin;"#

    /// A server, and the case ids `probe` must report with at least the given severity (none: a clean scorecard).
    struct Setup: CustomTestStringConvertible, Sendable {
        var name: String
        var start: @Sendable () throws -> ThirdPartyServer
        var findings: [String: ProbeSeverity]
        var testDescription: String { name }
    }

    static let setups: [Setup] = [
        Setup(name: "starlette", start: { try .starlette("starlette", middleware: starletteCorrect) }, findings: [:]),
        Setup(name: "starlette-any-origin-with-credentials", start: {
            // allow_origins ["*"] with credentials: Starlette echoes any Origin, with Allow-Credentials.
            try .starlette("starlette-star", middleware: starletteCorrect.replacingOccurrences(
                of: #"["https://app.example.com", "https://admin.example.com"]"#, with: #"["*"]"#))
        }, findings: ["reflection": .critical, "null-origin": .critical, "suffix-trick": .critical]),
        Setup(name: "nginx", start: { try .nginx("nginx", origins: nginxCorrect) }, findings: [:]),
        // Both browsers accept these: no false alarm from load, a clean scorecard from probe.
        Setup(name: "nginx-allow-headers-on-two-lines", start: {
            try .nginx("nginx-split", origins: nginxCorrect, allowHeaders: ["x-request-id", "content-type"])
        }, findings: [:]),
        Setup(name: "nginx-long-allow-headers", start: {
            try .nginx("nginx-long", origins: nginxCorrect, allowHeaders: [((0..<60).map { "x-long-header-name-\($0)" } + ["x-request-id", "content-type"]).joined(separator: ", ")])
        }, findings: [:]),
        Setup(name: "nginx-reflection", start: { try .nginx("nginx-reflection", origins: #""~." $http_origin;"#) },
              findings: ["reflection": .critical, "null-origin": .critical]),
        Setup(name: "nginx-unanchored-regex", start: {
            try .nginx("nginx-regex", origins: #""~*app\.example\.com" $http_origin; "~*admin\.example\.com" $http_origin;"#)
        }, findings: ["suffix-trick": .critical, "prefix-trick": .critical, "subdomain": .critical]),
        Setup(name: "nginx-null", start: { try .nginx("nginx-null", origins: nginxCorrect + #" "null" $http_origin;"#) },
              findings: ["null-origin": .critical]),
    ]

    @Test(.timeLimit(.minutes(2)), arguments: setups)
    func probeAndLoadJudgeTheServer(_ setup: Setup) throws {
        let server = try setup.start()
        defer { server.shutdown() }
        let policy = try CORSPolicy(validating: Self.policyConfiguration)
        let target = try HTTPTarget(url: "http://127.0.0.1:\(server.port)/api")

        let cases = ProbeCatalogue.cases(for: policy)
        let results = zip(cases, ProbeClient.observe(cases.map(\.request), target: target, timeLimit: 2))
            .map { ProbeResult(probe: $0, observation: $1, timeLimit: 2) }
        let report = ProbeReport(target: target.description, policySummary: policy.summary, results: results, command: "test", failOn: .medium)
        let found = report.findings.map { "\($0.probe.id) \($0.severity!) \($0.probe.request.kind.rawValue) \($0.probe.request.origin): \($0.detail)" }
        #expect(report.errors.isEmpty, "\(setup.name): \(report.errors.map { "\($0.probe.id): \($0.detail)" })")
        for result in results { #expect(result.observation.seconds < 2, "\(setup.name) \(result.probe.id) took \(result.observation.seconds) s") }
        if setup.findings.isEmpty {
            #expect(found.isEmpty && !report.fails, "\(setup.name) should score clean: \(found)")
        } else {
            for (id, severity) in setup.findings {
                #expect(report.findings.contains { $0.probe.id == id && $0.severity! >= severity }, "\(setup.name): no \(severity) \(id) among \(found)")
            }
            #expect(report.fails)
        }

        // load, from the same policy's traffic: a correct server conforms fully.
        var scenario = smallScenario("realistic")
        scenario.policy = Self.policyConfiguration
        scenario.origins = 200
        let stream = try RequestStream(scenario: scenario)
        var configuration = HTTPLoadConfiguration(target: target)
        configuration.connections = 2
        configuration.requests = 2000
        configuration.timeout = 10
        let load = try HTTPLoadGenerator.run(configuration, stream: stream, policy: policy)
        #expect(load.errors.isEmpty, "\(setup.name): \(load.errors)")
        #expect(load.checked == 2000)
        if setup.findings.isEmpty {
            #expect(load.conforming == load.checked, "\(setup.name): \(load.mismatches.map(\.description))")
        }
        print("\(setup.name): probe \(results.count) cases, \(report.findings.count) findings; load conformance \(load.conforming) of \(load.checked)")
    }
}

/// `probe`'s verdicts on third-party answers are the browsers': the page's
/// loopback origin stands in for an attacker's (none of these servers allows
/// it, the broken ones echo it), and each browser's credentialed `fetch()`
/// must succeed exactly where `probe` reads the same server's answer to a
/// refused origin as let through with credentials.
@Suite(.serialized) struct ThirdPartyBrowserAgreementTests {
    @Test(.timeLimit(.minutes(3)), arguments: HeadlessBrowser.allCases)
    func browsersDoWhatProbeSays(_ browser: HeadlessBrowser) async throws {
        let servers = [
            try ThirdPartyServer.nginx("nginx", origins: ThirdPartyServerTests.nginxCorrect),
            try ThirdPartyServer.nginx("nginx-reflection", origins: #""~." $http_origin;"#),
            try ThirdPartyServer.starlette("starlette-star", middleware: ThirdPartyServerTests.starletteCorrect.replacingOccurrences(
                of: #"["https://app.example.com", "https://admin.example.com"]"#, with: #"["*"]"#)),
        ]
        defer { for server in servers { server.shutdown() } }
        let fetches = servers.flatMap { server in [
            BrowserFetch(url: "http://127.0.0.1:\(server.port)/data", method: "GET", credentials: true),
            BrowserFetch(url: "http://127.0.0.1:\(server.port)/data", method: "PUT", headers: [("X-Request-ID", "1")], credentials: true),
        ] }
        let outcomes = try await browser.outcomes(of: fetches)
        let standIn = "http://127.0.0.1:9"
        for (i, server) in servers.enumerated() {
            let requests = [ProbeRequest(kind: .actual, origin: standIn, method: "GET"),
                            ProbeRequest(kind: .preflight, origin: standIn, method: "PUT", requestHeaders: "x-request-id")]
            let target = try HTTPTarget(url: "http://127.0.0.1:\(server.port)/data")
            for (j, observation) in ProbeClient.observe(requests, target: target, timeLimit: 2).enumerated() {
                let probeSays = try #require(observation.accepted[browser.rules]).credentials
                let browserDid = outcomes[2 * i + j]["ok"] as? Bool == true
                #expect(probeSays == browserDid, "\(browser) \(server.name) \(requests[j].kind): probe reads \(probeSays), the browser \(browserDid)")
            }
        }
        // The broken servers did let the page read with credentials: the check has teeth.
        #expect(outcomes[2]["ok"] as? Bool == true && outcomes[0]["ok"] as? Bool == false)
    }
}
