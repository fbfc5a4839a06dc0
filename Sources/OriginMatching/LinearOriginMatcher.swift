import InternalByteUtilities

/// The baseline most middleware ships: try each pattern in order. An exact
/// pattern compares the whole origin; the others compare scheme, host (or host
/// suffix) and port. No allocation per decision.
///
/// - Complexity: O(p) pattern checks per decision for p patterns.
public struct LinearOriginMatcher: OriginMatcher {
    enum Shape: Sendable {
        /// The pattern is a serialized origin: compare the whole origin.
        case whole
        /// Exact host with a `:*` port.
        case host
        /// `*.suffix`: one or more labels, a dot, then `bytes`.
        case suffix
    }

    struct Entry: Sendable {
        var shape: Shape
        /// The full pattern text for `.whole`, otherwise the host or suffix.
        var bytes: [UInt8]
        var scheme: [UInt8]
        var port: OriginPattern.PortRule
    }

    let entries: [Entry]

    public init(patterns: [OriginPattern]) {
        entries = patterns.map { p in
            if p.isWildcardHost { return Entry(shape: .suffix, bytes: Array(p.host.utf8), scheme: Array(p.scheme.utf8), port: p.port) }
            if p.port == .any { return Entry(shape: .host, bytes: Array(p.host.utf8), scheme: Array(p.scheme.utf8), port: p.port) }
            return Entry(shape: .whole, bytes: Array(p.text.utf8), scheme: [], port: p.port)
        }
    }

    public func matches(_ origin: RequestOrigin) -> Bool {
        for entry in entries where Self.matches(entry, origin) { return true }
        return false
    }

    @inline(__always)
    static func matches(_ entry: Entry, _ origin: RequestOrigin) -> Bool {
        entry.bytes.withUnsafeBytes { pattern in
            switch entry.shape {
            case .whole:
                return pattern.count == origin.bytes.count && origin.bytes.bytesEqual(from: 0, count: pattern.count, to: pattern.baseAddress!)
            case .host, .suffix:
                guard entry.port.admits(origin.port), entry.scheme.count == origin.schemeLength,
                      entry.scheme.withUnsafeBytes({ origin.bytes.bytesEqual(from: 0, count: $0.count, to: $0.baseAddress!) })
                else { return false }
                if entry.shape == .host {
                    return pattern.count == origin.hostLength && origin.bytes.bytesEqual(from: origin.hostStart, count: pattern.count, to: pattern.baseAddress!)
                }
                guard origin.hostLength >= pattern.count + 2 else { return false }
                let dot = origin.hostEnd - pattern.count - 1
                return origin.bytes[dot] == UInt8(ascii: ".") && origin.bytes.bytesEqual(from: dot + 1, count: pattern.count, to: pattern.baseAddress!)
            }
        }
    }

    public var retainedBytes: Int? {
        entries.reduce(entries.capacity * MemoryLayout<Entry>.stride) { $0 + $1.bytes.capacity + $1.scheme.capacity }
    }
}
