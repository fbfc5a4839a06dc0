import CORSPolicy
import Dispatch
import InternalByteUtilities
import PreflightTestSupport
import Synchronization
@testable import PreflightCache
import Testing

@Suite struct CacheKeyTests {
    /// The longest key fits in an entry record after its header words.
    @Test func theLongestKeyFitsItsRecord() {
        #expect(EntryRecord.key + CacheKey.maximumWords <= EntryRecord.words)
        #expect(EntryRecord.words * 8 == 128, "two cache lines")
        let meta = EntryRecord.meta(generation: 0xDEAD_BEEF, reason: 0xAB)
        #expect(EntryRecord.generation(meta) == 0xDEAD_BEEF && EntryRecord.reason(meta) == 0xAB)
    }

    /// Part copies are exactly the bytes, zero-padded, for every length and
    /// every offset, and write nothing past their last word.
    @Test func partCopiesAreExactAndZeroPadded() {
        var rng = SplitMix64(seed: 11)
        let source = (0..<80).map { _ in UInt8(truncatingIfNeeded: rng.next() | 1) }
        source.withUnsafeBytes { all in
            for offset in 0..<8 {
                for length in 0...70 {
                    let part = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + length)])
                    let sentinel: UInt64 = 0xA5A5_A5A5_A5A5_A5A5
                    var words = [UInt64](repeating: sentinel, count: 12)
                    let written = words.withUnsafeMutableBufferPointer { buffer in CacheKey.copyWords(part, to: buffer.baseAddress!) }
                    let used = (length + 7) / 8
                    #expect(written == used)
                    let bytes = words.prefix(used).flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> UInt64($0 * 8)) } }
                    #expect(Array(bytes.prefix(length)) == Array(part), "offset \(offset) length \(length)")
                    #expect(bytes.dropFirst(length).allSatisfy { $0 == 0 }, "offset \(offset) length \(length)")
                    #expect(words[used...].allSatisfy { $0 == sentinel }, "written past the part at length \(length)")
                }
            }
        }
    }

    /// The screen that skips the raw lookup never turns away a browser-form
    /// list (but for `^` and `_`, which it may, at no cost to correctness).
    @Test func theScreenPassesBrowserFormLists() {
        var rng = SplitMix64(seed: 5)
        let names = ["accept", "authorization", "content-type", "x-request-id", "x-trace-id", "a", "b", "ab", "abc", "content", "content-typf"]
        var screened = 0
        for _ in 0..<20_000 {
            let count = Int(rng.next() % 4) + 1
            let text = (0..<count).map { _ in names[Int(rng.next() % UInt64(names.count))] }.sorted().joined(separator: ",")
            Array(text.utf8).withUnsafeBytes { raw in
                guard RequestHeaderList.isBrowserForm(raw) else { return }
                screened += 1
                #expect(!CacheKey.isPlainlyNotBrowserForm(raw), "\(text)")
            }
        }
        #expect(screened > 1000)
    }

    /// Lists as non-browser clients send them are screened out of the raw
    /// lookup when their first or last eight bytes show case or spaces.
    @Test func plainlyNonBrowserListsAreScreened() {
        for list in ["Content-Type, X-Request-ID", "content-type,X-Request-Id", "x-request-id, Content-Type",
                     "content-type,x-request-id  ", "CONTENT-TYPE", " x-trace-id,content-type", "\tx-trace-id"] {
            var text = list
            text.withUTF8 { #expect(CacheKey.isPlainlyNotBrowserForm(UnsafeRawBufferPointer($0)), "\(list)") }
        }
        // Only the ends are screened: case or spaces in the middle pass it (and the raw lookup then misses).
        for list in ["content-type,x-request-id", "accept-version,content-type", "x-csrf-token", "short", "x-request-id , content-type"] {
            var text = list
            text.withUTF8 { #expect(!CacheKey.isPlainlyNotBrowserForm(UnsafeRawBufferPointer($0)), "\(list)") }
        }
    }

    /// Keys of the `hot` shape spread evenly over shards and index slots, so
    /// probes stay short (a badly mixed home once put every key of a shard
    /// in one run, and only the timings showed it).
    @Test func keysSpreadOverShardsAndSlots() {
        let cache = ShardedPreflightCache(evaluator: PreflightEvaluator(policy: basePolicy),
                                          configuration: CacheConfiguration(capacity: 100_000, shards: 64, admission: .always), clock: ManualPreflightClock())
        let headers = ["content-type", "content-type,x-request-id", "x-request-id"]
        for i in 0..<24_000 {
            _ = cache.decide(PreflightRequest(origin: "https://app\(i / 24).tenant\(i % 37).example.com",
                                              method: ["PUT", "DELETE"][i % 2], requestHeaders: headers[(i / 2) % 3]))
        }
        let perShard = cache.entriesPerShard()
        let mean = Double(perShard.reduce(0, +)) / Double(perShard.count)
        #expect(Double(perShard.max()!) < mean * 1.4 && Double(perShard.min()!) > mean * 0.6, "\(perShard)")
        var occupied = 0, runTotal = 0
        for s in 0..<cache.shardCount {
            let shard = cache.shards[s]
            var run = 0
            for i in 0..<shard.indexSize {
                let entry = shard.index[i].load(ordering: .relaxed)
                if entry == 0 { run = 0; continue }
                run += 1
                occupied += 1
                runTotal += run
            }
        }
        #expect(occupied == perShard.reduce(0, +))
        // Linear probing at this load (about 0.18) averages close to one slot per run position.
        #expect(Double(runTotal) / Double(occupied) < 1.5, "average run position \(Double(runTotal) / Double(occupied))")
    }

    /// Most keys get their preferred record when the cache has room, so most
    /// hits never read the index.
    @Test func mostKeysLiveInTheirPreferredRecord() {
        let cache = ShardedPreflightCache(evaluator: PreflightEvaluator(policy: basePolicy),
                                          configuration: CacheConfiguration(capacity: 10_000, shards: 8, admission: .always), clock: ManualPreflightClock())
        let requests = (0..<2_000).map { PreflightRequest(origin: "https://t\($0).example.com", method: "PUT", requestHeaders: "content-type") }
        for request in requests { _ = cache.decide(request) }
        var preferred = 0
        for request in requests {
            var origin = request.origin, method = request.method, headers = request.requestHeaders!
            origin.withUTF8 { o in method.withUTF8 { m in headers.withUTF8 { h in
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: CacheKey.bufferWords) { buffer in
                    let key = buffer.baseAddress!
                    let shape = CacheKey.build(origin: UnsafeRawBufferPointer(o), method: UnsafeRawBufferPointer(m),
                                               requestHeaders: UnsafeRawBufferPointer(h), into: key)!
                    let hash = cache.hash(key, shape)
                    let shard = cache.shard(for: hash).pointee
                    let id = shard.find(hash: hash, key: key, shape: shape)
                    #expect(id != Shard.none)
                    if id == shard.preferred(hash) { preferred += 1 }
                }
            } } }
        }
        // 2,000 keys in 10,000 records: about 90 % find their preferred record free.
        #expect(preferred > requests.count * 8 / 10, "\(preferred) of \(requests.count)")
    }
}

@Suite struct ThreadCountersTests {
    /// Plain load-and-store bumps lose nothing: each row has one live owner.
    @Test func countsFromManyThreadsAddUpExactly() {
        let counters = ThreadCounters()
        defer { counters.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 16) { worker in
            for i in 0..<20_000 { counters.increment(i % 3 == 0 ? 1 : 0) }
            _ = worker
        }
        let ones = (0..<20_000).filter { $0 % 3 == 0 }.count
        #expect(counters.sum(1) == 16 * ones)
        #expect(counters.sum(0) == 16 * (20_000 - ones))
    }
}
