/// A preflight request as strings, for tools and tests.
public struct PreflightRequest: Sendable, Hashable {
    public var origin: String
    public var method: String
    /// The `Access-Control-Request-Headers` value, nil when the header is absent.
    public var requestHeaders: String?

    public init(origin: String, method: String, requestHeaders: String? = nil) {
        self.origin = origin
        self.method = method
        self.requestHeaders = requestHeaders
    }
}
