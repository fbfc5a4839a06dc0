import OriginMatching

extension PreflightEvaluator {
    /// Why `decision` denies `request`, in one sentence naming the value at
    /// fault and the rule: which check of the origin failed, which method or
    /// header the policy lacks. nil for an allowed request.
    ///
    /// The decision path records only the reason, to stay free of
    /// allocation; this reads the request again, so it is for tools and
    /// logs, not for every preflight.
    ///
    /// - Complexity: O(length of the request); allocates.
    public func explanation(of decision: PreflightDecision, for request: PreflightRequest) -> String? {
        switch decision.reason {
        case .allowed:
            return nil
        case .malformedOrigin:
            let rule = RequestOrigin.failure(of: request.origin).map(\.description) ?? "not a serialized origin (scheme://host[:port])"
            return "Origin \(Self.quoted(request.origin)): \(rule)"
        case .originNotAllowed:
            if request.origin == "null" { return "the null origin (sandboxed iframes, file: pages) is allowed only by \"*\"" }
            return "no origin pattern of the policy allows \(Self.quoted(request.origin))"
        case .malformedMethod:
            if request.method.isEmpty { return "Access-Control-Request-Method is empty" }
            if request.method.utf8.count > Self.maximumMethodLength { return "the method is longer than \(Self.maximumMethodLength) bytes" }
            return "\(Self.quoted(request.method)) is not a method token (RFC 9110: letters, digits and !#$%&'*+-.^_`|~)"
        case .methodNotAllowed:
            if HTTPToken.isForbiddenMethod(request.method) {
                return "\(Self.quoted(request.method)) is a forbidden method (Fetch): no policy can allow it"
            }
            return "\(Self.quoted(request.method)) is not among the policy's methods (GET, HEAD and POST always are; methods match case-sensitively)"
        case .malformedRequestHeaders:
            return headerListMistake(request.requestHeaders ?? "")
        case .headerNotAllowed:
            return deniedHeader(request.requestHeaders ?? "")
        }
    }

    /// The rule a malformed header list breaks, read by the grammar's own `firstMistake`.
    func headerListMistake(_ value: String) -> String {
        var copy = value
        let mistake = copy.withUTF8 { bytes -> String? in
            let raw = UnsafeRawBufferPointer(bytes)
            switch RequestHeaderList.firstMistake(in: raw) {
            case .tooLong?: return "Access-Control-Request-Headers is \(raw.count) bytes, over the \(RequestHeaderList.maximumLength) examined"
            case .tooManyEmptyElements?: return "Access-Control-Request-Headers has more than \(RequestHeaderList.maximumEmptyElements) empty elements"
            case let .notAToken(range)?:
                return "\(Self.quoted(String(decoding: raw[range], as: UTF8.self))) in Access-Control-Request-Headers is not a header name token (RFC 9110)"
            case nil: return nil
            }
        }
        return mistake ?? "Access-Control-Request-Headers is malformed"
    }

    func deniedHeader(_ value: String) -> String {
        var denied: String?
        var copy = value
        copy.withUTF8 { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            _ = RequestHeaderList.forEachName(in: raw) { range in
                let name = String(decoding: raw[range].map { RequestHeaderList.lowercasedTokenByte($0) }, as: UTF8.self)
                let allowed = policy.requestHeaders.contains(name) || (allowsAnyRequestHeader && name != "authorization")
                if !allowed { denied = name }
                return allowed
            }
        }
        guard let denied else { return "a requested header is not allowed" }
        if denied == "authorization" && allowsAnyRequestHeader {
            return "\"authorization\" must be listed by name: \"*\" never covers it (Fetch)"
        }
        return "\(Self.quoted(denied)) is not among the policy's request headers"
    }

    /// A value in quotes, cut to 80 characters so a hostile one cannot flood a log.
    static func quoted(_ text: String) -> String {
        let shown = text.count > 80 ? text.prefix(77) + "..." : Substring(text)
        return "\"" + shown.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : $0.escaped(asASCII: true) }.joined() + "\""
    }
}
