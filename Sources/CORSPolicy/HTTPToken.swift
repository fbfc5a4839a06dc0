/// HTTP token syntax (RFC 9110 section 5.6.2) and the Fetch standard's lists of
/// forbidden methods and request headers, on bytes.
enum HTTPToken {
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { RequestHeaderList.lowercasedTokenByte($0) != 0 }
    }

    static let safelistedMethods: Set<String> = ["GET", "HEAD", "POST"]

    /// Fetch "forbidden method": matched case-insensitively.
    static func isForbiddenMethod(_ method: String) -> Bool {
        ["CONNECT", "TRACE", "TRACK"].contains(method.uppercased())
    }

    /// Methods a browser normalizes to uppercase (Fetch "normalize a method").
    static let normalizedMethods: Set<String> = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]

    /// Fetch "forbidden request-header" names (cors-facts.md section 1); `name` is lowercase.
    static func isForbiddenRequestHeader(_ name: String) -> Bool {
        forbiddenRequestHeaders.contains(name) || name.hasPrefix("proxy-") || name.hasPrefix("sec-")
            || name.hasPrefix("access-control-request-")
    }

    static let forbiddenRequestHeaders: Set<String> = [
        "accept-charset", "accept-encoding", "connection", "content-length", "cookie", "cookie2",
        "date", "dnt", "expect", "host", "keep-alive", "origin", "referer", "set-cookie", "te",
        "trailer", "transfer-encoding", "upgrade", "via",
    ]
}
