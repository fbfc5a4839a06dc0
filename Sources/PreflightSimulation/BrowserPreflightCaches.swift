import CORSPolicy
import InternalByteUtilities

/// The preflight caches of the three browser engines, as their sources
/// describe them (cors-facts.md section 2): how many preflights a client's
/// browser sends for its cross-origin requests, at a given Max-Age.
///
/// - Chromium (`services/network/cors/preflight_cache.cc`): 1,024 entries
///   (`kMaxCacheEntries`) keyed by origin and URL (URLs of 1,024 characters
///   or more are not cached); one result per entry; once it holds more than
///   1,023 it removes 10 adjacent entries at a random position; Max-Age
///   capped at 7,200 s (`kMaxTimeout`); a negative Max-Age is not cached.
/// - Firefox (`netwerk/protocol/http/nsCORSListenerProxy.cpp`): 100 entries
///   keyed by origin, URL and credentials; an expiry per allowed method and
///   per allowed header; when full, expired entries go first, then the least
///   recently used; Max-Age capped at 86,400 s.
/// - WebKit (`Source/WebCore/loader/CrossOriginPreflightResultCache.cpp`):
///   unbounded, keyed by origin and URL, one result per entry, Max-Age capped
///   at 600 s.
///
/// All: 5 s without Max-Age (Fetch); a failed preflight is not cached; a
/// request whose method or headers the cached entry does not cover sends a
/// new preflight, whose result replaces (Chromium, WebKit) or adds to
/// (Firefox) the entry.
package enum BrowserEngine: String, Sendable, CaseIterable {
    case chromium, firefox, webkit

    /// Entries per browser (per client); nil for unbounded.
    package var capacity: Int? {
        switch self {
        case .chromium: return 1024
        case .firefox: return 100
        case .webkit: return nil
        }
    }

    /// The longest a result is kept, in seconds.
    package var maxAgeCap: Int {
        switch self {
        case .chromium: return 7200
        case .firefox: return 86400
        case .webkit: return 600
        }
    }

    /// Seconds a result of `maxAge` is kept (nil: no Max-Age header); 0 or less: not cached.
    package func lifetime(maxAge: Int?) -> Double {
        guard let maxAge else { return 5 }
        return Double(min(maxAge, maxAgeCap))
    }
}

/// One actual cross-origin request as the model needs it: ids instead of strings.
package struct BrowserRequest: Sendable {
    package var time: Double
    package var client: Int
    /// The cache key: origin and URL, as an id.
    package var key: Int
    package var method: Int
    /// The request's header names that are not safelisted, as ids.
    package var headers: [Int]
    /// Whether a browser must preflight it (a method other than GET, HEAD,
    /// POST, or a header that is not safelisted).
    package var needsPreflight: Bool
    /// Whether the server's policy allows it (so its preflight succeeds and is cached).
    package var allowed: Bool
    /// Chromium does not cache URLs of 1,024 characters or more.
    package var longURL = false

    package init(time: Double, client: Int, key: Int, method: Int, headers: [Int], needsPreflight: Bool, allowed: Bool, longURL: Bool = false) {
        self.time = time
        self.client = client
        self.key = key
        self.method = method
        self.headers = headers
        self.needsPreflight = needsPreflight
        self.allowed = allowed
        self.longURL = longURL
    }
}

/// What one browser engine's caches did with a traffic at one Max-Age.
package struct BrowserPoint: Sendable, Equatable {
    package var browser: BrowserEngine
    package var maxAge: Int
    package var requests: Int
    package var needingPreflight: Int
    package var preflights: Int
    /// The server cache's hit rate on the preflights that reached it, when simulated.
    package var serverHitRate: Double?
    /// The traffic's span in seconds (for the rate).
    package var seconds: Double

    package init(browser: BrowserEngine, maxAge: Int, requests: Int, needingPreflight: Int, preflights: Int, seconds: Double,
                 serverHitRate: Double? = nil) {
        self.browser = browser
        self.maxAge = maxAge
        self.requests = requests
        self.needingPreflight = needingPreflight
        self.preflights = preflights
        self.seconds = seconds
        self.serverHitRate = serverHitRate
    }

    /// Share of the requests that needed a preflight and sent one.
    package var preflightShare: Double { requests == 0 ? 0 : Double(preflights) / Double(requests) }
    package var preflightsPerSecond: Double { seconds > 0 ? Double(preflights) / seconds : 0 }
}

/// Replays requests through one cache per client for one engine and Max-Age.
package struct BrowserCacheModel {
    package let browser: BrowserEngine
    package let lifetime: Double
    /// Seeds Chromium's random eviction position, so runs repeat.
    package var seed: UInt64 = 42

    package init(browser: BrowserEngine, maxAge: Int?) {
        self.browser = browser
        lifetime = browser.lifetime(maxAge: maxAge)
    }

    /// A cached preflight result.
    struct Entry {
        /// Chromium, WebKit: one expiry for the whole result.
        var expiry: Double
        var methods: [Int: Double]
        var headers: [Int: Double]
        var lastUse: Double
    }

    /// One client's cache.
    struct ClientCache {
        var entries: [Int: Entry] = [:]
        /// Chromium: keys in key order, for its run-of-10 eviction.
        var ordered: [Int] = []
    }

    /// Runs `requests` (in time order) and returns how many preflights were sent;
    /// `sent(i)` sees each request that sent one.
    package func run(_ requests: [BrowserRequest], sent: (Int) -> Void = { _ in }) -> Int {
        var session = Session(model: self)
        var preflights = 0
        for (i, r) in requests.enumerated() where session.handle(r) {
            preflights += 1
            sent(i)
        }
        return preflights
    }

    /// The caches of every client as requests arrive one by one (a trace
    /// streaming in): memory holds the clients' caches, not the requests.
    package struct Session {
        let model: BrowserCacheModel
        var caches: [Int: ClientCache] = [:]
        var rng: SplitMix64

        package init(model: BrowserCacheModel) {
            self.model = model
            rng = SplitMix64(seed: model.seed)
        }

        /// Whether request `r` sends a preflight (its result is then cached when allowed).
        package mutating func handle(_ r: BrowserRequest) -> Bool {
            guard r.needsPreflight else { return false }
            var cache = caches[r.client] ?? ClientCache()
            defer { caches[r.client] = cache }
            if var entry = cache.entries[r.key] {
                if model.covers(entry, r) {
                    entry.lastUse = r.time
                    cache.entries[r.key] = entry
                    return false
                }
                // Chromium and WebKit drop a stale or insufficient entry; Firefox keeps its other tokens.
                if model.browser != .firefox { model.remove(r.key, from: &cache) }
            }
            guard r.allowed, model.lifetime > 0, !(model.browser == .chromium && r.longURL) else { return true }
            let expiry = r.time + model.lifetime
            if model.browser == .firefox, var entry = cache.entries[r.key] {
                entry.methods[r.method] = expiry
                for h in r.headers { entry.headers[h] = expiry }
                entry.lastUse = r.time
                cache.entries[r.key] = entry
                return true
            }
            model.insert(r.key, Entry(expiry: expiry, methods: [r.method: expiry], headers: Dictionary(uniqueKeysWithValues: r.headers.map { ($0, expiry) }),
                                      lastUse: r.time), into: &cache, now: r.time, rng: &rng)
            return true
        }
    }

    func covers(_ entry: Entry, _ r: BrowserRequest) -> Bool {
        let now = r.time
        if browser != .firefox && entry.expiry <= now { return false }
        guard let methodExpiry = entry.methods[r.method], methodExpiry > now else { return false }
        return r.headers.allSatisfy { (entry.headers[$0] ?? 0) > now }
    }

    func remove(_ key: Int, from cache: inout ClientCache) {
        cache.entries[key] = nil
        guard browser == .chromium else { return }
        let i = position(of: key, in: cache.ordered)
        if i < cache.ordered.count && cache.ordered[i] == key { cache.ordered.remove(at: i) }
    }

    func insert(_ key: Int, _ entry: Entry, into cache: inout ClientCache, now: Double, rng: inout SplitMix64) {
        switch browser {
        case .webkit:
            cache.entries[key] = entry
        case .firefox:
            if cache.entries[key] == nil, cache.entries.count >= browser.capacity! {
                // Expired entries first, then the least recently used.
                let expired = cache.entries.filter { $0.value.methods.values.allSatisfy { $0 <= now } && $0.value.headers.values.allSatisfy { $0 <= now } }
                if let first = expired.first {
                    cache.entries[first.key] = nil
                } else if let oldest = cache.entries.min(by: { ($0.value.lastUse, $0.key) < ($1.value.lastUse, $1.key) }) {
                    cache.entries[oldest.key] = nil
                }
            }
            cache.entries[key] = entry
        case .chromium:
            if cache.entries[key] == nil {
                let i = position(of: key, in: cache.ordered)
                cache.ordered.insert(key, at: i)
            }
            cache.entries[key] = entry
            if cache.entries.count > browser.capacity! - 1 {
                // Ten adjacent entries from a random position.
                let start = Int(rng.next() % UInt64(cache.ordered.count))
                let end = min(cache.ordered.count, start + 10)
                for k in cache.ordered[start..<end] { cache.entries[k] = nil }
                cache.ordered.removeSubrange(start..<end)
            }
        }
    }

    /// Where `key` is or would go in the sorted keys.
    func position(of key: Int, in ordered: [Int]) -> Int {
        var low = 0, high = ordered.count
        while low < high {
            let mid = (low + high) / 2
            if ordered[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

extension BrowserRequest {
    /// The lowercase names of a header list, read with the list's grammar
    /// (`RequestHeaderList.forEachName`; a malformed list yields the names before its mistake).
    package static func headerNames(_ list: String?) -> [String] {
        guard var list else { return [] }
        var names: [String] = []
        list.withUTF8 { utf8 in
            let raw = UnsafeRawBufferPointer(utf8)
            _ = RequestHeaderList.forEachName(in: raw) { range in
                names.append(String(decoding: raw[range].map { RequestHeaderList.lowercasedTokenByte($0) }, as: UTF8.self))
                return true
            }
        }
        return names
    }
}
