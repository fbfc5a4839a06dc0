package import CORSPolicy

/// What came back for one `ProbeRequest`, read as browsers read it.
package struct ProbeObservation: Sendable {
    /// The status, 0 when no response head arrived.
    package var status = 0
    /// Why no response arrived (connect, timeout, closed, malformed), or nil.
    package var failure: String?
    /// The CORS fields, each combined from its lines as the Fetch standard combines them.
    package var allowOrigin: String?
    package var allowCredentials: String?
    package var vary: String?
    /// The response head, at most 2 KiB, for the report.
    package var head = ""
    /// Seconds from connecting to the response head's end (or the failure).
    package var seconds = 0.0
    /// Whether each reader lets the request through, without and with credentials.
    package var accepted: [BrowserPreflightCheck.Rules: (plain: Bool, credentials: Bool)] = [:]
    /// The Fetch standard's outcome without credentials, for the report.
    package var standardOutcome: BrowserPreflightCheck.Outcome?

    package init() {}
}
