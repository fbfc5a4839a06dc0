/// One request of a recorded trace: a preflight as a server saw it (the
/// origin, the `Access-Control-Request-Method` and `-Headers` values), or an
/// actual cross-origin request (its method), with when, where and from whom.
package struct TraceRecord: Sendable, Equatable {
    package enum Kind: String, Sendable, CaseIterable { case preflight, actual }

    package var kind: Kind
    /// Unix seconds; nil when the trace has no time for it.
    package var time: Double?
    package var origin: String
    /// The preflight's `Access-Control-Request-Method`, or the actual request's method.
    package var method: String
    /// The `Access-Control-Request-Headers` value, nil when absent.
    package var headers: String?
    package var url: String?
    package var client: String?

    package init(kind: Kind = .preflight, time: Double? = nil, origin: String, method: String, headers: String? = nil,
                 url: String? = nil, client: String? = nil) {
        self.kind = kind
        self.time = time
        self.origin = origin
        self.method = method
        self.headers = headers
        self.url = url
        self.client = client
    }
}

/// The trace formats `run --trace` and `simulate --trace` read.
package enum TraceFormat: String, Sendable, CaseIterable {
    /// One JSON object per line: `time`, `origin`, `method`, and optionally `headers`, `url`, `client`.
    case jsonl
    /// A header row naming the same columns, then one request per row (RFC 4180 quoting).
    case csv
    /// An nginx access log in the `log_format` that `nginxLogFormat` gives.
    case nginx
    /// A HAR 1.2 file, as browsers' developer tools export it.
    case har

    /// The `log_format` directive to paste into nginx's `http` block (and
    /// `access_log /var/log/nginx/preflight.log preflight_bench;` where
    /// requests are served). `escape=json` quotes every value the same way;
    /// absent headers log as empty strings.
    package static let nginxLogFormat = #"""
        log_format preflight_bench escape=json '$msec "$remote_addr" "$request_method" "$request_uri" "$http_origin" "$http_access_control_request_method" "$http_access_control_request_headers"';
        """#

    /// The format a file's first bytes show: `{"log"` or a HAR's opening
    /// object is HAR, `{` JSON Lines, a digit then a space nginx, else CSV
    /// (whose header row must then name the columns).
    package static func recognize(_ start: ArraySlice<UInt8>) -> TraceFormat {
        let text = String(decoding: start.prefix(4096), as: UTF8.self)
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\u{FEFF}" }
        if trimmed.hasPrefix("{") {
            let compact = trimmed.filter { $0 != " " && $0 != "\n" && $0 != "\r" && $0 != "\t" }
            return compact.hasPrefix("{\"log\"") ? .har : .jsonl
        }
        if let first = trimmed.first, first.isNumber, let space = trimmed.firstIndex(of: " "),
           trimmed[..<space].allSatisfy({ $0.isNumber || $0 == "." }) {
            return .nginx
        }
        return .csv
    }
}

/// A line (or entry) of a trace that is not a usable request.
package struct TraceLineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number (entry index for HAR).
    package var line: Int
    package var message: String
    package var description: String { "line \(line): \(message)" }
}
