package import CORSPolicy
package import JSONValue
package import PreflightTrace
package import PreflightWorkload
package import PreflightCache

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

/// A trace's traffic through every browser and Max-Age as the trace streams
/// in, in memory bounded by its clients' caches and its distinct keys (not
/// its length): each record is handed to every (browser, Max-Age) session,
/// and the preflights they send to that combination's server-cache replay.
///
/// Which records are the traffic is known only at the end (actual requests
/// when the trace has any, else its preflights), so both sets run.
package final class BrowserStreamingRun {
    struct Combination {
        var browser: BrowserEngine
        var maxAge: Int
        var session: BrowserCacheModel.Session
        var preflights = 0
        var server: Simulation.StreamingReplay?
    }

    let evaluator: PreflightEvaluator
    let rate: Double
    var sets: [[Combination]] = [[], []]  // [actual requests, preflights]
    var counts = [0, 0], needing = [0, 0]
    var ids = Interner()
    var serverKeys: [String: Int] = [:]
    var allowedOfServerKey: [Bool] = []
    var firstTime: Double?
    var lastTime = 0.0
    var index = 0

    package init(policy: CORSPolicy, browsers: [BrowserEngine], maxAges: [Int], server: (capacity: Int, eviction: EvictionPolicy)?, rate: Double) {
        evaluator = PreflightEvaluator(policy: policy)
        self.rate = rate
        for s in 0..<2 {
            for browser in browsers {
                for maxAge in maxAges {
                    let replay = server.map {
                        Simulation.StreamingReplay(Simulation(capacities: [$0.capacity], evictions: [$0.eviction], maxAges: [maxAge], duration: 1, rate: rate),
                                                   optimumLimit: 0)
                    }
                    sets[s].append(Combination(browser: browser, maxAge: maxAge, session: .init(model: BrowserCacheModel(browser: browser, maxAge: maxAge)),
                                               server: replay))
                }
            }
        }
    }

    package func add(_ r: TraceRecord) {
        let time: Double
        if let t = r.time {
            let first = firstTime ?? t
            firstTime = first
            time = max(lastTime, t - first)
        } else {
            time = Double(index) / rate
        }
        lastTime = time
        index += 1
        let set = r.kind == .actual ? 0 : 1
        let names = (r.headers ?? "").split(separator: ",").map { $0.trimmingCharacters(in: " \t").lowercased() }.filter { !$0.isEmpty }
        let simpleMethod = r.method == "GET" || r.method == "HEAD" || r.method == "POST"
        let serverText = r.origin + "\u{0}" + r.method + "\u{0}" + (r.headers.map { RequestHeaderList.normalized($0) ?? "\u{1}" + $0 } ?? "\u{2}")
        let serverKey: Int
        if let id = serverKeys[serverText] { serverKey = id } else {
            serverKey = serverKeys.count
            serverKeys[serverText] = serverKey
            allowedOfServerKey.append(evaluator.evaluate(PreflightRequest(origin: r.origin, method: r.method, requestHeaders: r.headers)).isAllowed)
        }
        let request = BrowserRequest(time: time, client: ids.id(r.client ?? ""), key: ids.id(r.origin + " " + (r.url ?? "")), method: ids.id(r.method),
                                     headers: names.map { ids.id($0) }, needsPreflight: set == 1 || !simpleMethod || !names.isEmpty,
                                     allowed: allowedOfServerKey[serverKey], longURL: (r.url?.utf8.count ?? 0) >= 1024)
        counts[set] += 1
        if request.needsPreflight { needing[set] += 1 }
        for c in sets[set].indices where sets[set][c].session.handle(request) {
            sets[set][c].preflights += 1
            sets[set][c].server?.add(key: serverKey, allowed: allowedOfServerKey[serverKey], time: time)
        }
    }

    /// A scenario's stream as traffic: request `i` at `i / rate`, from the
    /// client and to the path its scenario draws (`clients`, `paths`),
    /// preflighted when its method or headers need it.
    package func add(stream: RequestStream, count: Int, rate: Double) {
        for i in 0..<count {
            let r = stream.request(i & stream.mask)
            let (client, path) = stream.scenario.clientAndPath(i)
            add(TraceRecord(kind: .actual, time: Double(i) / rate, origin: r.origin, method: r.method, headers: r.requestHeaders,
                            url: "/api/p\(path)", client: "client-\(client)"))
        }
    }

    /// Per browser and Max-Age: the actual requests' figures when the trace had any, else its preflights'.
    package func finish() -> [BrowserPoint] {
        let set = counts[0] > 0 ? 0 : 1
        return sets[set].map { c in
            var point = BrowserPoint(browser: c.browser, maxAge: c.maxAge, requests: counts[set], needingPreflight: needing[set],
                                     preflights: c.preflights, seconds: max(lastTime, 1e-9))
            if let server = c.server, c.preflights > 0 { point.serverHitRate = server.finish().points.first?.hitRate }
            return point
        }
    }
}
