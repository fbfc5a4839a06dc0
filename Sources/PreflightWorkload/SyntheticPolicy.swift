package import InternalByteUtilities

/// Origin pattern lists of any size, shaped like real allow-lists: customer
/// domains, tenant subdomains of a SaaS host, local development ports, and
/// wildcard patterns for tenants that own their subdomains.
package enum SyntheticPolicy {
    /// `count` distinct patterns, a `wildcardShare` of them `*.` wildcards.
    ///
    /// - Complexity: O(count).
    package static func patterns(count: Int, wildcardShare: Double, seed: UInt64 = 1) -> [String] {
        var rng = SplitMix64(seed: seed)
        var out: [String] = []
        out.reserveCapacity(count)
        let wildcardEvery = wildcardShare > 0 ? max(1.0, 1.0 / wildcardShare) : .infinity
        var nextWildcard = wildcardEvery / 2
        for i in 0..<count {
            if Double(i) >= nextWildcard {
                nextWildcard += wildcardEvery
                out.append(i % 3 == 0 ? "https://*.customer\(i).com" : "https://*.t\(i).example.net" + (i % 7 == 0 ? ":*" : ""))
                continue
            }
            switch rng.next() % 8 {
            case 0, 1, 2: out.append("https://app\(i).example.com")
            case 3, 4: out.append("https://www.customer\(i).com")
            case 5: out.append("https://tenant\(i).saas-provider.io")
            case 6: out.append("https://portal.customer\(i).co.uk")
            default:
                // A few local development ports, as real policies list; the rest staging hosts.
                out.append(i < 64 ? "http://localhost:\(3000 + i)" : "https://staging\(i).example.dev:\(8000 + i % 1000)")
            }
        }
        return Array(Set(out)).sorted()
    }

    /// An origin the pattern allows: itself, or a subdomain / port for wildcards.
    package static func allowedOrigin(for pattern: String, _ rng: inout SplitMix64) -> String {
        var origin = pattern
        if origin.hasSuffix(":*") {
            origin.removeLast(2)
            if rng.next() % 2 == 0 { origin += ":\(1024 + rng.next() % 60000)" }
        }
        if let star = origin.range(of: "*.") {
            let labels = ["api", "www", "admin", "eu.api", "a1", "static"]
            origin.replaceSubrange(star, with: labels[Int(rng.next() % UInt64(labels.count))] + ".")
        }
        return origin
    }

    /// An origin close to the pattern that it must not allow: the classic
    /// matching flaws (prefix and suffix tricks, scheme, port, bare domain).
    package static func nearMiss(for pattern: String, _ rng: inout SplitMix64) -> String {
        let base = allowedOrigin(for: pattern, &rng)
        let host = base.split(separator: "/").last.map(String.init) ?? base
        switch rng.next() % 6 {
        case 0: return base + ".evil.net"
        case 1: return "https://evil" + host.replacingFirst(".", with: "")
        case 2: return base.hasPrefix("https:") ? "http:" + base.dropFirst(6) : "https:" + base.dropFirst(5)
        case 3: return base + (base.contains("localhost") ? "0" : ":8443")
        case 4: return "https://stranger\(rng.next() % 1_000_000).org"
        default: return "https://" + host.split(separator: ".").dropFirst().joined(separator: ".")
        }
    }
}

extension String {
    func range(of needle: String) -> Range<String.Index>? {
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) { return i..<index(i, offsetBy: needle.count) }
            i = index(after: i)
        }
        return nil
    }

    func replacingFirst(_ needle: String, with replacement: String) -> String {
        guard let r = range(of: needle) else { return self }
        var copy = self
        copy.replaceSubrange(r, with: replacement)
        return copy
    }
}
