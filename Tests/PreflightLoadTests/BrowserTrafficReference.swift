import CORSPolicy
import PreflightCache
import PreflightLoad
import PreflightTrace
import PreflightWorkload
import PreflightSimulation

/// The browser model over traffic held in memory, written apart from
/// `BrowserStreamingRun` (its own reading of records, ids and times, the
/// server replay from `Simulation.run`), as the reference the streaming run
/// that `simulate --browsers` uses is held to.
struct BrowserTraffic: Sendable {
    var requests: [BrowserRequest]
    /// From the first request to the last, in seconds.
    var seconds: Double
    /// The preflight a request sends, by its index in the records.
    var preflight: @Sendable (Int) -> PreflightRequest
    var policy: CORSPolicy
    /// Each request's index in the records it came from.
    var sources: [Int]

    /// A trace's traffic: its actual cross-origin requests when it has them
    /// (a browser preflights those with a method other than GET, HEAD, POST;
    /// their headers are not in access logs), else its preflights, each
    /// standing for the request it was sent for. Untimed records come at `rate`.
    static func from(records: [TraceRecord], policy: CORSPolicy, rate: Double) -> BrowserTraffic {
        let actual = records.contains { $0.kind == .actual }
        let evaluator = PreflightEvaluator(policy: policy)
        var ids: [String: Int] = [:]
        func id(_ s: String) -> Int {
            if let id = ids[s] { return id }
            ids[s] = ids.count
            return ids.count - 1
        }
        var requests: [(request: BrowserRequest, source: Int)] = []
        let first = records.compactMap(\.time).min() ?? 0
        for (i, r) in records.enumerated() where (r.kind == .actual) == actual {
            let names = (r.headers ?? "").split(separator: ",").map { String($0.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()).lowercased() }.filter { !$0.isEmpty }
            let simpleMethod = r.method == "GET" || r.method == "HEAD" || r.method == "POST"
            let decision = evaluator.evaluate(PreflightRequest(origin: r.origin, method: r.method, requestHeaders: r.headers))
            let request = BrowserRequest(time: r.time.map { $0 - first } ?? Double(i) / rate, client: id(r.client ?? ""),
                                         key: id(r.origin + " " + (r.url ?? "")), method: id(r.method), headers: names.map { id($0) },
                                         needsPreflight: !actual || !simpleMethod || !names.isEmpty, allowed: decision.isAllowed,
                                         longURL: (r.url?.utf8.count ?? 0) >= 1024)
            requests.append((request, i))
        }
        requests.sort { $0.request.time < $1.request.time }
        return BrowserTraffic(requests: requests.map(\.request), seconds: max(requests.last?.request.time ?? 0, 1e-9), preflight: { i in
            PreflightRequest(origin: records[i].origin, method: records[i].method, requestHeaders: records[i].headers)
        }, policy: policy, sources: requests.map(\.source))
    }

    /// Every engine at every Max-Age; with `server`, the preflights that
    /// reach the server (in time order) also replay through the server's
    /// cache at that capacity and eviction, its entries kept for the same Max-Age.
    func run(browsers: [BrowserEngine], maxAges: [Int], server: (capacity: Int, eviction: EvictionPolicy)? = nil) -> [BrowserPoint] {
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
                    let stream = RequestStream(scenario: scenario, policy: policy, requests: sent.map { preflight(sources[$0]) })
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

