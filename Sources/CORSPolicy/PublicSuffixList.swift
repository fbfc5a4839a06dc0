/// The Public Suffix List, embedded (see `PublicSuffixList+Rules.swift`), so a
/// wildcard such as `https://*.co.uk` or `https://*.github.io` is refused the
/// same way on every machine (cors-facts.md section 4 item 4).
enum PublicSuffixList {
    struct Rules: Sendable {
        var names: Set<Substring> = []
        var wildcards: Set<Substring> = []
        var exceptions: Set<Substring> = []
    }

    /// Parsed on first use (about 10,000 rules), at policy validation only.
    static let rules: Rules = {
        var rules = Rules()
        for line in embeddedRules.split(separator: "\n") {
            if line.hasPrefix("!") { rules.exceptions.insert(line.dropFirst()) }
            else if line.hasPrefix("*.") { rules.wildcards.insert(line.dropFirst(2)) }
            else { rules.names.insert(line) }
        }
        return rules
    }()

    /// True when `host` (lowercase, punycode) is itself a public suffix, so that
    /// `*.host` would cover registrable domains of unrelated owners. A single
    /// label is a suffix under the list's default `*` rule, except `localhost`,
    /// whose subdomains are loopback by RFC 6761.
    static func isPublicSuffix(_ host: String) -> Bool {
        let host = Substring(host)
        if rules.exceptions.contains(host) { return false }
        if rules.names.contains(host) { return true }
        guard let dot = host.firstIndex(of: ".") else { return host != "localhost" }
        return rules.wildcards.contains(host[host.index(after: dot)...])
    }
}
