import NIOCore

/// Where a server listens and how it bounds each connection.
package struct ServerConfiguration: Sendable {
    package var host = "127.0.0.1"
    /// 0 picks a free port (the bound one is `PreflightServer.port`).
    package var port = 8080
    /// Event loops (threads).
    package var threads = Self.coreCount
    /// The machine's cores, the default number of event loops.
    package static var coreCount: Int { System.coreCount }
    /// The most bytes of one header field, and of all of a request's header
    /// fields together: an origin of a megabyte is refused with 431 long
    /// before it is buffered. Browsers send a few hundred bytes.
    package var maximumHeaderFieldBytes = 16 * 1024
    package var maximumHeaderBytes = 32 * 1024
    /// The most header lines one request may carry (many
    /// `Access-Control-Request-Headers` lines among them).
    package var maximumHeaderFields = 128
    /// Seconds a request may take from its first byte to its last header
    /// (slowloris: a head trickled a byte at a time is cut off here).
    package var headerTimeout: Double = 10
    /// Seconds a connection may stay silent between requests.
    package var idleTimeout: Double = 60

    package init() {}
}
