/// Our optimized matcher: a trie over host labels, walked from the last label
/// (`com`, then `example`, then `api`), whose edges live in one open-addressing
/// table keyed by (parent node, label). Each node carries the (scheme, port)
/// rules of the exact patterns that end there and of the `*.` patterns rooted
/// there.
///
/// A decision costs one probe per label of the request's host until the walk
/// leaves the trie, plus a scan of the few rules on the nodes it visits: it
/// grows with the length of the origin, not with the number of patterns.
/// Labels of up to 8 bytes (most of them) are compared as one machine word.
/// Two distinct suffixes never share a node, so `foo.com`/`bar.com` cannot
/// allow `barfoo.com` (the shared-suffix bug of GHSA-vhxv-fg4m-p2w8).
///
/// - Complexity: O(k) expected for a host of k labels; O(total pattern bytes) memory.
public struct TrieOriginMatcher: OriginMatcher {
    struct Edge: Sendable {
        var hash: UInt64 = 0
        /// The label's bytes when it is at most 8 long (see `labelWord`).
        var word: UInt64 = 0
        var parent: UInt32 = 0
        /// 0 marks an empty slot (the root is never a child).
        var child: UInt32 = 0
        var poolOffset: UInt32 = 0
        var length: UInt32 = 0
    }

    struct Node: Sendable {
        var exactStart: UInt32 = 0
        var exactCount: UInt32 = 0
        var wildcardStart: UInt32 = 0
        var wildcardCount: UInt32 = 0
    }

    /// A (scheme, port) rule: scheme id in bits 24..31, port kind in 16..23, port in 0..15.
    typealias Rule = UInt32
    static let portDefault: UInt32 = 0, portAny: UInt32 = 1, portExact: UInt32 = 2

    let schemes: [[UInt8]]
    let edges: [Edge]
    let edgeMask: Int
    let nodes: [Node]
    let rules: [Rule]
    /// Label bytes longer than 8, for the edges that need them.
    let pool: [UInt8]

    public init(patterns: [OriginPattern]) {
        var schemes: [[UInt8]] = []
        var pool: [UInt8] = []
        // Build with dictionaries, then freeze into flat arrays.
        var children: [[UInt8]: UInt32] = [:]   // key: parent (4 bytes) + label
        var edgeList: [(parent: UInt32, label: [UInt8], child: UInt32)] = []
        var exactRules: [[Rule]] = [[]]
        var wildcardRules: [[Rule]] = [[]]
        for pattern in patterns {
            let scheme = Array(pattern.scheme.utf8)
            let schemeID: Int
            if let found = schemes.firstIndex(of: scheme) { schemeID = found } else { schemeID = schemes.count; schemes.append(scheme) }
            var node: UInt32 = 0
            for label in pattern.host.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).reversed() {
                let labelBytes = Array(label)
                var key = withUnsafeBytes(of: node.littleEndian) { Array($0) }
                key += labelBytes
                if let child = children[key] {
                    node = child
                } else {
                    let child = UInt32(exactRules.count)
                    exactRules.append([])
                    wildcardRules.append([])
                    children[key] = child
                    edgeList.append((node, labelBytes, child))
                    node = child
                }
            }
            let portBits: UInt32
            switch pattern.port {
            case .defaultPort: portBits = Self.portDefault << 16
            case .any: portBits = Self.portAny << 16
            case let .exact(p): portBits = Self.portExact << 16 | UInt32(p)
            }
            let rule = UInt32(schemeID) << 24 | portBits
            if pattern.isWildcardHost {
                if !wildcardRules[Int(node)].contains(rule) { wildcardRules[Int(node)].append(rule) }
            } else if !exactRules[Int(node)].contains(rule) {
                exactRules[Int(node)].append(rule)
            }
        }
        var nodes: [Node] = []
        var rules: [Rule] = []
        nodes.reserveCapacity(exactRules.count)
        for i in exactRules.indices {
            var node = Node()
            node.exactStart = UInt32(rules.count); node.exactCount = UInt32(exactRules[i].count)
            rules += exactRules[i]
            node.wildcardStart = UInt32(rules.count); node.wildcardCount = UInt32(wildcardRules[i].count)
            rules += wildcardRules[i]
            nodes.append(node)
        }
        var capacity = 16
        while capacity < edgeList.count * 2 { capacity <<= 1 }
        var edges = [Edge](repeating: Edge(), count: capacity)
        let mask = capacity - 1
        for (parent, label, child) in edgeList {
            var edge = Edge()
            edge.parent = parent
            edge.child = child
            edge.length = UInt32(label.count)
            label.withUnsafeBytes { l in
                edge.hash = Self.labelHash(l.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, l.count, parent: parent)
                if l.count <= 8 { edge.word = Self.labelWord(l.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, l.count) }
            }
            if label.count > 8 {
                edge.poolOffset = UInt32(pool.count)
                pool += label
            }
            var i = Int(truncatingIfNeeded: edge.hash) & mask
            while edges[i].child != 0 { i = (i + 1) & mask }
            edges[i] = edge
        }
        self.schemes = schemes
        self.edges = edges
        self.edgeMask = mask
        self.nodes = nodes
        self.rules = rules
        self.pool = pool
    }

    /// The label as one word: exact for lengths up to 8 (with the length, it is unique).
    @inline(__always)
    static func labelWord(_ p: UnsafeRawPointer, _ count: Int) -> UInt64 {
        count == 8 ? p.loadUnaligned(as: UInt64.self) : ByteHash.loadPartial(p, count)
    }

    @inline(__always)
    static func labelHash(_ p: UnsafeRawPointer, _ count: Int, parent: UInt32) -> UInt64 {
        if count <= 8 {
            return ByteHash.fold(labelWord(p, count) ^ 0xA076_1D64_78BD_642F, (UInt64(parent) << 8 | UInt64(count)) ^ 0xE703_7ED1_A0B4_28DB)
        }
        return ByteHash.hash(p, count, seed: UInt64(parent))
    }

    @inline(__always)
    static func admits(_ rule: Rule, scheme: UInt32, port: UInt16) -> Bool {
        guard rule >> 24 == scheme else { return false }
        switch (rule >> 16) & 0xFF {
        case portDefault: return port == 0
        case portAny: return true
        default: return UInt16(truncatingIfNeeded: rule) == port
        }
    }

    public func matches(_ origin: RequestOrigin) -> Bool {
        let bytes = origin.bytes
        guard let base = bytes.baseAddress else { return false }
        // Scheme id: policies name a handful of schemes, compared as words.
        var schemeID: UInt32 = .max
        for (i, scheme) in schemes.enumerated() where scheme.count == origin.schemeLength {
            if scheme.withUnsafeBytes({ bytes.bytesEqual(from: 0, count: $0.count, to: $0.baseAddress!) }) {
                schemeID = UInt32(i)
                break
            }
        }
        guard schemeID != .max else { return false }
        let port = origin.port
        return edges.withUnsafeBufferPointer { edges in
            nodes.withUnsafeBufferPointer { nodes in
                rules.withUnsafeBufferPointer { rules in
                    pool.withUnsafeBytes { pool in
                        var node: UInt32 = 0
                        var end = origin.hostEnd
                        let start = origin.hostStart
                        while true {
                            var labelStart = end
                            while labelStart > start && base.load(fromByteOffset: labelStart - 1, as: UInt8.self) != UInt8(ascii: ".") {
                                labelStart -= 1
                            }
                            let label = base + labelStart
                            let count = end - labelStart
                            let h = Self.labelHash(label, count, parent: node)
                            let word = count <= 8 ? Self.labelWord(label, count) : 0
                            var i = Int(truncatingIfNeeded: h) & edgeMask
                            var next: UInt32 = 0
                            while true {
                                let edge = edges[i]
                                if edge.child == 0 { return false }
                                if edge.hash == h && edge.parent == node && Int(edge.length) == count
                                    && (count <= 8 ? edge.word == word : bytes.bytesEqual(from: labelStart, count: count, to: pool.baseAddress! + Int(edge.poolOffset))) {
                                    next = edge.child
                                    break
                                }
                                i = (i + 1) & edgeMask
                            }
                            node = next
                            let info = nodes[Int(node)]
                            if labelStart == start {
                                var r = Int(info.exactStart)
                                let rEnd = r + Int(info.exactCount)
                                while r < rEnd {
                                    if Self.admits(rules[r], scheme: schemeID, port: port) { return true }
                                    r += 1
                                }
                                return false
                            }
                            var r = Int(info.wildcardStart)
                            let rEnd = r + Int(info.wildcardCount)
                            while r < rEnd {
                                if Self.admits(rules[r], scheme: schemeID, port: port) { return true }
                                r += 1
                            }
                            end = labelStart - 1
                        }
                    }
                }
            }
        }
    }

    public var retainedBytes: Int? {
        edges.capacity * MemoryLayout<Edge>.stride + nodes.capacity * MemoryLayout<Node>.stride
            + rules.capacity * MemoryLayout<Rule>.stride + pool.capacity + schemes.reduce(0) { $0 + $1.capacity + 32 }
    }
}
