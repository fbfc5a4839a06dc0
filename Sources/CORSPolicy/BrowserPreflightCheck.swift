import InternalByteUtilities

/// What a browser does with a preflight response: the Fetch standard's "CORS
/// check" and the checks of its "CORS-preflight fetch" (cors-facts.md
/// section 1), applied to the response's header values as bytes.
///
/// It is written from the standard, not from the engine, so a load generator
/// can hold any server (this package's or another) to what browsers accept,
/// and the engine's own responses are checked against it in the tests.
public enum BrowserPreflightCheck {
    /// The parts of a preflight response a browser reads: status and the
    /// values of the four headers (nil when absent; a header sent on several
    /// lines is given joined by `,`, as HTTP combines them).
    public struct Response {
        public var status: Int
        public var allowOrigin: UnsafeRawBufferPointer?
        public var allowCredentials: UnsafeRawBufferPointer?
        public var allowMethods: UnsafeRawBufferPointer?
        public var allowHeaders: UnsafeRawBufferPointer?

        public init(status: Int, allowOrigin: UnsafeRawBufferPointer? = nil, allowCredentials: UnsafeRawBufferPointer? = nil,
                    allowMethods: UnsafeRawBufferPointer? = nil, allowHeaders: UnsafeRawBufferPointer? = nil) {
            self.status = status
            self.allowOrigin = allowOrigin
            self.allowCredentials = allowCredentials
            self.allowMethods = allowMethods
            self.allowHeaders = allowHeaders
        }
    }

    /// Whose reading of the response: the Fetch standard's, or a shipping
    /// browser's where it differs from the standard (each difference is
    /// measured by the browser suite in the tests, which serves the same
    /// bytes to the real browser and requires its verdict).
    public enum Rules: String, Sendable, CaseIterable {
        case fetchStandard = "fetch"
        /// Chromium 156, measured.
        case chromium
        /// Firefox 153 ESR, measured.
        case firefox

        /// The name a report prints: "the Fetch standard", "Chromium", "Firefox".
        public var displayName: String {
            switch self {
            case .fetchStandard: "the Fetch standard"
            case .chromium: "Chromium"
            case .firefox: "Firefox"
            }
        }

        /// Whether `*` in `Access-Control-Allow-Headers` (without credentials)
        /// covers `authorization`. The standard says never (it is a "CORS
        /// non-wildcard request-header name", cors-facts.md section 1); both
        /// browsers still let it through.
        public var starCoversAuthorization: Bool { self != .fetchStandard }

        /// Whether an empty line of a field sent on several lines is dropped
        /// before the lines are combined. The standard combines every line
        /// (`origin` and an empty line make `origin, `, no origin); Firefox
        /// skips empty lines when it merges a repeated header.
        public var dropsEmptyFieldLines: Bool { self == .firefox }
    }

    /// The browser's verdict: the actual request proceeds, or the first check that failed.
    public enum Outcome: String, Sendable, CaseIterable {
        case accepted
        /// The status is not ok (200-299).
        case status = "status-not-ok"
        /// `Access-Control-Allow-Origin` is absent, or neither the origin nor a usable `*`.
        case allowOrigin = "allow-origin"
        /// Credentials were sent and `Access-Control-Allow-Credentials` is not `true`.
        case allowCredentials = "allow-credentials"
        /// The method is neither safelisted, listed, nor covered by a usable `*`.
        case allowMethods = "allow-methods"
        /// A requested header is not listed nor covered by a usable `*`.
        case allowHeaders = "allow-headers"
        /// A list header is not a comma-separated list of tokens.
        case malformedList = "malformed-list"

        public var isAccepted: Bool { self == .accepted }
    }

    /// The verdict of a browser that sent a preflight for `origin`, `method`
    /// and the `requestHeaders` list (`credentials`: the request's
    /// credentials mode is "include") and received `response`.
    ///
    /// - Complexity: O(n·m) for n requested and m allowed header names; allocates nothing.
    public static func outcome(of response: Response, origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer,
                               requestHeaders: UnsafeRawBufferPointer?, credentials: Bool, rules: Rules = .fetchStandard) -> Outcome {
        guard (200...299).contains(response.status) else { return .status }
        // CORS check: `*` is a wildcard only for requests without credentials.
        guard let allowOrigin = response.allowOrigin else { return .allowOrigin }
        let star = equals(allowOrigin, "*")
        if !(star && !credentials) && !bytesEqual(allowOrigin, origin) { return .allowOrigin }
        if credentials {
            guard let value = response.allowCredentials, equals(value, "true") else { return .allowCredentials }
        }
        let methods = response.allowMethods ?? UnsafeRawBufferPointer(start: nil, count: 0)
        let names = response.allowHeaders ?? UnsafeRawBufferPointer(start: nil, count: 0)
        guard isTokenList(methods), isTokenList(names) else { return .malformedList }
        // Methods compare case-sensitively; GET, HEAD and POST are safelisted.
        let safelisted = equals(method, "GET") || equals(method, "HEAD") || equals(method, "POST")
        if !safelisted && !listContains(methods, method, caseInsensitive: false) && (credentials || !listContains(methods, "*")) {
            return .allowMethods
        }
        guard let requestHeaders else { return .accepted }
        let namesHaveStar = !credentials && listContains(names, "*")
        // The browser checks every name it sent, however long its list: the
        // request list is read without a server's bounds, as the response's is.
        var covered = true
        let wellFormed = forEachElement(in: requestHeaders) { name in
            if listContains(names, name, caseInsensitive: true) { return true }
            // `authorization` is a CORS non-wildcard request-header name: in Fetch `*` never covers it.
            if namesHaveStar && (rules.starCoversAuthorization || !ASCIICase.equal(name, lowercase: "authorization")) { return true }
            covered = false
            return false
        }
        guard wellFormed else { return .allowHeaders }
        return covered ? .accepted : .allowHeaders
    }

    /// Calls `body` with each element of a response's list value, trimmed of
    /// optional whitespace, skipping empty elements (RFC 9110 section 5.6.1:
    /// a recipient accepts them); false when an element is not a token.
    ///
    /// Unlike `RequestHeaderList`, which bounds what a server reads from any
    /// client, this reads what a browser reads: a response's list has no
    /// length or empty-element limit in Fetch nor in browsers (a few KiB of
    /// `Access-Control-Allow-Headers` is allowed), and its cost is bounded by
    /// the response head the caller accepted.
    ///
    /// - Complexity: O(n) in the value's length.
    static func forEachElement(in list: UnsafeRawBufferPointer, validating: Bool = true,
                               _ body: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        let n = list.count
        var i = 0
        while i <= n {
            while i < n && (list[i] == 0x20 || list[i] == 0x09) { i &+= 1 }
            let start = i
            i = ByteScan.first(UInt8(ascii: ","), in: list, from: i, to: n)
            var end = i
            while end > start && (list[end &- 1] == 0x20 || list[end &- 1] == 0x09) { end &-= 1 }
            i &+= 1
            guard start < end else { continue }
            if validating {
                for j in start..<end where RequestHeaderList.lowercasedTokenByte(list[j]) == 0 { return false }
            }
            if !body(UnsafeRawBufferPointer(rebasing: list[start..<end])) { return true }
        }
        return true
    }

    /// Whether the comma-separated `list`, already checked by `isTokenList`,
    /// holds `item` (elements trimmed of optional whitespace): an element of
    /// another length costs one compare.
    static func listContains(_ list: UnsafeRawBufferPointer, _ item: UnsafeRawBufferPointer, caseInsensitive: Bool) -> Bool {
        var found = false
        _ = forEachElement(in: list, validating: false) { element in
            found = caseInsensitive ? ASCIICase.equal(element, item) : bytesEqual(element, item)
            return !found
        }
        return found
    }

    static func listContains(_ list: UnsafeRawBufferPointer, _ item: StaticString) -> Bool {
        listContains(list, UnsafeRawBufferPointer(start: item.utf8Start, count: item.utf8CodeUnitCount), caseInsensitive: false)
    }

    /// A `#token` list as Fetch's "extract header list values" accepts it (empty allowed).
    static func isTokenList(_ list: UnsafeRawBufferPointer) -> Bool {
        forEachElement(in: list) { _ in true }
    }

    /// Byte equality, eight bytes a step.
    @inline(__always)
    static func bytesEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        a.count == b.count && (a.count == 0 || a.bytesEqual(from: 0, count: a.count, to: b.baseAddress.unsafelyUnwrapped))
    }

    static func equals(_ a: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        bytesEqual(a, UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
