package import CORSPolicy
package import JSONValue

/// Preflight requests as JSON Lines, one object per line, and decisions as
/// the JSON objects `evaluate` prints, for requests files and scripts:
///
///     {"origin": "https://app.example.com", "method": "PUT", "headers": "content-type"}
///     {"allowed": true, "reason": "allowed", "status": 204, "headers": {...}}
///
/// `headers` is the Access-Control-Request-Headers value, absent or null when
/// the request has none, or an array of strings for several header lines.
package enum RequestLines {
    package static let keys = ["origin", "method", "headers"]

    /// Calls `body` with each line that is not blank, in order: its number
    /// and its request, or what is wrong with it (`file:line: ...`). `body`
    /// returns false to stop.
    package static func forEachLine(in bytes: [UInt8], file: String, _ body: (Int, Result<PreflightRequest, RequestLineError>) -> Bool) {
        var number = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let result: Result<PreflightRequest, RequestLineError>
            do { result = .success(try request(Array(line))) } catch {
                result = .failure(RequestLineError(line: number, description: "\(file):\(number): \(error.problems.map(\.description).joined(separator: "; "))"))
            }
            if !body(number, result) { return }
        }
    }

    /// The request one line holds.
    package static func request(_ line: [UInt8]) throws(PolicyError) -> PreflightRequest {
        let document: JSONDocument
        do { document = try JSONValue.parseDocument(line) } catch {
            throw PolicyError([JSONProblem(path: "", message: "invalid JSON at column \(error.position.column): \(error.message)")])
        }
        var reader = JSONObjectReader(document.root, what: "a request", knownKeys: keys)
        let origin = reader.string("origin", required: true), method = reader.string("method", required: true)
        var headers: String?
        if case .string? = reader.value("headers") {
            headers = reader.string("headers")
        } else if !reader.isNull("headers"), reader.value("headers") != nil {
            headers = reader.strings("headers")?.joined(separator: ",")
        }
        guard let origin, let method, reader.problems.isEmpty else { throw PolicyError(reader.problems) }
        return PreflightRequest(origin: origin, method: method, requestHeaders: headers)
    }

    /// The decision and the response as one JSON object: `allowed`,
    /// `reason`, for a denial the `detail` that explains it, `status` and
    /// the response `headers` by name.
    package static func outcome(_ decision: PreflightDecision, _ response: PreflightResponse, detail: String? = nil) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("allowed", .bool(decision.isAllowed)), ("reason", .string(decision.reason.rawValue))]
        if let detail { members.append(("detail", .string(detail))) }
        members += [("status", .int(response.status)), ("headers", .object(response.headers.map { ($0.name, JSONValue.string($0.value)) }))]
        return .object(members)
    }

    /// The object printed in place of a line that is not a request.
    package static func failure(_ error: RequestLineError) -> JSONValue {
        .object([("line", .int(error.line)), ("error", .string(error.description))])
    }
}

/// A line of a requests file that is not a request: `file:line: what is wrong`.
package struct RequestLineError: Error, CustomStringConvertible {
    package var line: Int
    package var description: String
}
