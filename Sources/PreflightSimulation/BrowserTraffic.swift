package import CORSPolicy
package import JSONValue
package import PreflightTrace
package import PreflightWorkload
package import PreflightCache
package import PreflightReport

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

/// What the browsers' preflight caches send to the server, per browser and
/// Max-Age: `simulate --browsers`.
package struct BrowserReport: ResultReport {
    package var points: [BrowserPoint]
    package var source: String
    package var command: String

    package init(points: [BrowserPoint], source: String, command: String = "preflight-bench simulate --browsers") {
        self.points = points
        self.source = source
        self.command = command
    }

    package var kind: String { "browsers" }
    package var facts: [(key: String, value: String)] { [("source", source)] }

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
            ("source", .string(source)), ("command", .string(command)),
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

    /// browsers-preflights.svg, when any point has a Max-Age above zero.
    package func charts() -> [(name: String, svg: String)] {
        let series = BrowserEngine.allCases.compactMap { browser -> SVGChart.Series? in
            let own = points.filter { $0.browser == browser && $0.maxAge > 0 }
            return own.isEmpty ? nil : SVGChart.Series(name: browser.rawValue, points: own.map { (Double($0.maxAge), $0.preflightsPerSecond) })
        }
        guard !series.isEmpty else { return [] }
        return [("browsers-preflights.svg", SVGChart(title: "preflights per second reaching the server, by browser", xLabel: "Access-Control-Max-Age (s)",
                                                     yLabel: "preflights/s", series: series, logX: true).svg)]
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

    let rate: Double
    var sets: [[Combination]] = [[], []]  // [actual requests, preflights]
    var counts = [0, 0], needing = [0, 0]
    var ids = Interner()
    var serverKeys: PreflightKeyTable
    var clock = TraceClock()
    var index = 0

    package init(policy: CORSPolicy, browsers: [BrowserEngine], maxAges: [Int], server: (capacity: Int, eviction: EvictionPolicy)?, rate: Double) {
        serverKeys = PreflightKeyTable(policy: policy)
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
        let time = clock.seconds(r.time, index: index, rate: rate)
        index += 1
        let set = r.kind == .actual ? 0 : 1
        let names = BrowserRequest.headerNames(r.headers)
        let simpleMethod = r.method == "GET" || r.method == "HEAD" || r.method == "POST"
        let server = serverKeys.key(origin: r.origin, method: r.method, headers: r.headers)
        let request = BrowserRequest(time: time, client: ids.id(r.client ?? ""), key: ids.id(r.origin + " " + (r.url ?? "")), method: ids.id(r.method),
                                     headers: names.map { ids.id($0) }, needsPreflight: set == 1 || !simpleMethod || !names.isEmpty,
                                     allowed: server.allowed, longURL: (r.url?.utf8.count ?? 0) >= 1024)
        counts[set] += 1
        if request.needsPreflight { needing[set] += 1 }
        for c in sets[set].indices where sets[set][c].session.handle(request) {
            sets[set][c].preflights += 1
            sets[set][c].server?.add(key: server.id, allowed: server.allowed, time: time)
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
                                     preflights: c.preflights, seconds: max(clock.last, 1e-9))
            if let server = c.server, c.preflights > 0 { point.serverHitRate = server.finish().points.first?.hitRate }
            return point
        }
    }
}

extension BrowserReport {
    /// Reads a report written by `jsonValue` (browsers.json, for `report DIR`).
    package init(json: JSONValue) throws(JSONReadError) {
        var reader = JSONObjectReader(json, what: "browsers.json", knownKeys: nil)
        let source = reader.string("source", required: true) ?? ""
        let command = reader.string("command") ?? "preflight-bench simulate --browsers"
        var points: [BrowserPoint] = []
        for (i, value) in (reader.array("points", required: true) ?? []).enumerated() {
            var p = JSONObjectReader(value, path: "points[\(i)]", what: "a point", knownKeys: nil)
            if let browser = p.choice("browser", of: BrowserEngine.self, required: true), let maxAge = p.int("maxAge", required: true),
               let requests = p.int("requests", required: true), let needing = p.int("needingPreflight", required: true),
               let preflights = p.int("preflights", required: true), let seconds = p.double("seconds", required: true) {
                points.append(BrowserPoint(browser: browser, maxAge: maxAge, requests: requests, needingPreflight: needing, preflights: preflights,
                                           seconds: seconds, serverHitRate: p.double("serverHitRate")))
            }
            reader.append(contentsOf: p.problems)
        }
        if !reader.problems.isEmpty { throw JSONReadError(reader.problems.map(\.description).joined(separator: "\n")) }
        self.init(points: points, source: source, command: command)
    }
}
