import InternalByteUtilities

extension RequestOrigin {
    /// `https://` and `http://` as little-endian words.
    static let httpsPrefix: UInt64 = 0x2F2F_3A73_7074_7468
    static let httpPrefix: UInt64 = 0x2F_2F3A_7074_7468
    /// The longest origin the word-wise path takes: with at most 56 host
    /// bytes no label can exceed 63 bytes nor the host 253, so only the
    /// characters and dots need checking.
    static let commonFormMaximumLength = 64

    /// Parses the form nearly every browser request has, a word at a time:
    /// `http` or `https`, a domain host of `a`-`z`, `0`-`9`, `-` and `.`
    /// whose last label does not start with a digit, an optional explicit port. Returns nil whenever the input is
    /// anything else, malformed or merely unusual (IP addresses, other
    /// schemes, long hosts); `parse` then takes the byte-wise path, so this
    /// only ever accepts what `OriginSyntax.parse` accepts, with the same parts.
    ///
    /// - Complexity: at most eight words and five port digits examined.
    ///
    /// One function of about 60 lines on purpose: it is evaluation's first
    /// step, inlined whole, and its words stay in registers from the prefix
    /// check to the port.
    @inline(__always)
    static func parseCommonForm(_ bytes: UnsafeRawBufferPointer) -> RequestOrigin? {
        let n = bytes.count
        guard n >= 9, n <= commonFormMaximumLength, let base = bytes.baseAddress else { return nil }
        let head = base.loadUnaligned(as: UInt64.self)
        let hostStart: Int
        if head == httpsPrefix {
            hostStart = 8
        } else if head & 0x00FF_FFFF_FFFF_FFFF == httpPrefix {
            hostStart = 7
        } else {
            return nil
        }
        // The port, if any, follows the last ':' and fits the last word with
        // it; a colon anywhere else fails the host's byte check below.
        var hostEnd = n
        var port: UInt32 = 0
        let tailColons = Word.bytes(equalTo: UInt8(ascii: ":"), in: base.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self))
        if tailColons != 0 {
            let colon = n &- 8 &+ (63 &- tailColons.leadingZeroBitCount) &>> 3
            if colon >= hostStart {
                let digits = n &- colon &- 1
                guard digits >= 1, digits <= 5, base.load(fromByteOffset: colon &+ 1, as: UInt8.self) != UInt8(ascii: "0") else { return nil }
                for i in (colon &+ 1)..<n {
                    let digit = base.load(fromByteOffset: i, as: UInt8.self) &- UInt8(ascii: "0")
                    guard digit < 10 else { return nil }
                    port = port &* 10 &+ UInt32(digit)
                }
                guard port <= 65535, port != (hostStart == 8 ? 443 : 80) else { return nil }
                hostEnd = colon
            }
        }
        guard hostEnd > hostStart else { return nil }
        // A dot in the host's first byte, or right after a dot, is an empty label.
        var dotBefore: UInt64 = 0x80
        var lastDot = hostStart &- 1
        var offset = hostStart
        while offset < hostEnd {
            let word = Word.load(base, at: offset, count: hostEnd)
            guard word & Word.highs == 0 else { return nil }
            // Byte classes from shared "at least" masks: each class is a
            // range, so seven subtractions classify eight bytes.
            let atLeastDash = Word.bytes(atLeast: 0x2D, in: word), atLeastDot = Word.bytes(atLeast: 0x2E, in: word)
            let atLeastSlash = Word.bytes(atLeast: 0x2F, in: word), atLeastZero = Word.bytes(atLeast: 0x30, in: word)
            let atLeastColon = Word.bytes(atLeast: 0x3A, in: word)
            let atLeastA = Word.bytes(atLeast: 0x61, in: word), atLeastBrace = Word.bytes(atLeast: 0x7B, in: word)
            let present = Word.highs & Word.lowBytes(hostEnd &- offset)
            // a-z, 0-9, '-' and '.'; '_' (valid, rare) is left to the byte-wise parser.
            let allowed = (atLeastA & ~atLeastBrace) | (atLeastZero & ~atLeastColon) | (atLeastDash & ~atLeastSlash)
            guard allowed & present == present else { return nil }
            let dots = atLeastDot & ~atLeastSlash & present
            guard dots & (dots &<< 8 | dotBefore) == 0 else { return nil }
            if dots != 0 { lastDot = offset &+ (63 &- dots.leadingZeroBitCount) &>> 3 }
            dotBefore = dots &>> 56
            offset &+= 8
        }
        guard base.load(fromByteOffset: hostEnd &- 1, as: UInt8.self) != UInt8(ascii: ".") else { return nil }
        // A last label starting with a digit may be an IPv4 address or "ends
        // in a number" (URL standard): the byte-wise parser decides those.
        guard base.load(fromByteOffset: lastDot &+ 1, as: UInt8.self) &- UInt8(ascii: "0") >= 10 else { return nil }
        return RequestOrigin(bytes: bytes, schemeLength: hostStart - 3, hostStart: hostStart, hostEnd: hostEnd, port: UInt16(port))
    }
}
