extension OriginSyntax.Failure: CustomStringConvertible {
    /// A sentence naming the rule an origin or pattern breaks, the same for
    /// `check` (a policy's patterns) and `evaluate` (a request's `Origin`).
    public var description: String {
        switch self {
        case .tooLong: return "longer than any serialized origin (\(OriginSyntax.maximumOriginLength) bytes)"
        case .missingSchemeSeparator: return "not of the form scheme://host[:port]"
        case .invalidScheme: return "the scheme must be a letter followed by letters, digits, '+', '-' or '.'"
        case .uppercase: return "browsers send origins in lowercase: write it in lowercase"
        case .nonASCII: return "non-ASCII host: write internationalized names in punycode (xn--)"
        case .whitespace: return "contains whitespace"
        case .pathQueryOrFragment: return "an origin has no path, query or fragment (remove the trailing part, slash included)"
        case .userinfo: return "an origin has no userinfo (user@)"
        case .misplacedWildcard: return "a wildcard may only be a leading \"*.\" label or a trailing \":*\" port"
        case .invalidHostCharacter: return "the host may only hold lowercase letters, digits, '-', '_' and dots"
        case .emptyHost: return "the host is empty"
        case .emptyLabel: return "the host has an empty label (leading, trailing or doubled dot)"
        case .labelTooLong: return "a host label is longer than 63 bytes"
        case .hostTooLong: return "the host is longer than 253 bytes"
        case .nonCanonicalIPv4: return "a host ending in a number must be a canonical dotted-quad IPv4 address (browsers serialize 127.1 as 127.0.0.1)"
        case .invalidIPv6: return "not a valid bracketed IPv6 address"
        case .nonCanonicalIPv6: return "IPv6 must be in browsers' serialization: lowercase, no leading zeros, longest zero run as ::"
        case .invalidPort: return "the port must be digits or *"
        case .portLeadingZero: return "the port has a leading zero"
        case .portOutOfRange: return "the port must be between 1 and 65535"
        case .defaultPort: return "browsers omit the scheme's default port: remove it"
        }
    }
}
