import InternalByteUtilities

/// Our optimized matcher. Exact serialized origins (the bulk of most policies
/// and of allowed traffic) are answered by one probe of a table of whole
/// origins. Wildcard (`*.host`) and any-port (`host:*`) patterns live in a
/// trie over host labels read from the right (`com`, `example.com`,
/// `api.example.com`), stored flat: each trie node that carries rules is one
/// slot of a hash table keyed by its whole label path.
///
/// The path hash folds a suffix eight bytes at a time in chunks aligned to its
/// end, so every suffix of a host shares the host's chunks: one right-to-left
/// pass over the request's host yields the hash of every suffix that starts
/// at a label, with one extra multiply each, and dots are found a word at a
/// time. Wildcard probes are made only at label depths where some wildcard
/// pattern exists. Every probe reads one cache line (see `ByteKeyTable`) and
/// verifies the bytes, so `foo.com`/`bar.com` can never allow `barfoo.com`
/// (the shared-suffix bug of GHSA-vhxv-fg4m-p2w8).
///
/// - Complexity: O(length of the origin) per decision, independent of the
///   number of patterns: one hash of the origin and one probe, then, only if
///   the policy has wildcard or any-port patterns, one multiply per 8 host
///   bytes and at most one probe per label. Memory O(total pattern bytes).
public struct TrieOriginMatcher: OriginMatcher {
    /// A (scheme, port) rule: scheme id in bits 24..30, port kind in 16..17, port in 0..15;
    /// or `overflow | index` of a sorted rule list in `Rules`.
    enum Rule {
        static let none: UInt32 = 0xFFFF_FFFF
        static let overflow: UInt32 = 0x8000_0000
        static let portDefault: UInt32 = 0, portAny: UInt32 = 1, portExact: UInt32 = 2
    }

    /// A scheme as two little-endian words; schemes longer than 16 bytes by hash
    /// and length, then verified against their bytes in `Rules`.
    struct Scheme: Sendable, Equatable {
        var low: UInt64
        var high: UInt64
        var length: Int
    }

    /// Rule lists of nodes with several rules, and the interned schemes, in raw
    /// memory so reading them takes no reference count.
    final class Rules: @unchecked Sendable {
        // Safe to share: written once in `init`, only read afterwards.
        let lists: UnsafeMutableBufferPointer<UInt32>
        let schemes: UnsafeMutableBufferPointer<Scheme>
        /// Every scheme's bytes, for the exact check of long schemes.
        let schemeText: PackedStrings

        init(lists: [UInt32], schemes: [Scheme], schemeText: [[UInt8]]) {
            self.lists = .allocate(capacity: max(lists.count, 1))
            _ = self.lists.initialize(from: lists)
            self.schemes = .allocate(capacity: max(schemes.count, 1))
            _ = self.schemes.initialize(from: schemes)
            self.schemeText = PackedStrings(schemeText)
        }

        deinit {
            lists.deallocate()
            schemes.deallocate()
            schemeText.deallocate()
        }
    }

    /// Exact patterns without `:*`, keyed by the whole serialized origin.
    let origins: ByteKeyTable
    /// Trie nodes of exact hosts with `:*` ports, by path hash; value: rule.
    let hosts: ByteKeyTable
    /// Trie nodes rooting `*.` patterns, by path hash; value: rule.
    let suffixes: ByteKeyTable
    let rules: Rules
    let schemeCount: Int
    /// Bit d set when some wildcard pattern's suffix has d labels (d < 64).
    let wildcardDepths: UInt64
    /// A wildcard suffix with 64 labels or more exists (never in practice; kept exact).
    let deepWildcards: Bool

    public init(patterns: [OriginPattern]) {
        var schemes: [Scheme] = []
        var schemeText: [[UInt8]] = []
        var hostRules: [[UInt8]: [UInt32]] = [:], hostOrder: [[UInt8]] = []
        var suffixRules: [[UInt8]: [UInt32]] = [:], suffixOrder: [[UInt8]] = []
        var exactOrigins: [(key: [UInt8], hash: UInt64, value: UInt32)] = []
        var wildcardDepths: UInt64 = 0
        var deepWildcards = false
        for pattern in patterns {
            if !pattern.isWildcardHost && pattern.port != .any {
                let key = Array(pattern.text.utf8)
                exactOrigins.append((key, ByteHash.hash(key), 1))
                continue
            }
            let text = Array(pattern.scheme.utf8)
            let scheme = Self.scheme(text)
            let schemeID: Int
            if let found = schemeText.firstIndex(of: text) { schemeID = found } else {
                schemeID = schemes.count
                schemes.append(scheme)
                schemeText.append(text)
            }
            let portBits: UInt32
            switch pattern.port {
            case .defaultPort: portBits = Rule.portDefault << 16
            case .any: portBits = Rule.portAny << 16
            case let .exact(p): portBits = Rule.portExact << 16 | UInt32(p)
            }
            let rule = UInt32(schemeID) << 24 | portBits
            let host = Array(pattern.host.utf8)
            if pattern.isWildcardHost {
                if suffixRules[host] == nil { suffixOrder.append(host) }
                if suffixRules[host, default: []].contains(rule) == false { suffixRules[host, default: []].append(rule) }
                let depth = host.count(where: { $0 == UInt8(ascii: ".") }) + 1
                if depth < 64 { wildcardDepths |= 1 << UInt64(depth) } else { deepWildcards = true }
            } else {
                if hostRules[host] == nil { hostOrder.append(host) }
                if hostRules[host, default: []].contains(rule) == false { hostRules[host, default: []].append(rule) }
            }
        }
        var lists: [UInt32] = []
        func encode(_ rules: [UInt32]) -> UInt32 {
            if rules.count == 1 { return rules[0] }
            // Sorted, so a host with thousands of ports is searched, not scanned.
            let index = UInt32(lists.count)
            lists.append(UInt32(rules.count))
            lists += rules.sorted()
            return Rule.overflow | index
        }
        func entries(_ order: [[UInt8]], _ rules: [[UInt8]: [UInt32]]) -> [(key: [UInt8], hash: UInt64, value: UInt32)] {
            order.map { host in (host, host.withUnsafeBytes { Self.pathHash($0.baseAddress!, $0.count) }, encode(rules[host]!)) }
        }
        origins = ByteKeyTable(exactOrigins)
        hosts = ByteKeyTable(entries(hostOrder, hostRules))
        suffixes = ByteKeyTable(entries(suffixOrder, suffixRules))
        self.rules = Rules(lists: lists, schemes: schemes, schemeText: schemeText)
        schemeCount = schemes.count
        self.wildcardDepths = wildcardDepths
        self.deepWildcards = deepWildcards
    }

    static func scheme(_ bytes: [UInt8]) -> Scheme {
        bytes.withUnsafeBytes { requestScheme($0.baseAddress!, $0.count) }
    }

    @inline(__always)
    static func requestScheme(_ p: UnsafeRawPointer, _ count: Int) -> Scheme {
        if count > 16 { return Scheme(low: ByteHash.hash(p, count), high: 0, length: count) }
        if count > 8 {
            let high = count == 16 ? p.loadUnaligned(fromByteOffset: 8, as: UInt64.self) : Word.loadShort(p + 8, count - 8)
            return Scheme(low: p.loadUnaligned(as: UInt64.self), high: high, length: count)
        }
        return Scheme(low: count == 8 ? p.loadUnaligned(as: UInt64.self) : Word.loadShort(p, count), high: 0, length: count)
    }

    // MARK: Path hash

    static let seed: UInt64 = 0x2D35_8DCC_AA6C_78A5

    @inline(__always)
    static func chunk(_ h: UInt64, _ word: UInt64) -> UInt64 {
        ByteHash.fold(h ^ word, 0xA076_1D64_78BD_642F)
    }

    @inline(__always)
    static func finish(_ h: UInt64, partial: UInt64, length: Int) -> UInt64 {
        ByteHash.fold(h ^ partial ^ 0x8EBC_6AF0_9C88_C6E3, 0xE703_7ED1_A0B4_28DB ^ UInt64(length))
    }

    /// The path hash of `length` bytes at `p`: chunks of eight from the end,
    /// then the leftmost `length % 8` bytes, then the length.
    static func pathHash(_ p: UnsafeRawPointer, _ length: Int) -> UInt64 {
        var h = seed
        var end = length
        while end >= 8 {
            h = chunk(h, p.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self))
            end -= 8
        }
        var partial: UInt64 = 0
        for i in 0..<end { partial |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << (8 * UInt64(i)) }
        return finish(h, partial: partial, length: length)
    }

    /// 0x80 in each byte of `word` that is a dot, 0 elsewhere (exact: no borrow carries).
    @inline(__always)
    static func dots(_ word: UInt64) -> UInt64 {
        let x = word ^ 0x2E2E_2E2E_2E2E_2E2E
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// The top `count` (0...8) bytes of `word`, as the low bytes of the result.
    @inline(__always)
    static func topBytes(_ word: UInt64, _ count: Int) -> UInt64 {
        count == 0 ? 0 : word &>> UInt64(64 &- 8 &* count)
    }

    // MARK: Rules

    @inline(__always)
    static func admits(_ rule: UInt32, scheme: UInt32, port: UInt16) -> Bool {
        guard rule >> 24 == scheme else { return false }
        switch (rule >> 16) & 0xFF {
        case Rule.portDefault: return port == 0
        case Rule.portAny: return true
        default: return UInt16(truncatingIfNeeded: rule) == port
        }
    }

    @inline(__always)
    func admits(_ encoded: UInt32, scheme: UInt32, port: UInt16) -> Bool {
        if encoded & Rule.overflow == 0 { return Self.admits(encoded, scheme: scheme, port: port) }
        // A rule list: the request matches its scheme's any-port rule or its own port's rule.
        let index = Int(encoded & ~Rule.overflow)
        let list = UnsafeBufferPointer(rebasing: rules.lists[(index + 1)..<(index + 1 + Int(rules.lists[index]))])
        let own = scheme << 24 | (port == 0 ? Rule.portDefault << 16 : Rule.portExact << 16 | UInt32(port))
        return Self.sortedContains(list, scheme << 24 | Rule.portAny << 16) || Self.sortedContains(list, own)
    }

    @inline(__always)
    static func sortedContains(_ list: UnsafeBufferPointer<UInt32>, _ key: UInt32) -> Bool {
        var low = 0, high = list.count
        while low < high {
            let mid = (low + high) >> 1
            if list[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low < list.count && list[low] == key
    }

    // MARK: Matching

    public func matches(_ origin: RequestOrigin) -> Bool {
        matchesExactPattern(origin.bytes) || matchesPatternRules(origin)
    }

    /// Whether `bytes` are, byte for byte, one of the exact patterns (those
    /// without `*.` or `:*`). Such bytes are a valid serialized origin: a
    /// pattern passed the same syntax check, and the length bound here is the
    /// request parser's. So an engine may decide an origin found here without
    /// parsing it, and parse only the rest.
    ///
    /// - Complexity: one hash of the bytes and one expected probe.
    @inline(__always)
    package func matchesExactPattern(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard origins.count > 0, let base = bytes.baseAddress, bytes.count <= OriginSyntax.maximumOriginLength else { return false }
        return origins.find(hash: ByteHash.hash(base, bytes.count), key: base, length: bytes.count) != nil
    }

    /// Whether a wildcard (`*.`) or any-port (`:*`) pattern allows `origin`:
    /// `matches` without the exact-pattern probe.
    package func matchesPatternRules(_ origin: RequestOrigin) -> Bool {
        guard let base = origin.bytes.baseAddress, hosts.count + suffixes.count > 0 else { return false }
        let requested = Self.requestScheme(base, origin.schemeLength)
        var schemeID: UInt32 = .max
        for i in 0..<schemeCount where rules.schemes[i] == requested {
            // Over 16 bytes the words hold a hash: confirm the bytes.
            if requested.length > 16 && !origin.bytes.bytesEqual(from: 0, count: requested.length,
                                                                to: rules.schemeText.start(of: i)) {
                continue
            }
            schemeID = UInt32(i)
            break
        }
        if schemeID == .max { return false }
        return matchesTrie(base, start: origin.hostStart, end: origin.hostEnd, scheme: schemeID, port: origin.port)
    }

    /// Walks the host's chunks from the right, probing wildcard nodes at each
    /// label boundary and the any-port host node at the start.
    ///
    /// Offsets are below the origin's length (at most ~330), so the
    /// arithmetic here wraps without checks.
    @inline(__always)
    func matchesTrie(_ base: UnsafeRawPointer, start: Int, end: Int, scheme: UInt32, port: UInt16) -> Bool {
        var h = Self.seed
        var e = end
        var depth = 0
        while true {
            // The chunk [e - 8, e); hosts start at index 4 or later, so only
            // tiny origins need the byte-wise read.
            let word: UInt64
            if e >= 8 {
                word = base.loadUnaligned(fromByteOffset: e &- 8, as: UInt64.self)
            } else {
                var w: UInt64 = 0
                for i in 0..<e { w |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << UInt64(8 * (8 - e + i)) }
                word = w
            }
            var dotMask = Self.dots(word)
            let hostStartsHere = start > e &- 8
            if hostStartsHere {
                let below = start &- (e &- 8)
                dotMask = below >= 8 ? 0 : dotMask & (~0 &<< UInt64(8 &* below))
            }
            // Each dot, right to left, ends a proper suffix: `*.` patterns rooted there cover the host.
            while dotMask != 0 {
                let bit = 63 &- dotMask.leadingZeroBitCount
                dotMask ^= 1 &<< UInt64(bit)
                depth &+= 1
                guard depth < 64 ? (wildcardDepths &>> UInt64(depth)) & 1 != 0 : deepWildcards else { continue }
                let suffixStart = e &- 7 &+ (bit &>> 3)
                let hash = Self.finish(h, partial: Self.topBytes(word, e &- suffixStart), length: end &- suffixStart)
                if let rule = suffixes.find(hash: hash, key: base + suffixStart, length: end &- suffixStart),
                   admits(rule, scheme: scheme, port: port) {
                    return true
                }
            }
            if hostStartsHere {
                guard hosts.count > 0 else { return false }
                let hash = Self.finish(h, partial: Self.topBytes(word, e &- start), length: end &- start)
                guard let rule = hosts.find(hash: hash, key: base + start, length: end &- start) else { return false }
                return admits(rule, scheme: scheme, port: port)
            }
            h = Self.chunk(h, word)
            e &-= 8
        }
    }

    public var retainedBytes: Int? {
        origins.retainedBytes + hosts.retainedBytes + suffixes.retainedBytes
            + rules.lists.count * 4 + rules.schemes.count * MemoryLayout<Scheme>.stride
            + rules.schemeText.retainedBytes
    }
}
