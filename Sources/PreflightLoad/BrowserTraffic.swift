package import CORSPolicy
package import JSONValue
package import PreflightTrace
package import PreflightWorkload
package import PreflightCache
import InternalByteUtilities

/// Cross-origin requests by client, as the browser model replays them.
package struct BrowserTraffic: Sendable {
    package var requests: [BrowserRequest]
    /// From the first request to the last, in seconds.
    package var seconds: Double
    /// The preflight a request sends, by its `source`.
    package var preflight: @Sendable (Int) -> PreflightRequest
    package var policy: CORSPolicy

    /// A trace's traffic: its actual cross-origin requests when it has them
    /// (a browser preflights those with a method other than GET, HEAD, POST;
    /// their headers are not in access logs), else its preflights, each
    /// standing for the request it was sent for. Untimed records come at `rate`.
    package static func from(records: [TraceRecord], policy: CORSPolicy, rate: Double) -> BrowserTraffic {
        let actual = records.contains { $0.kind == .actual }
        let evaluator = PreflightEvaluator(policy: policy)
        var ids = Interner()
        var requests: [BrowserRequest] = []
        let first = records.compactMap(\.time).min() ?? 0
        for (i, r) in records.enumerated() where (r.kind == .actual) == actual {
            let names = (r.headers ?? "").split(separator: ",").map { $0.trimmingCharacters(in: " \t").lowercased() }.filter { !$0.isEmpty }
            let simpleMethod = r.method == "GET" || r.method == "HEAD" || r.method == "POST"
            let decision = evaluator.evaluate(PreflightRequest(origin: r.origin, method: r.method, requestHeaders: r.headers))
            var request = BrowserRequest(time: r.time.map { $0 - first } ?? Double(i) / rate, client: ids.id(r.client ?? ""),
                                         key: ids.id(r.origin + " " + (r.url ?? "")), method: ids.id(r.method), headers: names.map { ids.id($0) },
                                         needsPreflight: !actual || !simpleMethod || !names.isEmpty, allowed: decision.isAllowed,
                                         longURL: (r.url?.utf8.count ?? 0) >= 1024)
            request.source = i
            requests.append(request)
        }
        requests.sort { $0.time < $1.time }
        return BrowserTraffic(requests: requests, seconds: max(requests.last?.time ?? 0, 1e-9), preflight: { i in
            PreflightRequest(origin: records[i].origin, method: records[i].method, requestHeaders: records[i].headers)
        }, policy: policy)
    }

    /// A scenario's preflight stream as requests: request `i` at `i / rate`,
    /// from the client and to the path its scenario draws (`clients` and
    /// `paths`), keyed by origin and path.
    package static func from(stream: RequestStream, count: Int, rate: Double) -> BrowserTraffic {
        let evaluator = PreflightEvaluator(policy: stream.policy)
        var ids = Interner()
        var requests: [BrowserRequest] = []
        requests.reserveCapacity(count)
        for i in 0..<count {
            let r = stream.request(i & stream.mask)
            let names = (r.requestHeaders ?? "").split(separator: ",").map { $0.trimmingCharacters(in: " \t").lowercased() }.filter { !$0.isEmpty }
            let (client, path) = stream.scenario.clientAndPath(i)
            let simpleMethod = r.method == "GET" || r.method == "HEAD" || r.method == "POST"
            var request = BrowserRequest(time: Double(i) / rate, client: client, key: ids.id(r.origin + " /api/p\(path)"),
                                         method: ids.id(r.method), headers: names.map { ids.id($0) }, needsPreflight: !simpleMethod || !names.isEmpty,
                                         allowed: evaluator.evaluate(r).isAllowed)
            request.source = i & stream.mask
            requests.append(request)
        }
        return BrowserTraffic(requests: requests, seconds: max(Double(count) / rate, 1e-9), preflight: { stream.request($0) }, policy: stream.policy)
    }

    /// Every engine at every Max-Age; with `server`, the preflights that
    /// reach the server (in time order) also replay through the server's
    /// cache at that capacity and eviction, its entries kept for the same Max-Age.
    package func run(browsers: [BrowserEngine], maxAges: [Int], server: (capacity: Int, eviction: EvictionPolicy)? = nil) -> [BrowserPoint] {
        var points: [BrowserPoint] = []
        let needing = requests.filter(\.needsPreflight).count
        for browser in browsers {
            for maxAge in maxAges {
                var sent: [Int] = []
                let preflights = BrowserCacheModel(browser: browser, maxAge: maxAge).run(requests) { sent.append($0) }
                var point = BrowserPoint(browser: browser, maxAge: maxAge, requests: requests.count, needingPreflight: needing,
                                         preflights: preflights, seconds: seconds)
                if let server, !sent.isEmpty {
                    var scenario = Scenario.preset(named: "realistic")!
                    scenario.name = "\(browser.rawValue) max-age \(maxAge)"
                    scenario.maxAge = nil
                    let stream = RequestStream(scenario: scenario, policy: policy, requests: sent.map { preflight(requests[$0].source) })
                    var simulation = Simulation(capacities: [server.capacity], evictions: [server.eviction], maxAges: [maxAge], duration: 1, rate: 1)
                    simulation.times = sent.map { requests[$0].time - requests[sent[0]].time }
                    simulation.samples = 1
                    point.serverHitRate = simulation.run(stream: stream).first?.hitRate
                }
                points.append(point)
            }
        }
        return points
    }
}

/// Dense ids for strings.
struct Interner {
    var ids: [String: Int] = [:]
    mutating func id(_ s: String) -> Int {
        if let id = ids[s] { return id }
        let id = ids.count
        ids[s] = id
        return id
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}

/// The browser model's results as a table, JSON, CSV and a chart.
package struct BrowserReport: Sendable {
    package var points: [BrowserPoint]
    package var source: String

    package init(points: [BrowserPoint], source: String) {
        self.points = points
        self.source = source
    }

    package var table: TextTable {
        TextTable(header: ["browser", "max-age s", "kept s", "requests", "need preflight", "preflights", "preflighted %", "preflights/s", "server hit %"],
                  rows: points.map { p in
                      [p.browser.rawValue, String(p.maxAge), formatNumber(p.browser.lifetime(maxAge: p.maxAge)), String(p.requests),
                       String(p.needingPreflight), String(p.preflights), formatNumber(p.preflightShare * 100), formatNumber(p.preflightsPerSecond),
                       p.serverHitRate.map { formatNumber($0 * 100) } ?? "-"]
                  }, rightAligned: Set(1...8))
    }

    package var jsonValue: JSONValue {
        .object([
            ("source", .string(source)),
            ("points", .array(points.map { p in
                .object([("browser", .string(p.browser.rawValue)), ("maxAge", .int(p.maxAge)),
                         ("keptSeconds", .double(p.browser.lifetime(maxAge: p.maxAge), fractionDigits: 0)),
                         ("requests", .int(p.requests)), ("needingPreflight", .int(p.needingPreflight)), ("preflights", .int(p.preflights)),
                         ("preflightShare", .double(p.preflightShare, fractionDigits: 6)),
                         ("preflightsPerSecond", .double(p.preflightsPerSecond, fractionDigits: 3)), ("seconds", .double(p.seconds, fractionDigits: 3)),
                         ("serverHitRate", p.serverHitRate.map { .double($0, fractionDigits: 6) } ?? .null)])
            })),
        ])
    }

    /// browsers.json, browsers.csv and browsers-preflights.svg.
    package func files() -> [(name: String, contents: String)] {
        let series = BrowserEngine.allCases.compactMap { browser -> SVGChart.Series? in
            let own = points.filter { $0.browser == browser && $0.maxAge > 0 }
            return own.isEmpty ? nil : SVGChart.Series(name: browser.rawValue, points: own.map { (Double($0.maxAge), $0.preflightsPerSecond) })
        }
        var files: [(name: String, contents: String)] = [("browsers.json", jsonValue.prettyJSONText + "\n"), ("browsers.csv", table.csv + "\n")]
        if !series.isEmpty {
            files.append(("browsers-preflights.svg", SVGChart(title: "preflights per second reaching the server, by browser", xLabel: "Access-Control-Max-Age (s)",
                                                             yLabel: "preflights/s", series: series, logX: true).svg))
        }
        return files
    }
}
