package import PreflightCache

/// The `bucketed` cache over key ids in virtual time, for `simulate`: the
/// same buckets (chosen from the key's hash as the cache does), the same
/// replacement word and the same steps (`BucketControl`), where a way holds
/// a key id and an expiry instead of a record.
///
/// Single-threaded.
package struct SimulatedBuckets {
    let ways: Int
    let bucketCount: Int
    /// Per way: its key id, or -1 when free; its expiry.
    var keyOfWay: [Int32]
    var expiryOfWay: [UInt64]
    var controls: [BucketControl]
    let eviction: EvictionPolicy
    let doorkeeper: Bool
    /// Each key's hash (see `SimulatedShard.hashes`).
    let hashes: [UInt64]
    package private(set) var count = 0
    package private(set) var peak = 0
    package private(set) var evicted = 0
    package private(set) var expired = 0
    package private(set) var rejected = 0

    package init(hashes: [UInt64], capacity: Int, eviction: EvictionPolicy, admission: AdmissionPolicy) {
        (ways, bucketCount) = BucketedPreflightCache.layout(capacity: capacity)
        keyOfWay = [Int32](repeating: -1, count: bucketCount * ways)
        expiryOfWay = [UInt64](repeating: 0, count: bucketCount * ways)
        controls = [BucketControl](repeating: .initial, count: bucketCount)
        self.eviction = eviction
        doorkeeper = admission == .doorkeeper
        self.hashes = hashes
    }

    @inline(__always)
    func hash(of k: Int) -> UInt64 { k < hashes.count ? hashes[k] : SimulatedShard.mixedHash(k) }

    /// The cache's choice of bucket.
    @inline(__always)
    func bucket(of hash: UInt64) -> Int { BucketedPreflightCache.bucket(of: hash, count: bucketCount) }

    @inline(__always)
    func way(of k: Int, in b: Int) -> Int? {
        (0..<ways).first { keyOfWay[b * ways + $0] == Int32(k) }
    }

    /// A hit when key `k` is cached and fresh (then touched).
    package mutating func lookup(_ k: Int, now: UInt64) -> Bool {
        let b = bucket(of: hash(of: k))
        guard let w = way(of: k, in: b), now < expiryOfWay[b * ways + w] else { return false }
        if let next = controls[b].touched(w, eviction: eviction) { controls[b] = next }
        return true
    }

    /// Caches key `k` after a miss until `expiry`, as the cache's insert does.
    package mutating func insert(_ k: Int, expiry until: UInt64, now: UInt64) {
        let h = hash(of: k)
        let b = bucket(of: h)
        if let w = way(of: k, in: b) {
            if now >= expiryOfWay[b * ways + w] { expired += 1 }
            expiryOfWay[b * ways + w] = until
            return
        }
        var free: UInt8 = 0, stale: UInt8 = 0
        for w in 0..<ways {
            if keyOfWay[b * ways + w] < 0 { free |= 1 << UInt8(w) } else if now >= expiryOfWay[b * ways + w] { stale |= 1 << UInt8(w) }
        }
        var control = controls[b]
        let admission = control.admit(BucketControl.fingerprint(hashLow32: UInt32(truncatingIfNeeded: h)), eviction: eviction, doorkeeper: doorkeeper)
        guard admission.admitted else {
            controls[b] = control
            rejected += 1
            return
        }
        let chosen = control.chooseWay(ways: ways, free: free, stale: stale, eviction: eviction) { w in
            BucketControl.fingerprint(hashLow32: UInt32(truncatingIfNeeded: hash(of: Int(keyOfWay[b * ways + w]))))
        }
        control.installed(chosen.way, probation: admission.probation)
        controls[b] = control
        switch chosen.vacancy {
        case .free: count += 1
        case .expired: expired += 1
        case .evicted: evicted += 1
        }
        keyOfWay[b * ways + chosen.way] = Int32(k)
        expiryOfWay[b * ways + chosen.way] = until
        peak = max(peak, count)
    }
}
