import CORSPolicy

extension ResponseHead {
    /// What a browser following `rules` does with this preflight response
    /// (the head parsed from `bytes`): the fields are combined as that
    /// browser combines them, then `BrowserPreflightCheck` decides.
    /// Allocates only when a repeated field outgrows `scratch`.
    func browserOutcome(_ bytes: UnsafeRawBufferPointer, scratch: inout [UInt8], rules: BrowserPreflightCheck.Rules,
                        origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?,
                        credentials: Bool) -> BrowserPreflightCheck.Outcome {
        withValues(bytes, scratch: &scratch, dropEmptyLines: rules.dropsEmptyFieldLines) { value in
            BrowserPreflightCheck.outcome(
                of: .init(status: status, allowOrigin: value(.allowOrigin), allowCredentials: value(.allowCredentials),
                          allowMethods: value(.allowMethods), allowHeaders: value(.allowHeaders)),
                origin: origin, method: method, requestHeaders: requestHeaders, credentials: credentials, rules: rules)
        }
    }

    /// Where the browsers' verdicts differ from the standard's `standard`:
    /// "Chromium: accepted, Firefox: accepted", or nil when they all agree.
    func browserDifferences(from standard: BrowserPreflightCheck.Outcome, _ bytes: UnsafeRawBufferPointer,
                            origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?,
                            credentials: Bool) -> String? {
        var scratch: [UInt8] = []
        let browsers = [BrowserPreflightCheck.Rules.chromium, .firefox].map { rules in
            (rules, browserOutcome(bytes, scratch: &scratch, rules: rules, origin: origin, method: method,
                                   requestHeaders: requestHeaders, credentials: credentials))
        }
        guard browsers.contains(where: { $0.1 != standard }) else { return nil }
        return browsers.map { "\($0.0.displayName): \($0.1.rawValue)" }.joined(separator: ", ")
    }
}
