/// Where `load` sends its preflights: `http://host[:port][/path]`.
package struct HTTPTarget: Sendable, Equatable, CustomStringConvertible {
    package var host: String
    package var port: Int
    package var path: String

    /// Parses a target URL; the error says what is wrong with it.
    package init(url: String) throws(HTTPLoadError) {
        guard url.hasPrefix("http://") else {
            if url.hasPrefix("https://") { throw HTTPLoadError("--target \(url): https is not supported; load a plain http:// listener (TLS would measure the handshake and crypto, not CORS)") }
            throw HTTPLoadError("--target \(url): expected http://host[:port][/path]")
        }
        let rest = url.dropFirst(7)
        let authority = rest.prefix { $0 != "/" }
        path = rest.count > authority.count ? String(rest.dropFirst(authority.count)) : "/"
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw HTTPLoadError("--target \(url): an IPv6 address needs its closing ]") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            port = after.isEmpty ? 80 : Int(after.dropFirst()) ?? -1
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = Int(authority[authority.index(after: colon)...]) ?? -1
        } else {
            host = String(authority)
            port = 80
        }
        guard !host.isEmpty else { throw HTTPLoadError("--target \(url): no host") }
        guard (1...65535).contains(port) else { throw HTTPLoadError("--target \(url): the port must be a number from 1 to 65535") }
        guard path.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw HTTPLoadError("--target \(url): the path must be printable ASCII without spaces") }
    }

    /// The `host` header value.
    package var hostHeader: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? h : "\(h):\(port)"
    }

    package var description: String { "http://\(hostHeader)\(path)" }
}

/// How `load` drives a server.
package struct HTTPLoadConfiguration: Sendable {
    package var target: HTTPTarget
    /// Keep-alive connections, each with one request in flight.
    package var connections = 16
    /// Event loops (threads) the connections are spread over.
    package var threads = 1
    /// Seconds measured (after `warmUp`), unless `requests` is set.
    package var duration: Double = 5
    /// Seconds of traffic before measuring, so connections and caches settle.
    package var warmUp: Double = 0.5
    /// Stop after this many responses in all (no warm-up) instead of after `duration`.
    package var requests: Int?
    /// Open loop: requests per second in all, each connection sending on a
    /// fixed schedule; latency counts from each request's intended send time.
    package var rate: Double?
    /// Seconds to wait for a response before counting a timeout and reconnecting.
    package var timeout: Double = 5
    /// Mismatches kept for the report (the first ones found).
    package var mismatchesKept = 5

    package init(target: HTTPTarget) { self.target = target }
}

package struct HTTPLoadError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
