import CORSPolicy
import PreflightLoad
import PreflightTestSupport
import PreflightWorkload
import Testing
import Dispatch
import PreflightLoadClient

/// `load` against `serve` over loopback: every preset's answers are what a
/// browser needs, and servers that answer wrongly are called out.
@Suite struct LoadConformanceTests {
    static func configuration(port: Int, requests: Int = 2000, connections: Int = 4) -> HTTPLoadConfiguration {
        var c = HTTPLoadConfiguration(target: try! HTTPTarget(url: "http://127.0.0.1:\(port)/api"))
        c.connections = connections
        c.threads = 2
        c.requests = requests
        c.timeout = 10
        return c
    }

    @Test(arguments: Scenario.presets.map(\.name))
    func serveConformsFullyForEveryPreset(preset: String) throws {
        let stream = try RequestStream(scenario: smallScenario(preset))
        try withServer(policy: stream.policy) { server in
            let result = try HTTPLoadGenerator.run(Self.configuration(port: server.port), stream: stream, policy: stream.policy)
            #expect(result.errors.isEmpty, "\(result.errors)")
            #expect(result.checked == 2000 && result.responses == 2000)
            #expect(result.conforming == result.checked, "\(result.mismatches.map(\.description).joined(separator: "\n"))")
            #expect(result.latency.totalCount == 2000)
        }
    }

    @Test func aServerWithoutCORSIsCalledOut() throws {
        let stream = try RequestStream(scenario: smallScenario("realistic"))
        try withServer(policy: stream.policy, cache: nil) { server in
            let result = try HTTPLoadGenerator.run(Self.configuration(port: server.port), stream: stream, policy: stream.policy)
            #expect(result.errors.isEmpty)
            // Only the denials conform: a plain 200 without CORS headers fails every allowed preflight.
            #expect(result.conformance < 0.5, "\(result.conformance)")
            #expect(result.mismatches.count == 5 && result.mismatches.allSatisfy { $0.policyAllows && $0.browser == .allowOrigin })
        }
    }

    @Test func aServerWithAnotherPolicyIsCalledOut() throws {
        let stream = try RequestStream(scenario: smallScenario("realistic"))
        let narrower = try CORSPolicy(validating: PolicyConfiguration(origins: ["https://app.example.com"], methods: ["PUT"]))
        try withServer(policy: narrower) { server in
            let result = try HTTPLoadGenerator.run(Self.configuration(port: server.port), stream: stream, policy: stream.policy)
            #expect(result.conformance < 0.5)
            #expect(!result.mismatches.isEmpty && result.mismatches.allSatisfy { $0.policyAllows && $0.browser == .status })
        }
    }

    /// Open loop at 10 requests per second on 4 connections: each waits 0.4 s
    /// between sends, longer than the server's idle timeout, so the server
    /// closes every connection between requests and `load` reconnects (and,
    /// where a close crosses a request, sends it again).
    @Test func openLoopKeepsItsScheduleAcrossConnectionsTheServerCloses() throws {
        let stream = try RequestStream(scenario: smallScenario("realistic"))
        try withServer(policy: stream.policy, idleTimeout: 0.2) { server in
            var c = Self.configuration(port: server.port)
            c.requests = nil
            c.rate = 10
            c.duration = 1.6
            c.warmUp = 0
            let result = try HTTPLoadGenerator.run(c, stream: stream, policy: stream.policy)
            #expect(result.errors.isEmpty, "\(result.errors)")
            // 16 sends are due in 1.6 s; each connection's first is staggered within one interval.
            #expect((12...17).contains(result.responses), "\(result.responses)")
            #expect(result.conforming == result.checked)
            #expect(server.service.counters.snapshot.connections >= 8)
        }
    }

    /// A server that closes every connection as its second request arrives:
    /// each of those requests is sent once more on a new connection and
    /// answered there, counted as a retry and not an error.
    @Test func aRequestTheServerClosedOnIsSentOnceMore() throws {
        let stream = try RequestStream(scenario: smallScenario("realistic"))
        let server = try ClosingServer(answersPerConnection: 1)
        defer { server.shutdown() }
        let result = try HTTPLoadGenerator.run(Self.configuration(port: server.port, requests: 20, connections: 1), stream: stream, policy: stream.policy)
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.responses == 20 && result.checked == 20)
        #expect(result.retries == 19)
        // Reports carry the retries through run.json.
        let measured = try HTTPLoadBenchmark.measure(scenario: "realistic", stream: stream, policy: stream.policy,
                                                     configuration: Self.configuration(port: server.port, requests: 4, connections: 1),
                                                     repetitions: 1, label: "closing")
        let report = try LoadReport(json: LoadReport(environment: [], harnessOverhead: [], points: [measured.point]).jsonValue)
        #expect(report.points[0].http!.retries == 3)
    }

    /// A server that never answers: each request is retried once, then counted as closed.
    @Test func aRequestIsRetriedOnlyOnce() throws {
        let stream = try RequestStream(scenario: smallScenario("realistic"))
        let server = try ClosingServer(answersPerConnection: 0)
        defer { server.shutdown() }
        let result = try HTTPLoadGenerator.run(Self.configuration(port: server.port, requests: 5, connections: 1), stream: stream, policy: stream.policy)
        #expect(result.responses == 0)
        #expect(result.retries == 5 && result.errors == ["closed": 5], "\(result.errors)")
    }

    @Test func nothingListeningIsCountedNotFatal() throws {
        let stream = try RequestStream(scenario: smallScenario("hot"))
        // A port with nothing on it: bind a server, note its port, stop it.
        let port = try withServer { $0.port }
        var c = Self.configuration(port: port)
        c.requests = nil
        c.duration = 0.3
        c.warmUp = 0
        let result = try HTTPLoadGenerator.run(c, stream: stream, policy: stream.policy)
        #expect(result.responses == 0 && (result.errors["connect"] ?? 0) > 0)
    }

    /// Two load processes' reports (here two concurrent runs) merge exactly.
    @Test func concurrentLoadReportsMergeExactly() throws {
        let stream = try RequestStream(scenario: smallScenario("realistic"))
        try withServer(policy: stream.policy) { server in
            var c = Self.configuration(port: server.port, connections: 3)
            c.requests = nil
            c.duration = 0.5
            c.warmUp = 0.1
            let config = c
            // Each box is written by its own queue and read after the group's wait, which orders the two.
            final class Box: @unchecked Sendable { var measured: HTTPLoadBenchmark.Measured? }
            let boxes = [Box(), Box()]
            let group = DispatchGroup()
            for box in boxes {
                DispatchQueue.global().async(group: group) {
                    box.measured = try? HTTPLoadBenchmark.measure(scenario: "realistic", stream: stream, policy: stream.policy,
                                                                  configuration: config, repetitions: 2, label: "sharded")
                }
            }
            group.wait()
            let a = try #require(boxes[0].measured?.point), b = try #require(boxes[1].measured?.point)
            let reports = [a, b].enumerated().map { (source: "load-\($0.offset)", report: LoadReport(environment: [], harnessOverhead: [], points: [$0.element])) }
            // Through run.json and back, as `report --merge` reads them.
            let reread = try reports.map { (source: $0.source, report: try LoadReport(json: $0.report.jsonValue)) }
            let merged = try LoadReport.merging(reread).points[0]
            #expect(merged.workers == 6)
            #expect(merged.decisions == a.decisions + b.decisions)
            #expect(merged.http!.checked == a.http!.checked + b.http!.checked)
            let histogram = merged.http!.latency
            var expected = a.http!.latency
            expected.add(b.http!.latency)
            #expect(histogram.totalCount == expected.totalCount && histogram.totalCount == UInt64(a.decisions + b.decisions))
            for p in [50.0, 99.0, 99.9] { #expect(histogram.valueAtPercentile(p) == expected.valueAtPercentile(p)) }
            #expect(abs(merged.decisionsPerSecond.median - (a.decisionsPerSecond.samples[0] + b.decisionsPerSecond.samples[0]
                + a.decisionsPerSecond.samples[1] + b.decisionsPerSecond.samples[1]) / 2) < 1e-6 * merged.decisionsPerSecond.median)
            // A run point does not merge.
            var runPoint = a
            runPoint.http = nil
            #expect(throws: ReportReadError.self) {
                try LoadReport.merging([(source: "x", report: LoadReport(environment: [], harnessOverhead: [], points: [runPoint])), reread[0]])
            }
        }
    }
}
