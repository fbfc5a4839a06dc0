import CORSPolicy
import Foundation
import InternalByteUtilities
@testable import PreflightHTTPServer
import Testing

/// `serve` reads requests from the bytes itself: bodies by their framing,
/// pipelined requests in order, HTTP/1.0 and `Expect`, and a differential
/// check of the head parser on random mutations (never a trap; a head it
/// accepts is one whose lines it reads back).
@Suite(.serialized) struct RequestFramingTests {
    static let actual = "GET /x HTTP/1.1\r\nhost: h\r\norigin: https://app.example.com\r\n\r\n"

    @Test func bodiesAreSkippedByTheirFramingAndTheNextRequestIsRead() throws {
        try withServer { server in
            let connection = try RawConnection(port: server.port)
            let chunked = "PUT /a HTTP/1.1\r\nhost: h\r\ntransfer-encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1A\r\n" + String(repeating: "x", count: 26)
                + "\r\n0\r\ntrailer: t\r\n\r\n"
            let sized = "POST /b HTTP/1.1\r\nhost: h\r\ncontent-length: 11\r\n\r\nhello world"
            // A body that looks like a request must not be read as one.
            let tricky = "POST /c HTTP/1.1\r\nhost: h\r\ncontent-length: \(preflight().utf8.count)\r\n\r\n" + preflight()
            connection.send(chunked + sized + tricky + preflight())
            let responses = connection.readResponses(4)
            try #require(responses.count == 4, "\(responses)")
            #expect(responses[0...2].allSatisfy { $0.hasPrefix("HTTP/1.1 200 OK\r\n") }, "\(responses)")
            #expect(responses[3].hasPrefix("HTTP/1.1 204 No Content\r\n"))
            #expect(server.service.counters.snapshot.preflights == 1 && server.service.counters.snapshot.actualRequests == 3)
        }
    }

    @Test func aBodySentByteByByteIsStillFramed() throws {
        try withServer { server in
            let connection = try RawConnection(port: server.port)
            let request = "PUT /a HTTP/1.1\r\nhost: h\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + preflight()
            for byte in request.utf8 { connection.send([byte]) }
            let responses = connection.readResponses(2)
            #expect(responses.count == 2 && responses[1].hasPrefix("HTTP/1.1 204 "), "\(responses)")
        }
    }

    @Test(arguments: [
        "POST / HTTP/1.1\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\ncontent-length: 3\r\ncontent-length: 4\r\n\r\n",
        "POST / HTTP/1.1\r\ncontent-length: -1\r\n\r\n",
        "POST / HTTP/1.1\r\ntransfer-encoding: gzip\r\n\r\n",
        "GET / HTTP/1.1\r\nhost : h\r\n\r\n",
        "GET / HTTP/1.1\r\nhost: h\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\nhost: h\n\n",
        "GET / HTTP/2.0\r\n\r\n",
        "GET / HTTP/1.1\r\nx: a\u{0}b\r\n\r\n",
    ])
    func smugglingShapesAreRefusedWith400(request: String) throws {
        try withServer { server in
            let connection = try RawConnection(port: server.port)
            connection.send(request)
            let (text, closed) = connection.read { $0.hasSuffix("\r\n\r\n") }
            #expect(text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(request.debugDescription): \(text)")
            #expect(closed || text.contains("connection: close"))
            try ServerRobustnessTests.stillServes(server)
        }
    }

    /// A body whose chunks are malformed arrives after the request was
    /// answered (the answer comes at the head): the connection is closed.
    @Test(arguments: ["zz\r\n", "3\r\nabcX\r\n", String(repeating: "f", count: 2000)])
    func aMalformedChunkedBodyClosesTheConnection(body: String) throws {
        try withServer { server in
            let connection = try RawConnection(port: server.port)
            connection.send("POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n" + body)
            let (text, closed) = connection.read()
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n") && closed, "\(text)")
            #expect(server.service.counters.snapshot.badRequests == 1)
            try ServerRobustnessTests.stillServes(server)
        }
    }

    @Test func http10ClosesUnlessAskedToKeepAliveAndExpectGetsAContinue() throws {
        try withServer { server in
            let old = try RawConnection(port: server.port)
            old.send("GET /x HTTP/1.0\r\norigin: https://app.example.com\r\n\r\n")
            let (text, closed) = old.read()
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n") && text.contains("connection: close\r\n") && closed, "\(text)")
            let kept = try RawConnection(port: server.port)
            kept.send("GET /x HTTP/1.0\r\nconnection: keep-alive\r\n\r\n" + Self.actual)
            #expect(kept.readResponses(2).count == 2)
            let expecting = try RawConnection(port: server.port)
            expecting.send("PUT /x HTTP/1.1\r\nhost: h\r\nexpect: 100-continue\r\ncontent-length: 2\r\n\r\n")
            // The answer comes at the head, after the interim 100 that lets the client send its body.
            let answer = expecting.read { $0.hasSuffix("ok\n") }.text
            #expect(answer.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"), "\(answer)")
            expecting.send("ok" + preflight())
            let next = expecting.readResponses(1)
            #expect(next.first?.hasPrefix("HTTP/1.1 204 No Content\r\n") == true, "\(next)")
        }
    }

    /// The header timeout bounds heads only: a body that keeps flowing is read
    /// however long it takes, and a connection silent past the idle timeout closes.
    @Test func aSlowBodyIsNotAHeadButSilenceCloses() throws {
        try withServer(headerTimeout: 0.5, idleTimeout: 1.5) { server in
            let connection = try RawConnection(port: server.port)
            connection.send("PUT /x HTTP/1.1\r\nhost: h\r\ncontent-length: 4\r\n\r\n")
            for byte in "body".utf8 {
                Thread.sleep(forTimeInterval: 0.3)
                connection.send([byte])
            }
            connection.send(preflight())
            let responses = connection.readResponses(2)
            #expect(responses.count == 2 && responses[1].hasPrefix("HTTP/1.1 204 "), "\(responses)")
            let started = Date()
            let (_, closed) = connection.read()
            #expect(closed && Date().timeIntervalSince(started) < 4)
            #expect(server.service.counters.snapshot.timeouts >= 1)
        }
    }

    @Test func manyPipelinedPreflightsAreAnsweredInOrder() throws {
        try withServer { server in
            let connection = try RawConnection(port: server.port)
            let origins = (0..<200).map { $0 % 3 == 0 ? "https://evil\($0).com" : "https://app.example.com" }
            connection.send(origins.map { preflight(origin: $0) }.joined())
            let responses = connection.readResponses(200)
            try #require(responses.count == 200)
            for (origin, response) in zip(origins, responses) {
                #expect(response.hasPrefix(origin.hasPrefix("https://evil") ? "HTTP/1.1 403 " : "HTTP/1.1 204 "), "\(origin)")
            }
        }
    }

    /// Random byte mutations of valid heads: the parser never traps, and a
    /// head it accepts keeps its framing consistent.
    @Test func theParserNeverTrapsOnMutatedHeads() {
        var random = SystemRandomNumberGenerator()
        let seeds = [preflight(), Self.actual, "PUT / HTTP/1.1\r\ntransfer-encoding: chunked\r\ncontent-length: 2\r\n\r\n"]
        let limits = RequestHead.Limits(fieldBytes: 256, headerBytes: 1024, fields: 16)
        for _ in 0..<20_000 {
            var bytes = Array(seeds.randomElement(using: &random)!.utf8)
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let i = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[i] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.remove(at: i)
                default: bytes.insert(contentsOf: [0x0D, 0x0A, 0x3A, 0x20, 0x2C].shuffled(using: &random).prefix(2), at: i)
                }
            }
            let result = bytes.withUnsafeBytes { RequestHead.parse($0, limits: limits) }
            if case let .complete(head) = result {
                #expect(head.length <= bytes.count && !(head.chunked && head.contentLength != nil))
                #expect(head.origin.map { $0.upperBound <= head.length } ?? true)
            }
        }
    }

    /// The word-at-a-time scans agree with byte-at-a-time ones on random bytes.
    @Test func wordScansAgreeWithByteScans() {
        var random = SystemRandomNumberGenerator()
        // Edges of the scans' byte classes: controls that OR 0x20 maps onto digits and `-`, letters' neighbours, rare token bytes.
        let pool: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x10, 0x19, 0x1F, 0x20, 0x2D, 0x3A, 0x40, 0x41, 0x5A, 0x5B, 0x5F, 0x60, 0x61, 0x7A, 0x7B,
                             0x7C, 0x7E, 0x7F, 0x80, 0x8A, 0xC1, 0xE1, 0xFF]
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &random)).map { _ in
                Bool.random(using: &random) ? pool.randomElement(using: &random)! : UInt8.random(in: 0x20...0x7E, using: &random)
            }
            bytes.withUnsafeBytes { b in
                let from = Int.random(in: 0...b.count, using: &random), to = Int.random(in: from...b.count, using: &random)
                #expect(ByteScan.first(0x0A, in: b, from: from, to: to) == ((from..<to).first { b[$0] == 0x0A } ?? to))
                #expect(RequestHead.hasControlByte(b, from..<to) == (from..<to).contains { (b[$0] < 0x20 && b[$0] != 0x09) || b[$0] == 0x7F })
                #expect(RequestHead.tokenEnd(b, from: from, to: to) == ((from..<to).first { RequestHeaderList.lowercasedTokenByte(b[$0]) == 0 } ?? to))
            }
        }
        let names = ["origin", "Origin", "ORIGIN", "origim", "access-control-request-headers", "Access-Control-Request-Headers",
                     "access-control-request-header_", "access_control-request-headers", "connection", "c0nnection"]
        for name in names {
            let expected = name.lowercased() == "origin" ? true : false
            Array(name.utf8).withUnsafeBytes { #expect(RequestHead.nameIs($0, "origin") == expected, "\(name)") }
            Array(name.utf8).withUnsafeBytes {
                #expect(RequestHead.nameIs($0, "access-control-request-headers") == (name.lowercased() == "access-control-request-headers"), "\(name)")
            }
        }
    }
}
