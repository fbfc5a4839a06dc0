import InternalByteUtilities

/// Exact origins in an open-addressing hash table keyed by their bytes;
/// wildcard and any-port patterns are scanned as `linear` does.
///
/// - Complexity: one expected probe for exact origins, plus O(w) for w
///   wildcard patterns when the probe misses.
public struct HashedOriginMatcher: OriginMatcher {
    let table: ByteKeyTable
    let others: LinearOriginMatcher

    public init(patterns: [OriginPattern]) {
        table = ByteKeyTable(patterns.filter { !$0.isWildcardHost && $0.port != .any }.map { pattern in
            let key = Array(pattern.text.utf8)
            return (key, ByteHash.hash(key), 1)
        })
        others = LinearOriginMatcher(patterns: patterns.filter { $0.isWildcardHost || $0.port == .any })
    }

    public func matches(_ origin: RequestOrigin) -> Bool {
        let bytes = origin.bytes
        return table.find(hash: ByteHash.hash(bytes), key: bytes.baseAddress!, length: bytes.count) != nil || others.matches(origin)
    }

    public var retainedBytes: Int? { table.retainedBytes + (others.retainedBytes ?? 0) }
}

