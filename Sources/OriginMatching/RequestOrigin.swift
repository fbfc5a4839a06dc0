/// A request's `Origin` header, validated as a byte-exact serialized origin and
/// split into scheme, host and port, as a view over bytes the caller owns.
///
/// The view is valid only while those bytes are (inside `withUTF8` or
/// `withUnsafeBytes`); matchers read it and never keep it.
public struct RequestOrigin {
    /// The whole serialized origin.
    public let bytes: UnsafeRawBufferPointer
    /// Bytes before `://`.
    public let schemeLength: Int
    public let hostStart: Int
    public let hostEnd: Int
    /// The explicit port, or 0 when the origin uses its scheme's default port.
    public let port: UInt16

    @inlinable public var hostLength: Int { hostEnd - hostStart }

    init(bytes: UnsafeRawBufferPointer, schemeLength: Int, hostStart: Int, hostEnd: Int, port: UInt16) {
        self.bytes = bytes
        self.schemeLength = schemeLength
        self.hostStart = hostStart
        self.hostEnd = hostEnd
        self.port = port
    }

    /// The outcome of parsing an `Origin` header value.
    public enum ParseResult {
        case origin(RequestOrigin)
        /// `null`: an opaque origin (sandboxed iframes, `file:` pages, some redirects).
        case opaque
        /// Anything that is not a serialized origin, byte for byte.
        case malformed
    }

    /// Parses an `Origin` value. Lowercase, no default port, no path, no
    /// whitespace, canonical IP addresses; anything else is `.malformed`.
    ///
    /// - Complexity: O(n), at most ~330 bytes examined (longer input is refused
    ///   at once); allocates nothing.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> ParseResult {
        if let common = parseCommonForm(bytes) { return .origin(common) }
        return parseAnyForm(bytes)
    }

    /// The byte-wise parser: every form, every rule.
    static func parseAnyForm(_ bytes: UnsafeRawBufferPointer) -> ParseResult {
        if bytes.count == 4, bytes.loadUnaligned(as: UInt32.self) == 0x6C6C_756E { return .opaque }  // "null"
        switch OriginSyntax.parse(bytes, allowWildcards: false) {
        case let .success(c):
            let port: UInt16
            switch c.port {
            case .absent: port = 0
            case let .number(p): port = p
            case .any: return .malformed
            }
            return .origin(RequestOrigin(bytes: bytes, schemeLength: c.schemeLength, hostStart: c.hostStart, hostEnd: c.hostEnd, port: port))
        case .failure:
            return .malformed
        }
    }

    /// Parses `text` and calls `body` with the outcome; a convenience for tests and tools.
    public static func withParsed<R>(_ text: String, _ body: (ParseResult) throws -> R) rethrows -> R {
        var copy = text
        return try copy.withUTF8 { try body(parse(UnsafeRawBufferPointer($0))) }
    }

    /// Why `text` is not a serialized origin, or nil when it is one (or
    /// `null`): the rule it breaks, for explaining a `malformed-origin`
    /// decision. Allocates; for tools, not the decision path.
    public static func failure(of text: String) -> OriginSyntax.Failure? {
        if text == "null" { return nil }
        var copy = text
        return copy.withUTF8 { bytes -> OriginSyntax.Failure? in
            switch OriginSyntax.parse(UnsafeRawBufferPointer(bytes), allowWildcards: false) {
            case let .failure(failure): return failure
            case let .success(components): return components.port == .any ? .misplacedWildcard : nil
            }
        }
    }
}
