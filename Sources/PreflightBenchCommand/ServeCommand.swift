import ArgumentParser
import BenchmarkHost
import CORSPolicy
import Dispatch
import Foundation
import PreflightCache
import PreflightHTTPServer

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve preflights over HTTP/1.1 from a policy, to measure or check with load, wrk or a browser.",
        discussion: """
            An OPTIONS request with Origin and Access-Control-Request-Method is a preflight: \
            decided by the engine (through the cache) and answered with the headers \
            `evaluate` prints. Any other request, on any path, is an actual request: 200 with \
            a small body and, for an allowed origin, Access-Control-Allow-Origin (and \
            -Credentials, -Expose-Headers) with Vary: Origin. \
            GET \(PreflightServer.statisticsPath) returns the counters and the cache's \
            statistics as JSON.

            --cors off answers every request with the same plain 200 and no CORS headers: \
            load it and then the default to price deciding preflights inside a real server.

            Limits: header fields over --max-header-field bytes (or all headers over four \
            times that, or more than 128 lines) get 431; malformed requests get 400; a \
            request head not complete within --header-timeout seconds of its first byte \
            gets 408; connections silent for --idle-timeout seconds are closed. SIGINT or \
            SIGTERM stops the server after closing its connections.

            Examples:
              preflight-bench serve --scenario realistic --port 8080
              preflight-bench serve --policy policy.json --cache none --threads 2
              preflight-bench load --target http://127.0.0.1:8080 --scenario realistic
            """
    )

    @OptionGroup var source: PolicySourceOptions
    @OptionGroup var cacheChoice: CacheChoiceOptions

    @Option(name: .long, help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0 picks a free one and prints it).")
    var port = 8080

    @Option(name: .long, help: "Event loop threads (default: one per core).")
    var threads = ServerConfiguration.coreCount

    @Option(name: .long, help: "CORS handling: on, or off for the no-CORS baseline.")
    var cors: Switch = .on

    @Option(name: .customLong("max-header-field"), help: "Largest header field in bytes (256 to 1048576).")
    var maximumHeaderField = ServerConfiguration().maximumHeaderFieldBytes

    @Option(name: .long, help: "Seconds from a request's first byte to its complete head (above 0).")
    var headerTimeout = ServerConfiguration().headerTimeout

    @Option(name: .long, help: "Seconds a connection may stay silent between requests (above 0).")
    var idleTimeout = ServerConfiguration().idleTimeout

    enum Switch: String, ExpressibleByArgument, CaseIterable { case on, off }

    func validate() throws {
        guard (source.policy == nil) != (source.scenario == nil) else {
            throw ValidationError("give exactly one of --policy FILE or --scenario NAME")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard (1...1024).contains(threads) else { throw ValidationError("--threads must be between 1 and 1024") }
        guard (256...1_048_576).contains(maximumHeaderField) else { throw ValidationError("--max-header-field must be between 256 and 1048576") }
        guard headerTimeout > 0, headerTimeout <= 86400, idleTimeout > 0, idleTimeout <= 86400 else {
            throw ValidationError("--header-timeout and --idle-timeout must be above 0 and at most 86400 seconds")
        }
        if let scenario = source.scenario { do { try ScenarioSource.check(scenario) } catch { throw ValidationError(error.description) } }
    }

    func run() throws {
        let policy = try source.loadPolicy()!
        let evaluator = PreflightEvaluator(policy: policy, matcher: cacheChoice.matcher)
        let decider = cors == .off ? nil
            : makePreflightDecider(cacheChoice.cache, evaluator: evaluator, configuration: cacheChoice.configuration, clock: SystemPreflightClock())
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.threads = threads
        configuration.maximumHeaderFieldBytes = maximumHeaderField
        configuration.maximumHeaderBytes = 4 * maximumHeaderField
        configuration.headerTimeout = headerTimeout
        configuration.idleTimeout = idleTimeout
        let server = try reportingFailures {
            do { return try PreflightServer(service: PreflightService(evaluator: evaluator, decider: decider), configuration: configuration) }
            catch { throw HostError("\(error)") }
        }
        let what = cors == .off ? "no CORS (baseline)" : "cache \(cacheChoice.cache)"
        StandardError.line("serving on http://\(host):\(server.port) with \(threads) thread\(threads == 1 ? "" : "s"), \(what); \(policy.summary)")
        // Stop on SIGINT or SIGTERM: the handlers run on a dispatch queue, not in signal context.
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { try? server.shutdown() }
            source.resume()
            sources.append(source)
        }
        try server.waitUntilClosed()
        let s = server.service.counters.snapshot
        StandardError.line("stopped: \(s.preflights) preflights (\(s.allowedPreflights) allowed), \(s.actualRequests) other requests, "
            + "\(s.badRequests) bad requests, \(s.timeouts) timeouts, \(s.connections) connections")
        withExtendedLifetime(sources) {}
    }
}
