package import CORSPolicy

/// Dense ids for the preflight cache's keys (origin, method, and the header
/// list's set of names, as `CacheKey` keys them), each key decided by the
/// policy once, on first sight: what a streamed replay keeps per distinct key.
package struct PreflightKeyTable {
    let evaluator: PreflightEvaluator
    var ids: [String: Int] = [:]
    /// Each key's decision, by id.
    package private(set) var allowed: [Bool] = []

    package init(policy: CORSPolicy) { evaluator = PreflightEvaluator(policy: policy) }

    /// Keys seen so far.
    package var count: Int { allowed.count }

    /// The key of a preflight, and whether the policy allows it.
    package mutating func key(origin: String, method: String, headers: String?) -> (id: Int, allowed: Bool) {
        // Lists that name the same headers share a key; a malformed list is a key of its own.
        let text = origin + "\u{0}" + method + "\u{0}" + (headers.map { RequestHeaderList.normalized($0) ?? "\u{1}" + $0 } ?? "\u{2}")
        if let id = ids[text] { return (id, allowed[id]) }
        let id = allowed.count
        ids[text] = id
        allowed.append(evaluator.evaluate(PreflightRequest(origin: origin, method: method, requestHeaders: headers)).isAllowed)
        return (id, allowed[id])
    }
}

/// A trace's clock: seconds since its first timed record, never running
/// backwards (out-of-order lines, from several writers to one log, keep
/// their order), and `index / rate` for records without a time.
package struct TraceClock {
    var first: Double?
    /// The latest time handed out.
    package private(set) var last = 0.0

    package init() {}

    package mutating func seconds(_ time: Double?, index: Int, rate: Double) -> Double {
        if let time {
            let first = self.first ?? time
            self.first = first
            last = max(last, time - first)
        } else {
            last = Double(index) / rate
        }
        return last
    }
}
