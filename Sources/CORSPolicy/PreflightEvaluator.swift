public import OriginMatching

/// Decides preflights for one policy, as the Fetch standard's CORS-preflight
/// fetch expects, on UTF-8 bytes and without allocating.
///
/// Order of checks: origin, then `Access-Control-Request-Method`, then
/// `Access-Control-Request-Headers`; the first failure is the reason.
/// Immutable after `init`, so one evaluator serves any number of threads.
public struct PreflightEvaluator: Sendable {
    public let policy: CORSPolicy
    public let matcherKind: OriginMatcherKind
    /// nil when the policy allows any origin.
    let matcher: (any OriginMatcher)?
    let methods: MethodTable
    let headerNames: HeaderNameTable

    public init(policy: CORSPolicy, matcher kind: OriginMatcherKind = .default) {
        self.policy = policy
        self.matcherKind = kind
        switch policy.origins {
        case .any: matcher = nil
        case let .patterns(patterns): matcher = kind.makeMatcher(patterns: patterns)
        }
        methods = MethodTable(policy.methods)
        headerNames = HeaderNameTable(policy.requestHeaders)
    }

    /// The longest method accepted; longer values are `malformed-method`.
    public static let maximumMethodLength = 64

    /// Evaluates one preflight.
    ///
    /// - Parameters:
    ///   - origin: the `Origin` value.
    ///   - method: the `Access-Control-Request-Method` value.
    ///   - requestHeaders: the `Access-Control-Request-Headers` value (several
    ///     header lines joined by commas), or nil when absent.
    /// - Complexity: O(length of the inputs), bounded (see `RequestHeaderList`);
    ///   allocates nothing.
    public func evaluate(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?) -> PreflightDecision {
        switch RequestOrigin.parse(origin) {
        case .malformed:
            return PreflightDecision(reason: .malformedOrigin)
        case .opaque:
            // `*` covers the opaque origin; no pattern list ever does.
            if matcher != nil { return PreflightDecision(reason: .originNotAllowed) }
        case let .origin(parsed):
            if let matcher, !matcher.matches(parsed) { return PreflightDecision(reason: .originNotAllowed) }
        }
        if let reason = checkMethod(method) { return PreflightDecision(reason: reason) }
        var requested = RequestHeaderSet()
        if let requestHeaders {
            var denied = false
            let wellFormed = RequestHeaderList.forEachName(in: requestHeaders) { range in
                let index = headerNames.index(of: requestHeaders, range)
                if let index {
                    requested.insert(index)
                    return true
                }
                // `*` never covers authorization (Fetch, CORS-preflight fetch step 7).
                if policy.allowsAnyRequestHeader && !HeaderNameTable.isAuthorization(requestHeaders, range) { return true }
                denied = true
                return false
            }
            if !wellFormed { return PreflightDecision(reason: .malformedRequestHeaders) }
            if denied { return PreflightDecision(reason: .headerNotAllowed) }
        }
        return PreflightDecision(reason: .allowed, requestedHeaders: requested)
    }

    @inline(__always)
    func checkMethod(_ method: UnsafeRawBufferPointer) -> PreflightReason? {
        let n = method.count
        guard n > 0, n <= Self.maximumMethodLength else { return .malformedMethod }
        for b in method where RequestHeaderList.lowercasedTokenByte(b) == 0 { return .malformedMethod }
        // Safelisted methods are always allowed (matched case-sensitively, as browsers do).
        if n == 3 && (method.elementsEqual("GET".utf8)) { return nil }
        if n == 4 && (method.elementsEqual("HEAD".utf8) || method.elementsEqual("POST".utf8)) { return nil }
        if n == 7 || n == 5 {
            // Forbidden methods (Fetch), case-insensitively: never allowed, even by `*`.
            var upper: UInt64 = 0
            for (i, b) in method.enumerated() { upper |= UInt64(b & ~0x20) << (8 * UInt64(i)) }
            if upper == Self.connectWord || upper == Self.traceWord || upper == Self.trackWord { return .methodNotAllowed }
        }
        if policy.allowsAnyMethod || methods.contains(method) { return nil }
        return .methodNotAllowed
    }

    static let connectWord = word("CONNECT"), traceWord = word("TRACE"), trackWord = word("TRACK")
    static func word(_ s: String) -> UInt64 {
        s.utf8.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    /// Evaluates a request given as strings (no allocation for native strings).
    public func evaluate(_ request: PreflightRequest) -> PreflightDecision {
        var origin = request.origin
        var method = request.method
        return origin.withUTF8 { o in
            method.withUTF8 { m in
                guard var headers = request.requestHeaders else {
                    return evaluate(origin: UnsafeRawBufferPointer(o), method: UnsafeRawBufferPointer(m), requestHeaders: nil)
                }
                return headers.withUTF8 { h in
                    evaluate(origin: UnsafeRawBufferPointer(o), method: UnsafeRawBufferPointer(m), requestHeaders: UnsafeRawBufferPointer(h))
                }
            }
        }
    }

    /// The `Vary` value: the response depends on the request's origin (unless `*`
    /// answers every origin), method and header list, all of which it echoes.
    static let varyAll = "origin, access-control-request-method, access-control-request-headers"
    static let varyWithoutOrigin = "access-control-request-method, access-control-request-headers"

    /// The response for `request` given its decision: what a browser needs to
    /// accept exactly what the policy allows, with and without credentials.
    ///
    /// The method and header names are echoed (the request's names normalized
    /// to the browser form) rather than answered with `*`, because with
    /// credentials browsers read `*` as a literal name, and `*` never covers
    /// `authorization`. Allocates: for presentation and cache fills.
    public func response(to request: PreflightRequest, decision: PreflightDecision) -> PreflightResponse {
        let anyOrigin = matcher == nil
        guard decision.isAllowed else {
            return PreflightResponse(status: 403, headers: [("vary", Self.varyAll)])
        }
        var headers: [(name: String, value: String)] = []
        headers.append(("access-control-allow-origin", anyOrigin && !policy.credentials ? "*" : request.origin))
        if policy.credentials { headers.append(("access-control-allow-credentials", "true")) }
        headers.append(("access-control-allow-methods", request.method))
        if let value = request.requestHeaders, let normalized = RequestHeaderList.normalized(value), !normalized.isEmpty {
            headers.append(("access-control-allow-headers", normalized))
        }
        if let maxAge = policy.maxAge { headers.append(("access-control-max-age", String(maxAge))) }
        headers.append(("vary", anyOrigin && !policy.credentials ? Self.varyWithoutOrigin : Self.varyAll))
        return PreflightResponse(status: policy.preflightStatus, headers: headers)
    }
}

/// Allowed methods packed in raw memory: a method is a handful of bytes and a
/// policy lists a handful of methods, so a scan beats hashing, and raw storage
/// keeps reference counting (a contended atomic across workers) off the path.
final class MethodTable: @unchecked Sendable {
    // Safe to share: written once in `init`, only read afterwards.
    let bytes: UnsafeMutableRawBufferPointer
    /// (offset, length) of each method in `bytes`.
    let spans: UnsafeMutableBufferPointer<(Int, Int)>

    init(_ methods: [String]) {
        let all = methods.flatMap { Array($0.utf8) }
        bytes = .allocate(byteCount: max(all.count, 1), alignment: 8)
        bytes.copyBytes(from: all)
        spans = .allocate(capacity: max(methods.count, 1))
        var offset = 0
        for (i, method) in methods.enumerated() {
            spans[i] = (offset, method.utf8.count)
            offset += method.utf8.count
        }
        count = methods.count
    }

    let count: Int

    deinit {
        bytes.deallocate()
        spans.deallocate()
    }

    @inline(__always)
    func contains(_ method: UnsafeRawBufferPointer) -> Bool {
        for i in 0..<count where spans[i].1 == method.count {
            if method.bytesEqual(from: 0, count: method.count, to: UnsafeRawPointer(bytes.baseAddress!) + spans[i].0) { return true }
        }
        return false
    }
}

/// Allowed request header names in an open-addressing table, looked up by a
/// case-insensitive hash computed in the same pass that lowercases the bytes.
/// Raw storage, written once: no reference counting on the lookup path.
final class HeaderNameTable: @unchecked Sendable {
    // Safe to share: written once in `init`, only read afterwards.
    struct Slot {
        var hash: UInt64 = 0
        var offset: UInt32 = 0
        var length: UInt16 = 0
        /// Index in the sorted name list + 1; 0 marks an empty slot.
        var indexPlusOne: UInt16 = 0
    }

    let slots: UnsafeMutableBufferPointer<Slot>
    let pool: UnsafeMutableRawBufferPointer
    let mask: Int
    let longest: Int

    init(_ names: [String]) {
        var capacity = 8
        while capacity < names.count * 2 { capacity <<= 1 }
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot())
        var pool: [UInt8] = []
        for (index, name) in names.enumerated() {
            let bytes = Array(name.utf8)
            let h = bytes.withUnsafeBytes { Self.hash($0, 0..<$0.count) }
            var i = Int(truncatingIfNeeded: h) & (capacity - 1)
            while slots[i].indexPlusOne != 0 { i = (i + 1) & (capacity - 1) }
            slots[i] = Slot(hash: h, offset: UInt32(pool.count), length: UInt16(bytes.count), indexPlusOne: UInt16(index + 1))
            pool += bytes
        }
        self.pool = .allocate(byteCount: max(pool.count, 1), alignment: 8)
        self.pool.copyBytes(from: pool)
        self.mask = capacity - 1
        self.longest = names.map(\.utf8.count).max() ?? 0
    }

    deinit {
        slots.deallocate()
        pool.deallocate()
    }

    /// A hash of the lowercased bytes, eight at a time.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(range.count)
        var word: UInt64 = 0
        var shift: UInt64 = 0
        for i in range {
            word |= UInt64(RequestHeaderList.lowercasedTokenByte(bytes[i])) << shift
            shift += 8
            if shift == 64 {
                let p = (h ^ word).multipliedFullWidth(by: 0xA076_1D64_78BD_642F)
                h = p.high ^ p.low
                word = 0
                shift = 0
            }
        }
        let p = (h ^ word).multipliedFullWidth(by: 0xE703_7ED1_A0B4_28DB)
        return p.high ^ p.low
    }

    /// The index of the name at `range` of `bytes`, compared case-insensitively.
    @inline(__always)
    func index(of bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        // A name longer than every allowed name is never scanned further.
        guard range.count <= longest else { return nil }
        let h = Self.hash(bytes, range)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = slots[i]
            if slot.indexPlusOne == 0 { return nil }
            if slot.hash == h && Int(slot.length) == range.count {
                var equal = true
                var k = Int(slot.offset)
                for j in range {
                    if RequestHeaderList.lowercasedTokenByte(bytes[j]) != pool[k] { equal = false; break }
                    k += 1
                }
                if equal { return Int(slot.indexPlusOne) - 1 }
            }
            i = (i + 1) & mask
        }
    }

    static func isAuthorization(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        guard range.count == 13 else { return false }
        return zip(range, "authorization".utf8).allSatisfy { RequestHeaderList.lowercasedTokenByte(bytes[$0]) == $1 }
    }
}
