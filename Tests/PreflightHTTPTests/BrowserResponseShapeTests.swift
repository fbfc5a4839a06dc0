import CORSPolicy
import Foundation
import Testing
@testable import PreflightLoadClient

/// Preflight responses of many shapes (split and repeated fields, case,
/// whitespace, empty elements, long values, `*` with and without
/// credentials, odd statuses, lowercase methods) served byte for byte,
/// fetched cross-origin in real headless browsers, and judged by
/// `BrowserPreflightCheck` from the same bytes through `load`'s own
/// response parser: every verdict must be the browser's. Where the Fetch
/// standard and a browser differ, the check's rules for that browser must
/// match it and the standard's verdict is printed beside it.
@Suite struct BrowserResponseShapeTests {
    /// One response shape and the fetch that meets it.
    struct Shape {
        var name: String
        /// The status line and header lines; `{origin}` is the page's origin.
        var head: [String]
        var method = "PUT"
        var headers = ["x-a"]
        var credentials = false
        /// What the Fetch standard says; the browsers' verdicts are measured.
        var allowedBySpec: Bool
    }

    static let ok = "HTTP/1.1 204 No Content"
    static let origin = "access-control-allow-origin: {origin}"
    static let put = "access-control-allow-methods: PUT"
    static let xa = "access-control-allow-headers: x-a"
    static let longNames = (0..<60).map { "x-long-header-name-\($0)" }.joined(separator: ", ")
    static let veryLongNames = (0..<500).map { "x-very-long-header-name-\($0)" }.joined(separator: ",")

    static let shapes: [Shape] = [
        Shape(name: "the plain answer", head: [ok, origin, put, xa], allowedBySpec: true),
        Shape(name: "allow-headers on two lines", head: [ok, origin, put, "access-control-allow-headers: x-a", "access-control-allow-headers: x-b"],
              headers: ["x-a", "x-b"], allowedBySpec: true),
        Shape(name: "allow-headers on three lines, one empty", head: [ok, origin, put, "access-control-allow-headers: x-a", "access-control-allow-headers:",
                                                                    "access-control-allow-headers: x-b"], headers: ["x-a", "x-b"], allowedBySpec: true),
        Shape(name: "allow-methods on two lines", head: [ok, origin, "access-control-allow-methods: GET", "access-control-allow-methods: PUT", xa], allowedBySpec: true),
        Shape(name: "allow-methods on two lines, the method on neither", head: [ok, origin, "access-control-allow-methods: GET",
                                                                             "access-control-allow-methods: POST", xa], allowedBySpec: false),
        Shape(name: "header names in upper case", head: [ok, "ACCESS-CONTROL-ALLOW-ORIGIN: {origin}", "Access-Control-Allow-Methods: PUT",
                                                        "ACCESS-control-ALLOW-headers: x-a"], allowedBySpec: true),
        Shape(name: "allowed names in upper case", head: [ok, origin, put, "access-control-allow-headers: X-A"], allowedBySpec: true),
        Shape(name: "spaces and tabs around elements", head: [ok, origin, "access-control-allow-methods:  GET ,\tPUT ", "access-control-allow-headers: \t x-b ,  x-a\t"],
              allowedBySpec: true),
        Shape(name: "a trailing comma", head: [ok, origin, "access-control-allow-methods: PUT,", "access-control-allow-headers: x-a,"], allowedBySpec: true),
        Shape(name: "a leading comma", head: [ok, origin, put, "access-control-allow-headers: ,x-a"], allowedBySpec: true),
        Shape(name: "empty elements", head: [ok, origin, "access-control-allow-methods: GET,,PUT", "access-control-allow-headers: x-b,, ,x-a"], allowedBySpec: true),
        Shape(name: "a hundred empty elements", head: [ok, origin, put, "access-control-allow-headers: " + String(repeating: ",", count: 100) + "x-a"],
              allowedBySpec: true),
        Shape(name: "duplicate names", head: [ok, origin, "access-control-allow-methods: PUT, PUT", "access-control-allow-headers: x-a, x-a"], allowedBySpec: true),
        Shape(name: "sixty allowed names (1.5 KiB), the one needed last", head: [ok, origin, put, "access-control-allow-headers: \(longNames), x-a"],
              allowedBySpec: true),
        Shape(name: "five hundred allowed names (14 KiB)", head: [ok, origin, put, "access-control-allow-headers: \(veryLongNames),x-a"], allowedBySpec: true),
        Shape(name: "an element that is not a token (a space inside)", head: [ok, origin, put, "access-control-allow-headers: x-a, x b"], allowedBySpec: false),
        Shape(name: "an element that is not a token (a semicolon)", head: [ok, origin, put, "access-control-allow-headers: x-a;"], allowedBySpec: false),
        Shape(name: "a method that is not a token", head: [ok, origin, "access-control-allow-methods: PUT GET", xa], allowedBySpec: false),
        Shape(name: "no allow-headers", head: [ok, origin, put], allowedBySpec: false),
        Shape(name: "an empty allow-headers", head: [ok, origin, put, "access-control-allow-headers:"], allowedBySpec: false),
        Shape(name: "a requested header not listed", head: [ok, origin, put, xa], headers: ["x-a", "x-b"], allowedBySpec: false),
        Shape(name: "* headers, no credentials", head: [ok, origin, put, "access-control-allow-headers: *"], allowedBySpec: true),
        Shape(name: "* headers with credentials", head: [ok, origin, put, "access-control-allow-headers: *", "access-control-allow-credentials: true"],
              credentials: true, allowedBySpec: false),
        Shape(name: "* headers and authorization", head: [ok, origin, put, "access-control-allow-headers: *"], headers: ["authorization"], allowedBySpec: false),
        Shape(name: "* headers and authorization listed", head: [ok, origin, put, "access-control-allow-headers: *, authorization"], headers: ["authorization"],
              allowedBySpec: true),
        Shape(name: "* headers with credentials, the name listed too", head: [ok, origin, put, "access-control-allow-headers: *, x-a",
                                                                           "access-control-allow-credentials: true"], credentials: true, allowedBySpec: true),
        Shape(name: "allow-methods put for PUT (methods are case-sensitive)", head: [ok, origin, "access-control-allow-methods: put", xa], allowedBySpec: false),
        Shape(name: "fetch(method: put) is sent as PUT", head: [ok, origin, put, xa], method: "put", allowedBySpec: true),
        Shape(name: "fetch(method: patch) stays patch: PATCH does not cover it", head: [ok, origin, "access-control-allow-methods: PATCH"], method: "patch",
              headers: [], allowedBySpec: false),
        Shape(name: "fetch(method: patch) with patch listed", head: [ok, origin, "access-control-allow-methods: patch"], method: "patch", headers: [],
              allowedBySpec: true),
        Shape(name: "* methods, no credentials", head: [ok, origin, "access-control-allow-methods: *", xa], method: "DELETE", allowedBySpec: true),
        Shape(name: "* methods with credentials", head: [ok, origin, "access-control-allow-methods: *", xa, "access-control-allow-credentials: true"],
              method: "DELETE", credentials: true, allowedBySpec: false),
        Shape(name: "no allow-methods for PUT", head: [ok, origin, xa], allowedBySpec: false),
        Shape(name: "no allow-methods for POST (safelisted)", head: [ok, origin, xa], method: "POST", allowedBySpec: true),
        Shape(name: "no allow-methods for HEAD (safelisted)", head: [ok, origin, xa], method: "HEAD", allowedBySpec: true),
        Shape(name: "fetch(method: head) is sent as HEAD", head: [ok, origin, xa], method: "head", allowedBySpec: true),
        Shape(name: "allow-origin twice, the same origin", head: [ok, origin, origin, put, xa], allowedBySpec: false),
        Shape(name: "allow-origin * and the origin on two lines", head: [ok, "access-control-allow-origin: *", origin, put, xa], allowedBySpec: false),
        Shape(name: "allow-origin on a second, empty line", head: [ok, origin, "access-control-allow-origin:", put, xa], allowedBySpec: false),
        Shape(name: "allow-origin on an empty line, then the origin", head: [ok, "access-control-allow-origin:", origin, put, xa], allowedBySpec: false),
        Shape(name: "allow-credentials true, then an empty line", head: [ok, origin, put, xa, "access-control-allow-credentials: true",
                                                                      "access-control-allow-credentials:"], credentials: true, allowedBySpec: false),
        Shape(name: "* headers and authorization with credentials", head: [ok, origin, put, "access-control-allow-headers: *",
                                                                           "access-control-allow-credentials: true"], headers: ["authorization"],
              credentials: true, allowedBySpec: false),
        Shape(name: "allow-origin *, no credentials", head: [ok, "access-control-allow-origin: *", put, xa], allowedBySpec: true),
        Shape(name: "allow-origin * with credentials", head: [ok, "access-control-allow-origin: *", put, xa, "access-control-allow-credentials: true"],
              credentials: true, allowedBySpec: false),
        Shape(name: "allow-origin with a trailing slash", head: [ok, "access-control-allow-origin: {origin}/", put, xa], allowedBySpec: false),
        Shape(name: "allow-origin in upper case", head: [ok, "access-control-allow-origin: {ORIGIN}", put, xa], allowedBySpec: false),
        Shape(name: "allow-origin null", head: [ok, "access-control-allow-origin: null", put, xa], allowedBySpec: false),
        Shape(name: "allow-origin with spaces around it", head: [ok, "access-control-allow-origin:   {origin}  ", put, xa], allowedBySpec: true),
        Shape(name: "no allow-origin", head: [ok, put, xa], allowedBySpec: false),
        Shape(name: "a list of two origins", head: [ok, "access-control-allow-origin: {origin}, https://other.example", put, xa], allowedBySpec: false),
        Shape(name: "credentials allowed", head: [ok, origin, put, xa, "access-control-allow-credentials: true"], credentials: true, allowedBySpec: true),
        Shape(name: "allow-credentials True", head: [ok, origin, put, xa, "access-control-allow-credentials: True"], credentials: true, allowedBySpec: false),
        Shape(name: "allow-credentials true twice", head: [ok, origin, put, xa, "access-control-allow-credentials: true",
                                                         "access-control-allow-credentials: true"], credentials: true, allowedBySpec: false),
        Shape(name: "no allow-credentials with credentials", head: [ok, origin, put, xa], credentials: true, allowedBySpec: false),
        Shape(name: "allow-credentials false without credentials (not read)", head: [ok, origin, put, xa, "access-control-allow-credentials: false"],
              allowedBySpec: true),
        Shape(name: "status 200", head: ["HTTP/1.1 200 OK", origin, put, xa], allowedBySpec: true),
        Shape(name: "status 299", head: ["HTTP/1.1 299 Whatever", origin, put, xa], allowedBySpec: true),
        Shape(name: "status 404", head: ["HTTP/1.1 404 Not Found", origin, put, xa], allowedBySpec: false),
        Shape(name: "status 500", head: ["HTTP/1.1 500 Internal Server Error", origin, put, xa], allowedBySpec: false),
        Shape(name: "status 304", head: ["HTTP/1.1 304 Not Modified", origin, put, xa], allowedBySpec: false),
        Shape(name: "status 403 with every header right", head: ["HTTP/1.1 403 Forbidden", origin, put, xa, "access-control-allow-credentials: true"],
              credentials: true, allowedBySpec: false),
    ]

    /// The method as fetch sends it: DELETE, GET, HEAD, OPTIONS, POST and PUT
    /// are uppercased, any other is left as written (Fetch, "normalize a method").
    static func normalized(_ method: String) -> String {
        ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"].contains(method.uppercased()) ? method.uppercased() : method
    }

    static func responseHead(_ shape: Shape, origin: String) -> String {
        template(shape).replacingOccurrences(of: "{origin}", with: origin).replacingOccurrences(of: "{ORIGIN}", with: origin.uppercased())
    }

    static func template(_ shape: Shape) -> String { shape.head.map { $0 + "\r\n" }.joined() }

    /// The check's verdict on the bytes the server sends, read as `load` reads them.
    static func verdict(_ shape: Shape, origin: String, rules: BrowserPreflightCheck.Rules) throws -> BrowserPreflightCheck.Outcome {
        let bytes = Array((responseHead(shape, origin: origin) + "content-length: 0\r\n\r\n").utf8)
        var scratch: [UInt8] = []
        return try bytes.withUnsafeBytes { raw in
            guard case let .complete(head) = ResponseHead.parse(raw) else { throw ShapeError("shape \(shape.name) does not parse") }
            return head.withValues(raw, scratch: &scratch, dropEmptyLines: rules.dropsEmptyFieldLines) { value in
                var origin = origin, method = normalized(shape.method)
                var names = shape.headers.map { $0.lowercased() }.sorted().joined(separator: ",")
                return origin.withUTF8 { o in
                    method.withUTF8 { m in
                        names.withUTF8 { n in
                            BrowserPreflightCheck.outcome(
                                of: .init(status: head.status, allowOrigin: value(.allowOrigin), allowCredentials: value(.allowCredentials),
                                          allowMethods: value(.allowMethods), allowHeaders: value(.allowHeaders)),
                                origin: UnsafeRawBufferPointer(o), method: UnsafeRawBufferPointer(m),
                                requestHeaders: shape.headers.isEmpty ? nil : UnsafeRawBufferPointer(n), credentials: shape.credentials, rules: rules)
                        }
                    }
                }
            }
        }
    }

    struct ShapeError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test func theShapesAreManyAndTheirSpecVerdictsAreTheCheck() throws {
        #expect(Self.shapes.count >= 40)
        for shape in Self.shapes {
            let outcome = try Self.verdict(shape, origin: "http://127.0.0.1:8000", rules: .fetchStandard)
            #expect(outcome.isAccepted == shape.allowedBySpec, "\(shape.name): the check says \(outcome.rawValue)")
        }
    }

    // The limit only stops a hung browser from holding CI; it times nothing.
    @Test(.timeLimit(.minutes(3)), arguments: HeadlessBrowser.allCases)
    func everyVerdictIsTheBrowsers(_ browser: HeadlessBrowser) async throws {
        let shapes = try ResponseShapeServer(heads: Self.shapes.map(Self.template))
        defer { shapes.shutdown() }
        let fetches = Self.shapes.enumerated().map { i, shape in
            BrowserFetch(url: "http://127.0.0.1:\(shapes.port)/shape/\(i)", method: shape.method, headers: shape.headers.map { ($0, "1") },
                         credentials: shape.credentials)
        }
        let outcomes = try await browser.outcomes(of: fetches)
        let version = await browser.version()
        let rules = browser.rules
        var differences: [String] = []
        let preflights = shapes.preflights.withLockedValue { $0 }
        let pageOrigin = try #require(shapes.origin.withLockedValue { $0 }, "no preflight carried an Origin")
        for (i, (shape, outcome)) in zip(Self.shapes, outcomes).enumerated() {
            let allowed = outcome["ok"] as? Bool == true
            let verdict = try Self.verdict(shape, origin: pageOrigin, rules: rules)
            #expect(verdict.isAccepted == allowed, "\(browser) \(shape.name): \(version) \(allowed ? "allowed" : "blocked") it, the check says \(verdict.rawValue)")
            #expect(preflights[i] == 1, "\(shape.name): preflights that reached the server")
            if allowed != shape.allowedBySpec {
                differences.append("\(shape.name): spec: \(shape.allowedBySpec ? "allowed" : "blocked"); \(version): \(allowed ? "allowed" : "blocked")")
            }
        }
        print("\(version): \(Self.shapes.count) shapes, \(differences.count) differ from the Fetch standard\n" + differences.joined(separator: "\n"))
    }
}
