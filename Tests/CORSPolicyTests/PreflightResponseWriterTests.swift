import CORSPolicy
import Foundation
import InternalByteUtilities
import Testing

/// A response head as written, split into its status and header lines.
struct WrittenHead: Equatable {
    var statusLine: String
    var headers: [(name: String, value: String)]
    var body: String

    init(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        var lines = parts[0].components(separatedBy: "\r\n")
        statusLine = lines.removeFirst()
        headers = lines.map { line in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), String(line[line.index(after: colon)...].dropFirst()))
        }
        body = parts.dropFirst().joined(separator: "\r\n\r\n")
    }

    static func == (a: Self, b: Self) -> Bool {
        a.statusLine == b.statusLine && a.body == b.body && a.headers.count == b.headers.count && zip(a.headers, b.headers).allSatisfy { $0 == $1 }
    }
}

extension PreflightResponseWriter {
    func preflightBytes(_ request: PreflightRequest, _ decision: PreflightDecision, close: Bool = false, extra: String = "") -> [UInt8] {
        let origin = Array(request.origin.utf8), method = Array(request.method.utf8), headers = request.requestHeaders.map { Array($0.utf8) }
        let extraBytes = Array(extra.utf8)
        let size = capacity(originCount: origin.count, methodCount: method.count, requestHeadersCount: headers?.count ?? 0, extraCount: extraBytes.count)
        // Guard bytes past the capacity the writer asked for: it must leave them alone.
        var out = [UInt8](repeating: 0, count: size) + [UInt8](repeating: 0xA5, count: 64)
        let n = origin.withUnsafeBytes { o in method.withUnsafeBytes { m in extraBytes.withUnsafeBytes { e in out.withUnsafeMutableBytes { buffer in
            if let headers {
                return headers.withUnsafeBytes { h in
                    writePreflight(decision, origin: o, method: m, requestHeaders: h, connectionClose: close, extraHeaderLines: e, into: buffer)
                }
            }
            return writePreflight(decision, origin: o, method: m, requestHeaders: nil, connectionClose: close, extraHeaderLines: e, into: buffer)
        } } } }
        #expect(out[size...].allSatisfy { $0 == 0xA5 }, "wrote past capacity(...)")
        return Array(out.prefix(n!))
    }
}

@Suite struct PreflightResponseWriterTests {
    static let origins = ["https://app.example.com", "https://a.b.example.com", "https://evil.com", "null", "http://localhost:3000", "HTTPS://APP.example.com"]
    static let methods = ["GET", "PUT", "DELETE", "patch", "PATCH", "QUERY", "M0", "M9", "PROPFIND", "VERSION-CONTROL", "OPTIONS"]
    /// Method lists with rendered runs for all, some (past `maximumRenderedMethods`,
    /// or over eight bytes) and none of their methods.
    static let methodLists = [["*"], ["PUT", "DELETE", "PATCH"], (0..<10).map { "M\($0)" } + ["PROPFIND", "VERSION-CONTROL"]]
    static let headerLists: [String?] = [nil, "", "content-type", "content-type,x-request-id", " X-Request-ID , Content-Type,content-type,\tCONTENT-TYPE ",
                                         "authorization", " , ", (0..<40).map { "x-h\($0)" }.joined(separator: ","),
                                         (0..<40).map { "X-H\(39 - $0)" }.joined(separator: ", ")]

    @Test func writesExactlyTheHeadersOfResponseTo() throws {
        var rng = SplitMix64(seed: 7)
        for round in 0..<600 {
            let anyOrigin = round % 5 == 0
            var c = PolicyConfiguration(origins: anyOrigin ? ["*"] : ["https://app.example.com", "https://*.example.com", "http://localhost:*"])
            c.credentials = !anyOrigin && Bool.random(using: &rng)
            c.methods = Self.methodLists.randomElement(using: &rng)!
            c.requestHeaders = Bool.random(using: &rng) ? ["*"] : ["content-type", "x-request-id"] + (0..<40).map { "x-h\($0)" }
            c.maxAge = [nil, 0, 600, -1].randomElement(using: &rng)!
            c.preflightStatus = [200, 204, 299].randomElement(using: &rng)!
            c.exposeHeaders = Bool.random(using: &rng) ? [] : ["x-total", "etag"]
            let evaluator = PreflightEvaluator(policy: try CORSPolicy(validating: c))
            let writer = PreflightResponseWriter(policy: evaluator.policy)
            let request = PreflightRequest(origin: Self.origins.randomElement(using: &rng)!, method: Self.methods.randomElement(using: &rng)!,
                                           requestHeaders: Self.headerLists.randomElement(using: &rng)!)
            let decision = evaluator.evaluate(request)
            let expected = evaluator.response(to: request, decision: decision)
            let close = Bool.random(using: &rng)
            let written = WrittenHead(writer.preflightBytes(request, decision, close: close, extra: "date: Fri, 27 Nov 2026 23:00:00 GMT\r\n"))
            #expect(written.statusLine.hasPrefix("HTTP/1.1 \(expected.status) "), "\(c) \(request)")
            var headers = expected.headers
            // Only the writer frames the message: the library's response carries CORS headers alone.
            // The writer puts the framing with the fixed lines, before the echoes (after `vary`).
            if expected.status != 204 {
                let at = headers.firstIndex { $0.name == "vary" }.map { $0 + 1 } ?? headers.endIndex
                headers.insert(("content-length", "0"), at: at)
            }
            if close { headers.append(("connection", "close")) }
            headers.append(("date", "Fri, 27 Nov 2026 23:00:00 GMT"))
            #expect(written.headers.count == headers.count && zip(written.headers, headers).allSatisfy { $0 == $1 },
                    "\(c) \(request)\n\(written.headers)\n\(headers)")
            #expect(written.body.isEmpty)
        }
    }

    @Test func refusesABufferTooSmallInsteadOfOverrunningIt() throws {
        let policy = try CORSPolicy(validating: PolicyConfiguration(origins: ["https://app.example.com"], methods: ["PUT"]))
        let writer = PreflightResponseWriter(policy: policy)
        var out = [UInt8](repeating: 0, count: 16)
        let result = Array("https://app.example.com".utf8).withUnsafeBytes { o in Array("PUT".utf8).withUnsafeBytes { m in
            out.withUnsafeMutableBytes { writer.writePreflight(PreflightDecision(reason: .allowed), origin: o, method: m, requestHeaders: nil, into: $0) }
        } }
        #expect(result == nil)
    }

    @Test(arguments: [false, true])
    func actualResponsesCarryCORSHeadersOnlyForAllowedOrigins(credentials: Bool) throws {
        let policy = try CORSPolicy(validating: PolicyConfiguration(origins: ["https://app.example.com"], exposeHeaders: ["etag"], credentials: credentials))
        let evaluator = PreflightEvaluator(policy: policy)
        let writer = PreflightResponseWriter(policy: policy)
        for (origin, allowed) in [("https://app.example.com", true), ("https://evil.com", false)] {
            let bytes = Array(origin.utf8)
            #expect(bytes.withUnsafeBytes { evaluator.allowsOrigin($0) } == allowed)
            var out = [UInt8](repeating: 0, count: writer.capacity(originCount: bytes.count, methodCount: 0, requestHeadersCount: 0))
            let n = bytes.withUnsafeBytes { o in out.withUnsafeMutableBytes { writer.writeActual(originAllowed: allowed, origin: o, into: $0) } }!
            let head = WrittenHead(Array(out.prefix(n)))
            #expect(head.statusLine == "HTTP/1.1 200 OK")
            #expect(head.body == PreflightResponseWriter.actualBody)
            let names = head.headers.map(\.name)
            #expect(names.contains("access-control-allow-origin") == allowed)
            #expect(head.headers.first { $0.name == "access-control-allow-origin" }?.value == (allowed ? origin : nil))
            #expect(names.contains("access-control-allow-credentials") == (allowed && credentials))
            #expect(names.contains("access-control-expose-headers") == allowed)
            #expect(head.headers.contains { $0 == ("vary", "origin") })
            #expect(head.headers.contains { $0 == ("content-length", "\(PreflightResponseWriter.actualBody.utf8.count)") })
        }
    }
}

