/// The syntax of serialized origins (WHATWG HTML "serialization of an origin"
/// and the URL standard's host serializer), shared by the request parser and
/// the pattern parser so both accept exactly the same hosts.
///
/// Every function here works on UTF-8 bytes and allocates nothing.
public enum OriginSyntax {
    /// The longest origin worth parsing: 64-byte scheme, 253-byte host, 5-digit
    /// port and separators (cors-facts.md section 3). Longer input is refused
    /// before any scan, so a 1 MiB header costs the same as a short one.
    static let maximumOriginLength = 64 + 3 + 253 + 1 + 5
    static let maximumSchemeLength = 64
    static let maximumHostLength = 253
    static let maximumLabelLength = 63

    /// What went wrong, without payloads, so the request path never allocates.
    public enum Failure: Error, Equatable, Sendable {
        case tooLong
        case missingSchemeSeparator
        case invalidScheme
        case uppercase
        case nonASCII
        case whitespace
        case pathQueryOrFragment
        case userinfo
        case misplacedWildcard
        case invalidHostCharacter
        case emptyHost
        case emptyLabel
        case labelTooLong
        case hostTooLong
        case nonCanonicalIPv4
        case invalidIPv6
        case nonCanonicalIPv6
        case invalidPort
        case portLeadingZero
        case portOutOfRange
        case defaultPort
    }

    enum HostKind: UInt8, Sendable {
        case domain, ipv4, ipv6
    }

    /// Port as written: absent (the scheme's default), a number, or `*` (patterns only).
    enum PortSyntax: Equatable, Sendable {
        case absent
        case number(UInt16)
        case any
    }

    struct Components: Sendable {
        var schemeLength: Int
        var hostStart: Int
        var hostEnd: Int
        var hostKind: HostKind
        var hostIsWildcard: Bool
        var port: PortSyntax
    }

    @inline(__always)
    static func isLowerAlpha(_ b: UInt8) -> Bool { b &- UInt8(ascii: "a") < 26 }
    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    /// Classifies a byte that cannot appear in a host, for a precise message.
    static func failure(forHostByte b: UInt8) -> Failure {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return .uppercase
        case 0x80...: return .nonASCII
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"), 0x0B, 0x0C: return .whitespace
        case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"): return .pathQueryOrFragment
        case UInt8(ascii: "@"): return .userinfo
        case UInt8(ascii: "*"): return .misplacedWildcard
        default: return .invalidHostCharacter
        }
    }

    /// The default port of a special scheme (URL standard), or nil.
    static func defaultPort(scheme: UnsafeRawBufferPointer) -> UInt16? {
        switch scheme.count {
        case 2 where scheme[0] == UInt8(ascii: "w") && scheme[1] == UInt8(ascii: "s"): return 80
        case 3 where scheme[0] == UInt8(ascii: "w") && scheme[1] == UInt8(ascii: "s") && scheme[2] == UInt8(ascii: "s"): return 443
        case 3 where scheme[0] == UInt8(ascii: "f") && scheme[1] == UInt8(ascii: "t") && scheme[2] == UInt8(ascii: "p"): return 21
        case 4 where scheme.elementsEqual("http".utf8): return 80
        case 5 where scheme.elementsEqual("https".utf8): return 443
        default: return nil
        }
    }

    /// Parses `scheme://host[:port]`. With `allowWildcards`, a leading `*.` label
    /// and a `:*` port are accepted (pattern syntax); otherwise the input must be a
    /// byte-exact serialized origin.
    ///
    /// - Complexity: O(n), one pass; nothing is allocated.
    static func parse(_ bytes: UnsafeRawBufferPointer, allowWildcards: Bool) -> Result<Components, Failure> {
        let n = bytes.count
        guard n <= maximumOriginLength + (allowWildcards ? 2 : 0) else { return .failure(.tooLong) }
        let schemeLength: Int
        switch schemeLengthOf(bytes) {
        case let .success(length): schemeLength = length
        case let .failure(f): return .failure(f)
        }
        let i = schemeLength
        guard schemeLength > 0, schemeLength <= maximumSchemeLength else { return .failure(.invalidScheme) }
        guard i + 2 < n, bytes[i] == UInt8(ascii: ":"), bytes[i + 1] == UInt8(ascii: "/"), bytes[i + 2] == UInt8(ascii: "/") else {
            return .failure(.missingSchemeSeparator)
        }
        let hostStart = i + 3
        var hostIsWildcard = false
        var labelsStart = hostStart
        if allowWildcards, hostStart + 1 < n, bytes[hostStart] == UInt8(ascii: "*"), bytes[hostStart + 1] == UInt8(ascii: ".") {
            hostIsWildcard = true
            labelsStart = hostStart + 2
        }
        // Host ends at the port separator or the end; IPv6 keeps its colons inside brackets.
        var hostEnd = labelsStart
        let hostKind: HostKind
        if labelsStart < n, bytes[labelsStart] == UInt8(ascii: "[") {
            guard let close = (labelsStart..<n).first(where: { bytes[$0] == UInt8(ascii: "]") }) else { return .failure(.invalidIPv6) }
            hostEnd = close + 1
            switch checkIPv6(UnsafeRawBufferPointer(rebasing: bytes[(labelsStart + 1)..<close])) {
            case .success: break
            case let .failure(f): return .failure(f)
            }
            hostKind = .ipv6
        } else {
            while hostEnd < n, bytes[hostEnd] != UInt8(ascii: ":") { hostEnd += 1 }
            switch checkDomainOrIPv4(UnsafeRawBufferPointer(rebasing: bytes[labelsStart..<hostEnd])) {
            case let .success(kind): hostKind = kind
            case let .failure(f): return .failure(f)
            }
        }
        var port = PortSyntax.absent
        if hostEnd < n {
            switch parsePort(bytes, separator: hostEnd, schemeLength: schemeLength, allowWildcards: allowWildcards) {
            case let .success(p): port = p
            case let .failure(f): return .failure(f)
            }
        }
        return .success(Components(
            schemeLength: schemeLength, hostStart: labelsStart, hostEnd: hostEnd,
            hostKind: hostKind, hostIsWildcard: hostIsWildcard, port: port))
    }

    /// The length of the scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ),
    /// lowercase in a serialized origin, up to the first `:`.
    static func schemeLengthOf(_ bytes: UnsafeRawBufferPointer) -> Result<Int, Failure> {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: ":") { break }
            let ok = isLowerAlpha(b) || (i > 0 && (isDigit(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")))
            if !ok {
                if b &- UInt8(ascii: "A") < 26 { return .failure(.uppercase) }
                if b == UInt8(ascii: "*") { return .failure(.misplacedWildcard) }
                if b >= 0x80 { return .failure(.nonASCII) }
                if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") { return .failure(.whitespace) }
                return .failure(i == 0 ? .invalidScheme : .missingSchemeSeparator)
            }
            i += 1
        }
        return .success(i)
    }

    /// The port after the `:` at `separator`: digits without a leading zero,
    /// at most 65535, never the scheme's default; or `*` in patterns.
    static func parsePort(_ bytes: UnsafeRawBufferPointer, separator: Int, schemeLength: Int, allowWildcards: Bool) -> Result<PortSyntax, Failure> {
        let n = bytes.count
        guard bytes[separator] == UInt8(ascii: ":") else { return .failure(failure(forHostByte: bytes[separator])) }
        let portStart = separator + 1
        if allowWildcards, portStart + 1 == n, bytes[portStart] == UInt8(ascii: "*") { return .success(.any) }
        guard portStart < n else { return .failure(.invalidPort) }
        var value: UInt32 = 0
        var j = portStart
        while j < n {
            let b = bytes[j]
            guard isDigit(b) else {
                if b == UInt8(ascii: "*") { return .failure(.misplacedWildcard) }
                let f = failure(forHostByte: b)
                return .failure(f == .invalidHostCharacter || f == .uppercase ? .invalidPort : f)
            }
            guard j - portStart < 5 else { return .failure(.portOutOfRange) }
            value = value * 10 + UInt32(b - UInt8(ascii: "0"))
            j += 1
        }
        if bytes[portStart] == UInt8(ascii: "0") { return .failure(value == 0 ? .portOutOfRange : .portLeadingZero) }
        guard value <= 65535 else { return .failure(.portOutOfRange) }
        if let d = defaultPort(scheme: UnsafeRawBufferPointer(rebasing: bytes[0..<schemeLength])), d == value {
            return .failure(.defaultPort)
        }
        return .success(.number(UInt16(value)))
    }

    /// A domain of lowercase LDH-or-underscore labels, or a canonical dotted-quad
    /// IPv4 address when the last label is a number (URL standard "ends in a number").
    static func checkDomainOrIPv4(_ host: UnsafeRawBufferPointer) -> Result<HostKind, Failure> {
        let n = host.count
        guard n > 0 else { return .failure(.emptyHost) }
        guard n <= maximumHostLength else { return .failure(.hostTooLong) }
        var labelStart = 0
        var labels = 0
        var lastLabelStart = 0
        for i in 0...n {
            if i == n || host[i] == UInt8(ascii: ".") {
                let length = i - labelStart
                if length == 0 { return .failure(.emptyLabel) }
                if length > maximumLabelLength { return .failure(.labelTooLong) }
                labels += 1
                lastLabelStart = labelStart
                labelStart = i + 1
                continue
            }
            let b = host[i]
            if !(isLowerAlpha(b) || isDigit(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")) {
                return .failure(failure(forHostByte: b))
            }
        }
        // Ends in a number: all digits, or 0x followed by hex digits.
        let last = UnsafeRawBufferPointer(rebasing: host[lastLabelStart..<n])
        let allDigits = last.allSatisfy(isDigit)
        let hexNumber = last.count >= 2 && last[0] == UInt8(ascii: "0") && last[1] == UInt8(ascii: "x")
            && last.dropFirst(2).allSatisfy { isDigit($0) || $0 &- UInt8(ascii: "a") < 6 }
        guard allDigits || hexNumber else { return .success(.domain) }
        guard allDigits, labels == 4 else { return .failure(.nonCanonicalIPv4) }
        var value = 0
        var digits = 0
        var first: UInt8 = 0
        for i in 0...n {
            if i == n || host[i] == UInt8(ascii: ".") {
                if digits == 0 || value > 255 || (digits > 1 && first == UInt8(ascii: "0")) { return .failure(.nonCanonicalIPv4) }
                value = 0
                digits = 0
                continue
            }
            let b = host[i]
            guard isDigit(b) else { return .failure(.nonCanonicalIPv4) }
            if digits == 0 { first = b }
            digits += 1
            if digits > 3 { return .failure(.nonCanonicalIPv4) }
            value = value * 10 + Int(b - UInt8(ascii: "0"))
        }
        return .success(.ipv4)
    }
}
