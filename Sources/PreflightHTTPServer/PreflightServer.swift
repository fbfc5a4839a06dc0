import NIOCore
import NIOPosix

/// An HTTP/1.1 server on SwiftNIO answering from a `PreflightService`: the
/// engine (and cache) run on the event loops, with no hop to Swift
/// concurrency per request (cors-facts.md section 10).
///
/// Each connection's pipeline is one handler, `PreflightRequestHandler`,
/// which reads requests from the bytes itself (`RequestHead`, within the
/// configuration's header limits) and keeps the header and idle timeouts
/// (`ConnectionDeadlines`).
package final class PreflightServer: Sendable {
    package let service: PreflightService
    package let configuration: ServerConfiguration
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    /// The path of the statistics document (counters and the cache's statistics, JSON).
    package static let statisticsPath = PreflightRequestHandler.statisticsPath

    /// The port bound (the configuration's, or the one picked for port 0).
    package let port: Int

    /// Binds and starts serving; throws when the address cannot be bound.
    package init(service: PreflightService, configuration: ServerConfiguration) throws {
        self.service = service
        self.configuration = configuration
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        let limits = RequestHead.Limits(fieldBytes: configuration.maximumHeaderFieldBytes, headerBytes: configuration.maximumHeaderBytes,
                                        fields: configuration.maximumHeaderFields)
        let headerTimeout = TimeAmount.nanoseconds(Int64(configuration.headerTimeout * 1e9))
        let idleTimeout = TimeAmount.nanoseconds(Int64(configuration.idleTimeout * 1e9))
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        PreflightRequestHandler(service: service, limits: limits, headerTimeout: headerTimeout, idleTimeout: idleTimeout))
                }
            }
        do {
            channel = try bootstrap.bind(host: configuration.host, port: configuration.port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw ServerError.cannotBind(host: configuration.host, port: configuration.port, reason: "\(error)")
        }
        self.group = group
        port = channel.localAddress?.port ?? configuration.port
    }

    /// Blocks until the server is closed (by `shutdown` from another thread).
    package func waitUntilClosed() throws {
        try channel.closeFuture.wait()
    }

    /// Stops accepting, closes every connection and stops the event loops.
    package func shutdown() throws {
        try? channel.close().wait()
        try group.syncShutdownGracefully()
    }
}

package enum ServerError: Error, CustomStringConvertible {
    case cannotBind(host: String, port: Int, reason: String)

    package var description: String {
        switch self {
        case let .cannotBind(host, port, reason): return "cannot listen on \(host):\(port): \(reason)"
        }
    }
}
