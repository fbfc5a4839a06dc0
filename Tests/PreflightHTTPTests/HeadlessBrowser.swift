import BenchmarkHost
import CORSPolicy
import Foundation
import Testing

/// One cross-origin `fetch()` a test page makes.
struct BrowserFetch {
    var url: String
    var method: String
    var headers: [(name: String, value: String)] = []
    var credentials = false
}

/// A real browser, headless, that loads a page from a `PageServer` which
/// makes a list of fetches in order and posts their outcomes back.
enum HeadlessBrowser: String, CaseIterable, CustomStringConvertible {
    /// Debian's `chromium`, installed by .ci/run.
    case chromium
    /// Debian's `firefox-esr`, installed by .ci/run.
    case firefox

    var description: String { rawValue }

    var executable: String? {
        let candidates = switch self {
        case .chromium: ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        case .firefox: ["/usr/bin/firefox-esr", "/usr/bin/firefox"]
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The browser's version line, such as "Chromium 156.0.8078.129".
    func version() async -> String {
        guard let executable, let run = try? await ChildProcess.run("timeout", ["20", executable, "--version"]) else { return rawValue }
        return run.outputText.split(separator: "\n").last { $0.contains(rawValue == "chromium" ? "Chromium" : "Firefox") }
            .map { String($0.trimmingCharacters(in: .whitespaces)) } ?? rawValue
    }

    /// What each fetch did: `{"ok": true, "status": 200}` or `{"ok": false, "error": "..."}`, in order.
    func outcomes(of fetches: [BrowserFetch]) async throws -> [[String: Any]] {
        let executable = try #require(executable, "\(self) is not installed (apt-get install chromium firefox-esr); .ci/run installs it")
        let pageServer = try PageServer(page: Self.page(fetches, reportPath: "/report"))
        defer { pageServer.shutdown() }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("preflight-bench-\(self)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: profile) }
        let url = "http://127.0.0.1:\(pageServer.port)/"
        // Both browsers return once the load event fires, which the page's /wait
        // image holds until the report is in. `timeout` kills the browser's
        // whole process group, helpers included, so a browser that never
        // finishes fails the test instead of hanging it (SIGTERM alone is not
        // enough: headless Firefox can outlive it).
        let arguments = switch self {
        case .chromium: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)", "--dump-dom", url]
        case .firefox: ["--headless", "--no-remote", "--profile", profile.path, "--screenshot", profile.appendingPathComponent("page.png").path, url]
        }
        let run = try await ChildProcess.run("timeout", ["-s", "KILL", "90", executable] + arguments,
                                             environment: self == .firefox ? ["MOZ_HEADLESS": "1"] : [:])
        let printed = run.outputText
        let report = try #require(pageServer.report, "the page reported nothing in \(self); it printed: \(printed.prefix(500))")
        let outcomes = try #require(try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [[String: Any]])
        try #require(outcomes.count == fetches.count)
        return outcomes
    }

    static func page(_ fetches: [BrowserFetch], reportPath: String) -> String {
        let list = fetches.map { f -> String in
            let headers = f.headers.map { "[\(jsString($0.name)), \(jsString($0.value))]" }.joined(separator: ", ")
            return "{url: \(jsString(f.url)), method: \(jsString(f.method)), headers: [\(headers)], credentials: \(f.credentials ? "'include'" : "'omit'")}"
        }.joined(separator: ",\n")
        return """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>preflights</title></head><body>
            <pre id="outcomes">running</pre>
            <img src="/wait" alt="">
            <script>
            const fetches = [\(list)];
            (async () => {
              const outcomes = [];
              for (const f of fetches) {
                try {
                  // No cache: 'no-store' here: browsers then skip their preflight cache too, and Max-Age would show nothing.
                  const response = await fetch(f.url, {method: f.method, headers: f.headers, credentials: f.credentials});
                  outcomes.push({ok: true, status: response.status});
                } catch (e) {
                  outcomes.push({ok: false, error: String(e)});
                }
              }
              const text = JSON.stringify(outcomes);
              document.getElementById('outcomes').textContent = text;
              await fetch(\(jsString(reportPath)), {method: 'POST', body: text});
            })();
            </script></body></html>
            """
    }

    static func jsString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

extension HeadlessBrowser {
    /// How many more preflights than its cache's rules imply a server may
    /// see from this browser in one page. Firefox 153 ESR sometimes sends
    /// one again for a fetch its cache covers: measured against `serve` on
    /// loopback, never through a proxy that adds latency, never against a
    /// slower Python server, so a race in its cache's update; Chromium never.
    var extraPreflightsSeen: Int { self == .firefox ? 1 : 0 }

    /// The check's rules for this browser.
    var rules: BrowserPreflightCheck.Rules {
        switch self {
        case .chromium: .chromium
        case .firefox: .firefox
        }
    }
}
