package import CORSPolicy
import PreflightLoad
package import Histogram

/// What one `load` repetition measured.
package struct HTTPLoadResult: Sendable {
    /// Responses received inside the measured window.
    package var responses = 0
    /// The window's length in seconds.
    package var seconds: Double = 0
    /// Latency of those responses in nanoseconds (from the intended send time in open loop).
    package var latency = HTTPPointDetails.emptyLatency()
    /// Responses checked against the policy, and those a browser would treat
    /// exactly as the policy intends (all responses, warm-up included).
    package var checked = 0
    package var conforming = 0
    package var mismatches: [Mismatch] = []
    /// Failures by kind: connect, timeout, closed, malformed-response, unsupported-framing.
    package var errors: [String: Int] = [:]
    /// Requests sent again because the server closed the connection before
    /// answering (RFC 9112 section 9.3.1); not errors unless the retry failed.
    package var retries = 0

    package var requestsPerSecond: Double { seconds > 0 ? Double(responses) / seconds : 0 }
    package var conformance: Double { checked == 0 ? 0 : Double(conforming) / Double(checked) }

    /// A response a browser would not treat as the policy intends.
    package struct Mismatch: Sendable, CustomStringConvertible {
        package var request: String
        package var response: String
        package var policyAllows: Bool
        /// The Fetch standard's verdict.
        package var browser: BrowserPreflightCheck.Outcome
        /// Where shipping browsers decide otherwise than the standard
        /// ("Chromium: accepted, Firefox: accepted"); nil where they agree.
        package var browsers: String?

        package var description: String {
            "policy \(policyAllows ? "allows" : "denies") it, the Fetch standard's check finds: \(browser.rawValue)"
                + (browsers.map { " (spec vs browsers: \($0))" } ?? "") + "\n"
                + "  request:  \(request)\n  response: " + response.split(separator: "\r\n", omittingEmptySubsequences: true).joined(separator: " | ")
        }
    }

    package mutating func add(_ other: HTTPLoadResult, keepingMismatches limit: Int) {
        responses += other.responses
        latency.add(other.latency)
        checked += other.checked
        conforming += other.conforming
        mismatches += other.mismatches.prefix(max(0, limit - mismatches.count))
        for (kind, count) in other.errors { errors[kind, default: 0] += count }
        retries += other.retries
    }

}
