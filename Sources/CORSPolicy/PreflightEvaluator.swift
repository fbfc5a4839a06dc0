import InternalByteUtilities
public import OriginMatching

/// Decides preflights for one policy, as the Fetch standard's CORS-preflight
/// fetch expects, on UTF-8 bytes and without allocating.
///
/// Order of checks: origin, then `Access-Control-Request-Method`, then
/// `Access-Control-Request-Headers`; the first failure is the reason.
/// Immutable after `init`, so one evaluator serves any number of threads.
///
/// The common forms are read a word at a time (SWAR): an origin that is one
/// of the policy's exact patterns is found by one hash and probe without being
/// parsed; other origins in `http(s)://domain[:port]` form are validated eight
/// bytes per step; methods are compared as words; a header list in browser
/// form (lowercase names split by single commas) costs one two-word probe per
/// name. Anything else takes a byte-wise path with every rule, so both paths
/// decide every input alike (the differential tests hold them to it).
public struct PreflightEvaluator: Sendable {
    public let policy: CORSPolicy
    let originRule: OriginRule
    /// The default matcher, held as its concrete type and as a plain stored
    /// property: its calls are direct, its exact-pattern probe runs before
    /// any parsing, and reading it copies nothing (binding an enum payload
    /// did, with a retain and a release per class it holds).
    let trie: TrieOriginMatcher
    /// Any other matcher kind, called through the protocol.
    let otherMatcher: (any OriginMatcher)?
    let methods: MethodTable
    let headerNames: HeaderNameTable
    let allowsAnyMethod: Bool
    let allowsAnyRequestHeader: Bool

    enum OriginRule: UInt8, Sendable {
        case anyOrigin, trie, otherMatcher
    }

    public init(policy: CORSPolicy, matcher kind: OriginMatcherKind = .default) {
        self.policy = policy
        switch policy.origins {
        case .any:
            originRule = .anyOrigin
            trie = TrieOriginMatcher(patterns: [])
            otherMatcher = nil
        case let .patterns(patterns):
            originRule = kind == .trie ? .trie : .otherMatcher
            trie = TrieOriginMatcher(patterns: kind == .trie ? patterns : [])
            otherMatcher = kind == .trie ? nil : kind.makeMatcher(patterns: patterns)
        }
        methods = MethodTable(policy.methods)
        headerNames = HeaderNameTable(policy.requestHeaders)
        allowsAnyMethod = policy.allowsAnyMethod
        allowsAnyRequestHeader = policy.allowsAnyRequestHeader
    }

    /// True when the policy allows any origin (`*`).
    var allowsAnyOrigin: Bool { originRule == .anyOrigin }

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
        if let reason = checkOrigin(origin) { return PreflightDecision(reason: reason) }
        if let reason = checkMethod(method) { return PreflightDecision(reason: reason) }
        if let requestHeaders, let reason = checkRequestHeaders(requestHeaders) { return PreflightDecision(reason: reason) }
        return PreflightDecision(reason: .allowed)
    }

    /// Whether the policy allows `origin` (the `Origin` value's bytes), as an
    /// actual request's CORS headers need it. Allocates nothing.
    public func allowsOrigin(_ origin: UnsafeRawBufferPointer) -> Bool { checkOrigin(origin) == nil }

    /// nil when the origin is allowed, else why not.
    @inline(__always)
    func checkOrigin(_ origin: UnsafeRawBufferPointer) -> PreflightReason? {
        if originRule == .trie && trie.matchesExactPattern(origin) { return nil }
        switch RequestOrigin.parse(origin) {
        case .malformed: return .malformedOrigin
        // `*` covers the opaque origin; no pattern list ever does.
        case .opaque: return originRule == .anyOrigin ? nil : .originNotAllowed
        case let .origin(parsed):
            switch originRule {
            case .anyOrigin: return nil
            case .trie: return trie.matchesPatternRules(parsed) ? nil : .originNotAllowed
            case .otherMatcher: return otherMatcher.unsafelyUnwrapped.matches(parsed) ? nil : .originNotAllowed
            }
        }
    }

    /// nil when the method is allowed, else why not.
    @inline(__always)
    func checkMethod(_ method: UnsafeRawBufferPointer) -> PreflightReason? {
        let n = method.count
        guard n > 0, n <= Self.maximumMethodLength, let base = method.baseAddress else { return .malformedMethod }
        let word = Word.load(base, at: 0, count: n)
        // Uppercase letters are tokens; anything else is checked byte by byte.
        let present = Word.highs & Word.lowBytes(n)
        if n > 8 || word & Word.highs != 0 || Word.bytes(in: UInt8(ascii: "A")...UInt8(ascii: "Z"), of: word) & present != present {
            for i in 0..<n where RequestHeaderList.lowercasedTokenByte(base.load(fromByteOffset: i, as: UInt8.self)) == 0 {
                return .malformedMethod
            }
        }
        // Safelisted methods are always allowed (matched case-sensitively, as browsers do).
        switch n {
        case 3: if word == MethodWords.get { return nil }
        case 4: if word == MethodWords.head || word == MethodWords.post { return nil }
        case 5, 7:
            // Forbidden methods (Fetch), case-insensitively: never allowed, even by `*`.
            let upper = word & MethodWords.upperMask
            if upper == MethodWords.connect || upper == MethodWords.trace || upper == MethodWords.track { return .methodNotAllowed }
        default: break
        }
        if allowsAnyMethod || methods.contains(word: word, method) { return nil }
        return .methodNotAllowed
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
}
