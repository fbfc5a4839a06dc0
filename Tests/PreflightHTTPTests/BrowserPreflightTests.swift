import BenchmarkHost
import CORSPolicy
import Foundation
import PreflightCache
import Testing
import PreflightHTTPServer

/// Headless Chromium and Firefox (Debian's `chromium` and `firefox-esr`,
/// installed by .ci/run) each run
/// cross-origin `fetch()` calls from a page on one loopback origin to
/// `serve`-side servers on others, and reports each outcome; the outcomes
/// and the number of preflights that reached each server are compared with
/// what each policy means. Every server allows `http://127.0.0.1:*`: the
/// page's origin, matched by a `:*` port pattern.
@Suite struct BrowserPreflightTests {
    /// One fetch: on which server, to which path (both browsers cache preflights
    /// per origin and URL), with what init, and what the policy means.
    struct Case {
        var name: String
        var server: String
        var path: String
        var method: String
        var headers: [String: String] = [:]
        var credentials = false
        var allowed: Bool
        var preflights: Int
    }

    static let loopback = ["http://127.0.0.1:*"]
    static let policies: [String: PolicyConfiguration] = [
        "main": PolicyConfiguration(origins: loopback, methods: ["PUT", "PATCH"], requestHeaders: ["x-request-id", "content-type"], maxAge: 600),
        "credentials": PolicyConfiguration(origins: loopback, methods: ["PUT"], requestHeaders: ["x-request-id"], credentials: true, maxAge: 600),
        "star": PolicyConfiguration(origins: loopback, methods: ["PUT"], requestHeaders: ["*"], maxAge: 600),
        "other": PolicyConfiguration(origins: ["https://app.example.com"], methods: ["PUT"], requestHeaders: ["x-request-id"], maxAge: 600),
        "age0": PolicyConfiguration(origins: loopback, methods: ["PUT"], requestHeaders: ["x-request-id"], maxAge: 0),
        "noage": PolicyConfiguration(origins: loopback, methods: ["PUT"], requestHeaders: ["x-request-id"]),
    ]

    static let id = ["X-Request-ID": "1"]
    static let cases: [Case] = [
        Case(name: "allowed PUT with custom headers", server: "main", path: "/put", method: "PUT",
             headers: ["X-Request-ID": "1", "Content-Type": "application/json"], allowed: true, preflights: 1),
        Case(name: "the same fetch again: Max-Age 600 answers it from the browser's cache", server: "main", path: "/put", method: "PUT",
             headers: ["X-Request-ID": "1", "Content-Type": "application/json"], allowed: true, preflights: 0),
        Case(name: "a cached preflight for one header", server: "main", path: "/grow", method: "PUT", headers: id, allowed: true, preflights: 1),
        Case(name: "then a new header: the cached result does not cover it, a new preflight", server: "main", path: "/grow", method: "PUT",
             headers: ["X-Request-ID": "1", "Content-Type": "application/json"], allowed: true, preflights: 1),
        Case(name: "a header not allowed", server: "main", path: "/header", method: "PUT", headers: ["X-Other": "1"], allowed: false, preflights: 1),
        Case(name: "a method not allowed", server: "main", path: "/method", method: "DELETE", allowed: false, preflights: 1),
        Case(name: "lowercase patch is not PATCH (fetch normalizes only DELETE GET HEAD OPTIONS POST PUT)", server: "main", path: "/patch-lower",
             method: "patch", allowed: false, preflights: 1),
        Case(name: "PATCH", server: "main", path: "/patch", method: "PATCH", allowed: true, preflights: 1),
        Case(name: "header names in mixed case", server: "main", path: "/mixed", method: "PUT", headers: ["X-REQUEST-id": "1"], allowed: true, preflights: 1),
        Case(name: "credentials where the policy allows none", server: "main", path: "/credentials", method: "PUT", headers: id,
             credentials: true, allowed: false, preflights: 1),
        Case(name: "credentials allowed", server: "credentials", path: "/credentials", method: "PUT", headers: id, credentials: true,
             allowed: true, preflights: 1),
        Case(name: "* headers cover any name", server: "star", path: "/star", method: "PUT", headers: ["X-Anything": "1"], allowed: true, preflights: 1),
        Case(name: "* headers do not cover authorization", server: "star", path: "/star-authorization", method: "PUT",
             headers: ["Authorization": "Bearer t"], allowed: false, preflights: 1),
        Case(name: "another origin", server: "other", path: "/other", method: "PUT", headers: id, allowed: false, preflights: 1),
        Case(name: "Max-Age 0: the first fetch preflights", server: "age0", path: "/zero", method: "PUT", headers: id, allowed: true, preflights: 1),
        Case(name: "Max-Age 0: so does the second", server: "age0", path: "/zero", method: "PUT", headers: id, allowed: true, preflights: 1),
        Case(name: "no Max-Age: the first fetch preflights", server: "noage", path: "/none", method: "PUT", headers: id, allowed: true, preflights: 1),
        Case(name: "no Max-Age: the second, within 5 s, does not", server: "noage", path: "/none", method: "PUT", headers: id, allowed: true, preflights: 0),
    ]

    // The limit only stops a hung browser from holding CI; it times nothing.
    @Test(.timeLimit(.minutes(3)), arguments: HeadlessBrowser.allCases)
    func theBrowserTreatsEveryPreflightAsThePolicyMeans(_ browser: HeadlessBrowser) async throws {
        var servers: [String: PreflightServer] = [:]
        defer { for server in servers.values { try? server.shutdown() } }
        for (name, configuration) in Self.policies {
            let evaluator = PreflightEvaluator(policy: try CORSPolicy(validating: configuration))
            var server = ServerConfiguration()
            server.port = 0
            server.threads = 1
            servers[name] = try PreflightServer(
                service: PreflightService(evaluator: evaluator, decider: UncachedPreflightDecider(evaluator: evaluator)), configuration: server)
        }
        let fetches = Self.cases.map { c in
            BrowserFetch(url: "http://127.0.0.1:\(servers[c.server]!.port)\(c.path)", method: c.method,
                         headers: c.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, credentials: c.credentials)
        }
        let outcomes = try await browser.outcomes(of: fetches)
        let pageOrigin = "http://127.0.0.1:1"
        for (c, outcome) in zip(Self.cases, outcomes) {
            #expect((outcome["ok"] as? Bool) == c.allowed, "\(browser) \(c.name): \(outcome)")
            if c.allowed { #expect(outcome["status"] as? Int == 200, "\(c.name): \(outcome)") }
            // The engine agrees with the expectation written here (lowercased names, as the browser sends them).
            if !c.credentials {
                let evaluator = PreflightEvaluator(policy: try CORSPolicy(validating: Self.policies[c.server]!))
                let names = c.headers.keys.map { $0.lowercased() }.sorted().joined(separator: ",")
                let decision = evaluator.evaluate(PreflightRequest(origin: pageOrigin, method: c.method,
                                                                   requestHeaders: names.isEmpty ? nil : names))
                #expect(decision.isAllowed == c.allowed, "\(c.name): the engine says \(decision.reason)")
            }
        }
        for (name, server) in servers {
            let expected = Self.cases.filter { $0.server == name }.reduce(0) { $0 + $1.preflights }
            let preflights = server.service.counters.snapshot.preflights
            #expect((expected...expected + browser.extraPreflightsSeen).contains(preflights), "\(browser) server \(name): \(preflights) preflights reached it")
        }
    }
}
