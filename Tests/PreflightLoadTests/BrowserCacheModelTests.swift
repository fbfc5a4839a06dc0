import CORSPolicy
import PreflightLoad
import PreflightTrace
import Testing
import PreflightSimulation

/// Each engine's constants, observable in small hand-computed traces.
@Suite struct BrowserCacheModelTests {
    static func request(_ time: Double, key: Int = 0, method: Int = 1, headers: [Int] = [], client: Int = 0, allowed: Bool = true) -> BrowserRequest {
        BrowserRequest(time: time, client: client, key: key, method: method, headers: headers, needsPreflight: true, allowed: allowed)
    }

    static func preflights(_ browser: BrowserEngine, maxAge: Int?, _ requests: [BrowserRequest]) -> [Int] {
        var sent: [Int] = []
        _ = BrowserCacheModel(browser: browser, maxAge: maxAge).run(requests) { sent.append($0) }
        return sent
    }

    @Test func webKitCapsMaxAgeAt600Seconds() {
        let requests = [Self.request(0), Self.request(599), Self.request(601)]
        #expect(Self.preflights(.webkit, maxAge: 86400, requests) == [0, 2])
        #expect(Self.preflights(.firefox, maxAge: 86400, requests) == [0])
        #expect(Self.preflights(.chromium, maxAge: 86400, requests) == [0])
    }

    @Test func chromiumCapsMaxAgeAt7200Seconds() {
        let requests = [Self.request(0), Self.request(7199), Self.request(7201)]
        #expect(Self.preflights(.chromium, maxAge: 86400, requests) == [0, 2])
        #expect(Self.preflights(.firefox, maxAge: 86400, requests) == [0])
    }

    @Test(arguments: BrowserEngine.allCases)
    func withoutMaxAgeAResultLastsFiveSeconds(browser: BrowserEngine) {
        #expect(Self.preflights(browser, maxAge: nil, [Self.request(0), Self.request(4.9), Self.request(5.1)]) == [0, 2])
        // Max-Age 0: every request preflights.
        #expect(Self.preflights(browser, maxAge: 0, [Self.request(0), Self.request(0.1)]) == [0, 1])
    }

    @Test func firefoxEvictsTheLeastRecentlyUsedOf100() {
        // 101 URLs, one a second: the 101st evicts the first, which then preflights again; the 100th is still cached.
        var requests = (0..<101).map { Self.request(Double($0), key: $0) }
        requests.append(Self.request(101, key: 0))
        requests.append(Self.request(102, key: 100))
        #expect(Self.preflights(.firefox, maxAge: 600, requests) == Array(0...101))
        // Touching the first URL just before keeps it: the second is the least recently used instead.
        var touched = (0..<100).map { Self.request(Double($0), key: $0) }
        touched += [Self.request(100, key: 0), Self.request(101, key: 100), Self.request(102, key: 0), Self.request(103, key: 1)]
        #expect(Self.preflights(.firefox, maxAge: 600, touched) == Array(0..<100) + [101, 103])
        // WebKit keeps all of them.
        #expect(Self.preflights(.webkit, maxAge: 600, requests) == Array(0...100))
    }

    @Test func chromiumPrunesTenAdjacentEntriesWhenFull() {
        // 1,024 URLs fill it past 1,023: ten are pruned; revisiting all preflights those ten again.
        let fill = (0..<1024).map { Self.request(Double($0) * 0.001, key: $0) }
        let revisit = (0..<1024).map { Self.request(10 + Double($0) * 0.001, key: $0) }
        let sent = Self.preflights(.chromium, maxAge: 600, fill + revisit)
        #expect(sent.count == 1024 + 10)
        let again = sent.filter { $0 >= 1024 }.map { $0 - 1024 }
        #expect(again.count == 10 && again.last! - again.first! == 9)  // adjacent keys
    }

    @Test(arguments: BrowserEngine.allCases)
    func aNewHeaderAfterACachedPreflightPreflightsAgain(browser: BrowserEngine) {
        let requests = [Self.request(0, headers: [10]), Self.request(1, headers: [10]), Self.request(2, headers: [10, 11]),
                        Self.request(3, method: 2, headers: [10])]
        // The second is covered; the third names a header the result did not allow; the fourth a method.
        #expect(Self.preflights(browser, maxAge: 600, requests) == [0, 2, 3])
    }

    @Test(arguments: BrowserEngine.allCases)
    func failedPreflightsAreNotCachedAndClientsDoNotShare(browser: BrowserEngine) {
        #expect(Self.preflights(browser, maxAge: 600, [Self.request(0, allowed: false), Self.request(1, allowed: false)]) == [0, 1])
        #expect(Self.preflights(browser, maxAge: 600, [Self.request(0, client: 1), Self.request(1, client: 2), Self.request(2, client: 1)]) == [0, 1])
    }
}

/// The preflights a browser sends feed the server's cache.
@Suite struct BrowserServerCombinationTests {
    @Test func webKitsPreflightsEveryThousandSecondsHitAServerCacheKeepingThem7200() throws {
        let policy = try CORSPolicy(validating: PolicyConfiguration(origins: ["https://a.example"], methods: ["PUT"], maxAge: 7200))
        let records = (0..<10).map { TraceRecord(time: Double($0) * 1000, origin: "https://a.example", method: "PUT", url: "/x", client: "c") }
        let traffic = BrowserTraffic.from(records: records, policy: policy, rate: 1)
        let points = traffic.run(browsers: [.webkit, .chromium], maxAges: [7200], server: (capacity: 100, eviction: .s3fifo))
        // WebKit keeps a result 600 s: all ten preflight; the server keeps its decision 7,200 s: the
        // requests at 1,000 to 7,000 s hit, the one at 8,000 s misses (the entry from 0 s expired at 7,200), 9,000 hits.
        #expect(points[0].preflights == 10)
        #expect(points[0].serverHitRate == 0.8)
        // Chromium keeps it 7,200 s too: it preflights at 0 and 8,000 s only, and the server's entry has expired by then.
        #expect(points[1].preflights == 2 && points[1].serverHitRate == 0)
    }
}

/// The streaming run (`simulate --browsers --trace`) agrees with the in-memory model.
@Suite struct BrowserStreamingTests {
    @Test func streamingMatchesTheInMemoryRun() throws {
        let policy = try CORSPolicy(validating: PolicyConfiguration(origins: ["https://a.example", "https://b.example"], methods: ["PUT", "DELETE"],
                                                                    requestHeaders: ["x-a", "x-b"], maxAge: 600))
        var records: [TraceRecord] = []
        var t = 0.0
        for i in 0..<3000 {
            t += Double((i * 7919) % 13) * 10
            let origin = ["https://a.example", "https://b.example", "https://c.example"][i % 3]
            let headers = [nil, "x-a", "x-a,x-b", "x-c"][(i / 3) % 4]
            records.append(TraceRecord(kind: i % 5 == 0 ? .actual : .preflight, time: t, origin: origin, method: ["PUT", "DELETE", "GET"][(i / 7) % 3],
                                       headers: i % 5 == 0 ? nil : headers, url: "/p\(i % 4)", client: "c\(i % 6)"))
        }
        for subset in [records, records.filter { $0.kind == .preflight }] {
            let reference = BrowserTraffic.from(records: subset, policy: policy, rate: 1)
                .run(browsers: BrowserEngine.allCases, maxAges: [5, 600, 86400], server: (capacity: 50, eviction: .s3fifo))
            let run = BrowserStreamingRun(policy: policy, browsers: BrowserEngine.allCases, maxAges: [5, 600, 86400], server: (capacity: 50, eviction: .s3fifo), rate: 1)
            for r in subset { run.add(r) }
            let streamed = run.finish()
            #expect(streamed.count == reference.count)
            for (a, b) in zip(streamed, reference) {
                #expect(a.browser == b.browser && a.maxAge == b.maxAge && a.requests == b.requests && a.needingPreflight == b.needingPreflight)
                #expect(a.preflights == b.preflights, "\(a.browser) \(a.maxAge)")
                #expect(a.serverHitRate.map { abs($0 - (b.serverHitRate ?? -1)) < 1e-12 } ?? (b.serverHitRate == nil), "\(a.browser) \(a.maxAge)")
            }
        }
    }
}
