extension PreflightEvaluator {
    /// The `Vary` value: the response depends on the request's origin (unless `*`
    /// answers every origin), method and header list, all of which it echoes.
    static let varyAll = "origin, access-control-request-method, access-control-request-headers"
    static let varyWithoutOrigin = "access-control-request-method, access-control-request-headers"

    /// The response for `request` given its decision: what a browser needs to
    /// accept exactly what the policy allows, with and without credentials.
    ///
    /// The method and the header list are echoed as the request sent them
    /// (the decision proved the list a well-formed list of allowed names, and
    /// browsers compare names case-insensitively) rather than answered with `*`, because with
    /// credentials browsers read `*` as a literal name, and `*` never covers
    /// `authorization`. Allocates: for presentation and cache fills.
    public func response(to request: PreflightRequest, decision: PreflightDecision) -> PreflightResponse {
        let anyOrigin = allowsAnyOrigin
        guard decision.isAllowed else {
            return PreflightResponse(status: 403, headers: [("vary", Self.varyAll)])
        }
        // Every line the policy fixes first, the echoes last: the order
        // `PreflightResponseWriter` renders (the fixed part as one run).
        var headers: [(name: String, value: String)] = []
        if anyOrigin && !policy.credentials { headers.append(("access-control-allow-origin", "*")) }
        if policy.credentials { headers.append(("access-control-allow-credentials", "true")) }
        if let maxAge = policy.maxAge { headers.append(("access-control-max-age", String(maxAge))) }
        headers.append(("vary", anyOrigin && !policy.credentials ? Self.varyWithoutOrigin : Self.varyAll))
        headers.append(("access-control-allow-methods", request.method))
        if var value = request.requestHeaders, value.withUTF8({ RequestHeaderList.namesAnything(UnsafeRawBufferPointer($0)) }) {
            headers.append(("access-control-allow-headers", value))
        }
        if !(anyOrigin && !policy.credentials) { headers.append(("access-control-allow-origin", request.origin)) }
        return PreflightResponse(status: policy.preflightStatus, headers: headers)
    }
}
