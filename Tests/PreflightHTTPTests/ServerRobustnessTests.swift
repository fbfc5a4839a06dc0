import CORSPolicy
import Foundation
import PreflightCache
import Testing
import PreflightHTTPServer

/// A server on a free loopback port for one test, shut down after it.
func withServer<R>(policy: CORSPolicy = testPolicy, cache: PreflightCacheKind? = .sharded, headerTimeout: Double = 10, idleTimeout: Double = 60,
                   _ body: (PreflightServer) throws -> R) throws -> R {
    let evaluator = PreflightEvaluator(policy: policy)
    let decider = cache.map { makePreflightDecider($0, evaluator: evaluator, configuration: CacheConfiguration(capacity: 1000, shards: 4),
                                                   clock: SystemPreflightClock()) }
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.threads = 2
    configuration.headerTimeout = headerTimeout
    configuration.idleTimeout = idleTimeout
    let server = try PreflightServer(service: PreflightService(evaluator: evaluator, decider: decider), configuration: configuration)
    defer { try? server.shutdown() }
    return try body(server)
}

let testPolicy = try! CORSPolicy(validating: PolicyConfiguration(
    origins: ["https://app.example.com", "https://*.example.com"], methods: ["PUT", "DELETE"],
    requestHeaders: ["content-type", "x-request-id"], exposeHeaders: ["etag"], maxAge: 600))

func preflight(origin: String = "https://app.example.com", method: String = "PUT", headers: String? = "content-type",
               extra: String = "") -> String {
    "OPTIONS /api HTTP/1.1\r\nhost: localhost\r\norigin: \(origin)\r\naccess-control-request-method: \(method)\r\n"
        + (headers.map { "access-control-request-headers: \($0)\r\n" } ?? "") + extra + "\r\n"
}

/// Each hostile input over a real socket: answered or closed promptly, and
/// the server answers the next client as if nothing happened.
@Suite(.serialized) struct ServerRobustnessTests {
    static func stillServes(_ server: PreflightServer) throws {
        let connection = try RawConnection(port: server.port)
        connection.send(preflight())
        let response = connection.readResponses(1).first ?? ""
        #expect(response.hasPrefix("HTTP/1.1 204 No Content\r\n"), "\(response)")
        #expect(response.contains("access-control-allow-origin: https://app.example.com\r\n"))
    }

    @Test func answersPreflightsActualRequestsAndStatistics() throws {
        try withServer { server in
            let connection = try RawConnection(port: server.port)
            connection.send(preflight() + preflight(origin: "https://evil.com") + "GET /x HTTP/1.1\r\nhost: h\r\norigin: https://app.example.com\r\n\r\n"
                            + "GET /.well-known/preflight-bench/stats HTTP/1.1\r\nhost: h\r\n\r\n")
            var responses = connection.readResponses(4)
            try #require(responses.count == 4, "\(responses)")
            // HEAD (alone: its content-length describes a body that is not sent).
            let head = try RawConnection(port: server.port)
            head.send("HEAD /x HTTP/1.1\r\nhost: h\r\n\r\n")
            responses.insert(head.read { $0.hasSuffix("\r\n\r\n") }.text, at: 3)
            #expect(responses[0].contains("access-control-allow-methods: PUT\r\n") && responses[0].contains("access-control-max-age: 600\r\n"))
            #expect(responses[1].hasPrefix("HTTP/1.1 403 Forbidden\r\n") && !responses[1].contains("access-control-allow-origin"))
            #expect(responses[2].hasPrefix("HTTP/1.1 200 OK\r\n") && responses[2].contains("access-control-expose-headers: etag\r\n")
                    && responses[2].contains("vary: origin\r\n") && responses[2].hasSuffix("\r\n\r\nok\n"))
            // HEAD: the GET response's head, content-length included, and no body.
            #expect(responses[3].contains("content-length: 3\r\n") && responses[3].hasSuffix("\r\n\r\n") && !responses[3].contains("access-control"))
            let statistics = try JSONSerialization.jsonObject(with: Data(responses[4].components(separatedBy: "\r\n\r\n")[1].utf8)) as! [String: Any]
            #expect(statistics["preflights"] as? Int == 2 && statistics["allowedPreflights"] as? Int == 1 && statistics["actualRequests"] as? Int == 1)
            #expect(responses.allSatisfy { $0.contains("\r\ndate: ") })
        }
    }

    @Test func refusesAMegabyteOriginWith431AndStaysUp() throws {
        try withServer { server in
            let connection = try RawConnection(port: server.port)
            connection.send(preflight(origin: "https://" + String(repeating: "a", count: 1 << 20) + ".example.com"))
            let (text, closed) = connection.read()
            #expect(text.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"), "\(text.prefix(200))")
            #expect(closed)
            // A megabyte of URL is held to the same limits.
            let url = try RawConnection(port: server.port)
            url.send("GET /" + String(repeating: "a", count: 1 << 20) + " HTTP/1.1\r\nhost: h\r\n\r\n")
            let (urlText, urlClosed) = url.read()
            #expect(urlText.hasPrefix("HTTP/1.1 431 "), "\(urlText.prefix(200))")
            #expect(urlClosed)
            try Self.stillServes(server)
        }
    }

    @Test func joinsSeveralRequestHeaderLinesAndRefusesTooMany() throws {
        try withServer { server in
            let two = try RawConnection(port: server.port)
            two.send(preflight(headers: "content-type", extra: "access-control-request-headers: x-request-id\r\n"))
            let joined = two.readResponses(1).first ?? ""
            #expect(joined.contains("access-control-allow-headers: content-type,x-request-id\r\n"), "\(joined)")
            let many = try RawConnection(port: server.port)
            many.send(preflight(extra: String(repeating: "access-control-request-headers: x-request-id\r\n", count: 500)))
            let (text, closed) = many.read()
            #expect(text.hasPrefix("HTTP/1.1 431 "), "\(text.prefix(200))")
            #expect(closed)
            try Self.stillServes(server)
        }
    }

    @Test(arguments: ["GARBAGE\r\n\r\n", "OPTIONS /\r\n\r\n", "GET / HTTP/1.1\r\nno colon here\r\n\r\n", "\u{0}\u{1}\u{2}\r\n\r\n"])
    func answersMalformedRequestsWith400(request: String) throws {
        try withServer { server in
            let connection = try RawConnection(port: server.port)
            connection.send(request)
            let (text, closed) = connection.read()
            #expect(text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(text)")
            #expect(closed)
            try Self.stillServes(server)
        }
    }

    @Test func cutsOffAHeadTrickledSlowerThanTheHeaderTimeout() throws {
        try withServer(headerTimeout: 0.3) { server in
            let connection = try RawConnection(port: server.port)
            let started = Date()
            connection.send("OPTIONS / HTTP/1.1\r\nhost: h\r\n")
            var closedEarly = false
            for byte in "origin: https://app.example.com\r\n".utf8 {
                if !connection.send([byte]) { closedEarly = true; break }
                Thread.sleep(forTimeInterval: 0.05)
                if Date().timeIntervalSince(started) > 1 { break }
            }
            let (text, _) = connection.read()
            #expect(closedEarly || text.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), "\(text)")
            #expect(Date().timeIntervalSince(started) < 3)
            try Self.stillServes(server)
        }
    }

    @Test func survivesClientsThatVanishMidRequest() throws {
        try withServer { server in
            for _ in 0..<50 {
                let connection = try RawConnection(port: server.port)
                connection.send(String(preflight().prefix(40)))
                var linger = linger(l_onoff: 1, l_linger: 0)  // close with RST: an abrupt disconnect
                setsockopt(connection.fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
            }
            try Self.stillServes(server)
        }
    }

    /// A client that pipelines requests and never reads: the server stops
    /// reading once its responses back up, instead of buffering without bound.
    @Test func stopsReadingFromAClientThatDoesNotReadItsResponses() throws {
        try withServer { server in
            let connection = try RawConnection(port: server.port, receiveBufferBytes: 4096)
            var flags = fcntl(connection.fd, F_GETFL)
            flags |= O_NONBLOCK
            _ = fcntl(connection.fd, F_SETFL, flags)
            let batch = Array(String(repeating: preflight(), count: 100).utf8)
            var sent = 0
            var stalled: Date?
            let started = Date()
            while Date().timeIntervalSince(started) < 20 {
                let n = batch.withUnsafeBytes { Glibc.send(connection.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n > 0 { sent += n; stalled = nil; continue }
                if stalled == nil { stalled = Date() }
                // The server has stopped reading. A stall alone is not enough: a server
                // slowed down (ThreadSanitizer, a busy machine) stalls the sender too
                // before its responses back up, so wait for the pause it counts.
                if Date().timeIntervalSince(stalled!) > 1 && server.service.counters.snapshot.readPauses >= 1 { break }
                Thread.sleep(forTimeInterval: 0.01)
            }
            #expect(stalled != nil, "the server kept reading \(sent) bytes")
            #expect(server.service.counters.snapshot.readPauses >= 1)
            #expect(sent < 64 << 20)
            try Self.stillServes(server)
        }
    }

    @Test func closesWhenTheClientAsksTo() throws {
        try withServer { server in
            let connection = try RawConnection(port: server.port)
            connection.send(preflight(extra: "connection: close\r\n"))
            let (text, closed) = connection.read()
            #expect(text.contains("connection: close\r\n") && closed)
        }
    }
}
