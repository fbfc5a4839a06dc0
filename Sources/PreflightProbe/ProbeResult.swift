import CORSPolicy

/// One case's verdict: the scorecard's row.
package struct ProbeResult: Sendable {
    package enum Status: String, Sendable {
        /// The server answered as the policy means, in every browser.
        case pass
        /// A browser would do what the policy refuses, or refuse what it allows.
        case finding
        /// No usable answer (a hostile request may be refused by closing, but not by stalling).
        case error
    }

    package var probe: ProbeCase
    package var observation: ProbeObservation
    package var status: Status
    /// The finding's severity (the case's, raised to critical where credentials are exposed); nil on a pass.
    package var severity: ProbeSeverity?
    /// What was seen, in one line.
    package var detail: String
    /// Where the Fetch standard and a shipping browser read the response differently, such as
    /// "spec: blocked; Chromium: allowed; Firefox: allowed"; nil where they agree.
    package var browserDifference: String?

    /// Judges `observation` of `probe`. `timeLimit`: how long an answer may take.
    package init(probe: ProbeCase, observation: ProbeObservation, timeLimit: Double) {
        self.probe = probe
        self.observation = observation
        let readers: [BrowserPreflightCheck.Rules] = [.fetchStandard, .chromium, .firefox]
        func label(_ credentials: Bool) -> String? {
            let verdicts = readers.map { observation.accepted[$0].map { credentials ? $0.credentials : $0.plain } ?? false }
            guard Set(verdicts).count > 1 else { return nil }
            return zip(readers, verdicts).map { "\($0.0 == .fetchStandard ? "spec" : $0.0.displayName): \($0.1 ? "allowed" : "blocked")" }
                .joined(separator: "; ") + (credentials ? " (with credentials)" : "")
        }
        browserDifference = label(false) ?? label(true)

        if let failure = observation.failure {
            let refusedByClosing = probe.isHostile && failure == "closed"
            status = refusedByClosing ? .pass : .error
            severity = refusedByClosing ? nil : (failure == "timeout" && probe.isHostile ? .medium : nil)
            if severity != nil { status = .finding }
            detail = refusedByClosing ? "refused by closing the connection" : "no answer: \(failure) after \(Self.format(observation.seconds)) s"
            return
        }
        if observation.seconds > timeLimit {
            (status, severity, detail) = (.finding, .medium, "answered after \(Self.format(observation.seconds)) s")
            return
        }
        let anyBrowser = { (credentials: Bool) in
            readers.contains { observation.accepted[$0].map { credentials ? $0.credentials : $0.plain } ?? false }
        }
        let spec = observation.accepted[.fetchStandard] ?? (false, false)
        let head = "status \(observation.status), allow-origin \(observation.allowOrigin.map { "\"\(Self.clip($0))\"" } ?? "absent")"
            + (observation.allowCredentials.map { ", allow-credentials \"\(Self.clip($0))\"" } ?? "")
        if !probe.policyAllowsWithCredentials && anyBrowser(true) {
            (status, severity) = (.finding, probe.isHostile || probe.policyAllows ? probe.severity : .critical)
            detail = "let through with credentials (\(head)); the policy refuses it"
        } else if !probe.policyAllows && anyBrowser(false) {
            (status, severity) = (.finding, probe.severity)
            detail = "let through (\(head)); the policy refuses it"
        } else if probe.policyAllows && !spec.plain && !anyBrowser(false) {
            (status, severity) = (.finding, .low)
            detail = "refused (\(head)\(observation.standardOutcome.map { ", \($0.rawValue)" } ?? "")); the policy allows it"
        } else if probe.policyAllowsWithCredentials && !spec.credentials && !anyBrowser(true) {
            (status, severity) = (.finding, .low)
            detail = "refused with credentials (\(head)); the policy allows credentials"
        } else if probe.checksVary, let origin = observation.allowOrigin, origin != "*", !Self.listHas(observation.vary, "origin") {
            (status, severity) = (.finding, .medium)
            detail = "allow-origin names one origin without Vary: Origin: a shared cache serves one origin's answer to another"
        } else if observation.allowOrigin == "*" && observation.allowCredentials == "true" {
            (status, severity) = (.finding, .low)
            detail = "allow-origin * with allow-credentials true: browsers refuse it, so credentialed clients break"
        } else {
            (status, severity) = (.pass, nil)
            detail = probe.policyAllows ? "let through, as the policy allows (\(head))" : "refused, as the policy means (\(head))"
        }
    }

    static func listHas(_ list: String?, _ name: String) -> Bool {
        guard let list else { return false }
        return list.split(separator: ",").contains { element in
            let trimmed = element.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }
            let word = String(trimmed.reversed()).lowercased()
            return word == name || word == "*"
        }
    }

    static func clip(_ s: String) -> String { s.count > 60 ? s.prefix(57) + "..." : s }

    /// Seconds with three decimals, without Foundation.
    static func format(_ seconds: Double) -> String {
        let ms = Int((seconds * 1000).rounded())
        let fraction = String(ms % 1000)
        return "\(ms / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
