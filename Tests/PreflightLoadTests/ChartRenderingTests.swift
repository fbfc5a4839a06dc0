import BenchmarkHost
import Foundation
import OriginMatching
import PreflightCache
@testable import PreflightLoad
import Testing
@testable import PreflightReport

/// Every chart of a run the reference run's size, laid out by a real
/// browser (Debian's `chromium`, headless): each element's rendered box lies
/// inside its chart, and no chart repeats a legend label. The browser
/// measures the text, so this holds for the fonts it really uses.
@Suite struct ChartRenderingTests {
    /// 6 scenarios x 20 configurations x 4 worker counts, as in results/reference.
    static func referenceSizedReport() -> LoadReport {
        var points: [LoadPoint] = []
        for scenario in ["hot", "realistic", "noisy", "flood", "churn", "large-policy"] {
            for matcher in OriginMatcherKind.allCases {
                for (cache, capacity, eviction) in [(PreflightCacheKind.none, nil, nil), (.locked, 10_000, nil), (.locked, 100_000, nil),
                                                    (.sharded, 10_000, EvictionPolicy.s3fifo), (.sharded, 100_000, .s3fifo)] as [(PreflightCacheKind, Int?, EvictionPolicy?)] {
                    for workers in [1, 2, 4, 8] {
                        // A locked regex runs about a thousandth as fast as none trie: the throughput
                        // charts span more than two decades, so their y axes must turn logarithmic.
                        let slowdown = cache == .locked && matcher == .regex ? 1000.0 : 1
                        let rate = Double(workers) * 1e6 * Double(capacity ?? 50_000) / 50_000 / slowdown
                        points.append(LoadPoint(
                            scenario: scenario, workers: workers, cache: cache, matcher: matcher, capacity: capacity, eviction: eviction,
                            shards: cache == .sharded ? 64 : nil, allocator: "system", decisions: 1000, seconds: 1,
                            decisionsPerSecond: Spread([rate, rate * 1.01, rate * 0.99]), hitRate: cache == .none ? nil : 0.999,
                            p50Nanos: 100, p99Nanos: 96_575, p999Nanos: 1_300_000, meanNanos: 200, hitLatency: nil, missLatency: nil,
                            allocationsPerDecision: 0, entries: nil, bytesPerEntry: nil, heapBytes: nil, evictions: nil, expirations: nil, stopped: false))
                    }
                }
            }
        }
        return LoadReport(environment: [], harnessOverhead: [], points: points)
    }

    @Test func everyChartFitsItsCanvasInABrowser() async throws {
        let charts = Self.referenceSizedReport().charts()
        #expect(charts.count > 6)
        #expect(charts.contains { $0.name.hasPrefix("throughput-") && $0.svg.contains("(log scale)") }, "a throughput chart spanning three decades is logarithmic")
        let page = """
            <!DOCTYPE html><html><body>
            \(charts.map { "<div data-name=\"\($0.name)\">\($0.svg)</div>" }.joined(separator: "\n"))
            <pre id="result">pending</pre>
            <script>
            const failures = [];
            for (const div of document.querySelectorAll('div[data-name]')) {
              const svg = div.querySelector('svg'), box = svg.getBoundingClientRect(), name = div.dataset.name;
              for (const el of svg.querySelectorAll('text, line, polyline, circle, rect, path')) {
                const r = el.getBoundingClientRect();
                if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)
                  failures.push(name + ': ' + el.tagName + ' "' + (el.textContent || '') + '" leaves the chart');
              }
              const legends = [...svg.querySelectorAll('text.legend')].map(t => t.textContent);
              if (new Set(legends).size !== legends.length) failures.push(name + ': legend labels repeat');
              if (legends.length > 8) failures.push(name + ': ' + legends.length + ' series');
            }
            document.getElementById('result').textContent = failures.length ? failures.join('\\n') : 'all ' + document.querySelectorAll('svg').length + ' charts fit';
            </script></body></html>
            """
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("preflight-charts-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("charts.html")
        try Data(page.utf8).write(to: file)
        let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        guard let chromium = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Issue.record("chromium is not installed (apt-get install chromium); .ci/run installs it")
            return
        }
        // The project's one way to run a program (swift-subprocess).
        let dom = try await ChildProcess.run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", file.absoluteString]).outputText
        let result = dom.components(separatedBy: "<pre id=\"result\">").dropFirst().first?.components(separatedBy: "</pre>").first ?? "no result in the DOM"
        #expect(result == "all \(charts.count) charts fit", "\(result)")
    }
}
