import CORSPolicy
import InternalByteUtilities

/// An HTTP/1.1 request head (RFC 9112 sections 2 and 3, RFC 9110 section 5)
/// read in place from the connection's bytes: what `serve` needs to answer,
/// as ranges into those bytes, so that a preflight goes from the socket to
/// the engine without one `String` or one allocation.
///
/// Strict where laxness is a smuggling or parsing risk: CRLF line ends,
/// token header names with no space before the colon, no obs-fold, no
/// control bytes in values, one framing (`Content-Length` or chunked, never
/// both, never a list of differing lengths).
struct RequestHead {
    enum Method { case options, get, head, other }
    var method = Method.other
    var target = 0..<0
    var isHTTP10 = false
    /// The only `Origin` line's value; `origins` counts the lines.
    var origin: Range<Int>?
    var origins = 0
    var requestMethod: Range<Int>?
    var requestMethods = 0
    /// The first `Access-Control-Request-Headers` line; `requestHeaderLines` counts them.
    var requestHeaders: Range<Int>?
    var requestHeaderLines = 0
    var contentLength: Int?
    var chunked = false
    var connectionClose = false
    var connectionKeepAlive = false
    var expectsContinue = false
    /// Bytes from the request line through the blank line.
    var length = 0

    var keepAlive: Bool { isHTTP10 ? connectionKeepAlive && !connectionClose : !connectionClose }
    var hasBody: Bool { chunked || (contentLength ?? 0) > 0 }

    struct Limits {
        /// The longest line (the request line or one header field).
        var fieldBytes: Int
        /// All header fields together.
        var headerBytes: Int
        var fields: Int
    }

    enum ParseResult {
        case incomplete
        /// 431: a line, the head or its line count over the limits.
        case tooLarge
        /// 400, with why (for tests and the log).
        case malformed(StaticString)
        case complete(RequestHead)
    }

    /// Parses the head at the start of `bytes`.
    ///
    /// - Complexity: O(n) in the head's length, at most the limits; allocates nothing.
    static func parse(_ bytes: UnsafeRawBufferPointer, limits: Limits) -> ParseResult {
        var head = RequestHead()
        let n = bytes.count
        var start = 0
        // A server ignores empty lines before the request line (RFC 9112 section 2.2).
        while start + 1 < n && bytes[start] == 0x0D && bytes[start + 1] == 0x0A { start += 2 }
        var line = start
        var fields = 0
        var first = true
        while true {
            // Find this line's LF within the limits, a word at a time.
            let stop = min(n, line + limits.fieldBytes + 2)
            let i = ByteScan.first(0x0A, in: bytes, from: line, to: stop)
            if i == stop {
                if stop == n && n - line <= limits.fieldBytes + 1 && line - start <= limits.headerBytes + limits.fieldBytes { return .incomplete }
                return .tooLarge
            }
            guard i > line, bytes[i - 1] == 0x0D else { return .malformed("a line ends without CR") }
            let end = i - 1
            if end == line {
                guard !first else { return .malformed("no request line") }
                head.length = i + 1
                if head.chunked && head.contentLength != nil { return .malformed("both Content-Length and chunked") }
                return .complete(head)
            }
            if first {
                guard parseRequestLine(bytes, line..<end, into: &head) else { return .malformed("not a request line") }
                first = false
            } else {
                fields += 1
                guard fields <= limits.fields, i + 1 - start <= limits.headerBytes + limits.fieldBytes else { return .tooLarge }
                if let problem = parseField(bytes, line..<end, into: &head) { return .malformed(problem) }
            }
            line = i + 1
        }
    }

    /// `method SP request-target SP HTTP/1.x`.
    static func parseRequestLine(_ b: UnsafeRawBufferPointer, _ r: Range<Int>, into head: inout RequestHead) -> Bool {
        var i = tokenEnd(b, from: r.lowerBound, to: r.upperBound)
        let method = r.lowerBound..<i
        guard !method.isEmpty, i < r.upperBound, b[i] == 0x20 else { return false }
        i += 1
        let targetStart = i
        while i < r.upperBound && b[i] > 0x20 && b[i] != 0x7F { i += 1 }
        guard i > targetStart, i < r.upperBound, b[i] == 0x20 else { return false }
        head.target = targetStart..<i
        i += 1
        guard r.upperBound - i == 8, equals(b, i..<i + 7, "HTTP/1.") else { return false }
        switch b[i + 7] {
        case UInt8(ascii: "1"): head.isHTTP10 = false
        case UInt8(ascii: "0"): head.isHTTP10 = true
        default: return false
        }
        if equals(b, method, "OPTIONS") { head.method = .options }
        else if equals(b, method, "GET") { head.method = .get }
        else if equals(b, method, "HEAD") { head.method = .head }
        return true
    }

    /// `name ":" OWS value OWS`; nil when fine, else what is wrong.
    static func parseField(_ b: UnsafeRawBufferPointer, _ r: Range<Int>, into head: inout RequestHead) -> StaticString? {
        let i = tokenEnd(b, from: r.lowerBound, to: r.upperBound)
        // An empty name is a folded line or garbage; a space before the colon is refused (RFC 9112 section 5.1).
        guard i > r.lowerBound, i < r.upperBound, b[i] == UInt8(ascii: ":") else { return "a header line without a name and a colon" }
        let name = UnsafeRawBufferPointer(rebasing: b[r.lowerBound..<i])
        var valueStart = i + 1, valueEnd = r.upperBound
        while valueStart < valueEnd && (b[valueStart] == 0x20 || b[valueStart] == 0x09) { valueStart += 1 }
        while valueEnd > valueStart && (b[valueEnd - 1] == 0x20 || b[valueEnd - 1] == 0x09) { valueEnd -= 1 }
        guard !hasControlByte(b, valueStart..<valueEnd) else { return "a control byte in a header value" }
        let value = valueStart..<valueEnd
        switch name.count {
        case 6 where nameIs(name, "origin"):
            head.origins += 1
            head.origin = value
        case 29 where nameIs(name, "access-control-request-method"):
            head.requestMethods += 1
            head.requestMethod = value
        case 30 where nameIs(name, "access-control-request-headers"):
            head.requestHeaderLines += 1
            if head.requestHeaders == nil { head.requestHeaders = value }
        case 14 where nameIs(name, "content-length"):
            var length = 0
            guard !value.isEmpty, value.count <= 18 else { return "a Content-Length that is not a length" }
            for j in value {
                guard b[j] >= 0x30 && b[j] <= 0x39 else { return "a Content-Length that is not a length" }
                length = length * 10 + Int(b[j] - 0x30)
            }
            if let earlier = head.contentLength, earlier != length { return "two different Content-Length values" }
            head.contentLength = length
        case 17 where nameIs(name, "transfer-encoding"):
            // Only a coding list that ends in chunked can be framed (RFC 9112 section 6.3).
            var last = value
            if let comma = value.last(where: { b[$0] == UInt8(ascii: ",") }) {
                var s = comma + 1
                while s < value.upperBound && (b[s] == 0x20 || b[s] == 0x09) { s += 1 }
                last = s..<value.upperBound
            }
            guard ASCIICase.equal(UnsafeRawBufferPointer(rebasing: b[last]), lowercase: "chunked") else { return "a transfer coding other than chunked" }
            head.chunked = true
        case 10 where nameIs(name, "connection"):
            _ = RequestHeaderList.forEachName(in: UnsafeRawBufferPointer(rebasing: b[value])) { option in
                let word = UnsafeRawBufferPointer(rebasing: b[valueStart + option.lowerBound..<valueStart + option.upperBound])
                if ASCIICase.equal(word, lowercase: "close") { head.connectionClose = true }
                if ASCIICase.equal(word, lowercase: "keep-alive") { head.connectionKeepAlive = true }
                return true
            }
        case 6 where nameIs(name, "expect"):
            head.expectsContinue = ASCIICase.equal(UnsafeRawBufferPointer(rebasing: b[value]), lowercase: "100-continue")
        default:
            break
        }
        return nil
    }

    /// The offset of the first byte in `from..<to` that is not a token
    /// character (RFC 9110 section 5.6.2), or `to`.
    ///
    /// Eight bytes a step over the bytes names are made of (letters, digits,
    /// `-`); the first other byte, a rare token character like `_` or the
    /// name's end, is decided by the byte loop. A byte at a time this cost
    /// 14 instructions a name byte, half of all the head's parsing.
    ///
    /// - Complexity: O(`to - from`).
    @inline(__always)
    static func tokenEnd(_ b: UnsafeRawBufferPointer, from: Int, to: Int) -> Int {
        var i = from
        if let base = b.baseAddress {
            while i < to {
                let word = Word.load(base, at: i, count: to)
                let ascii = ~word & Word.highs, seven = word & Word.lows
                // OR-ing 0x20 lowercases letters and maps no other byte onto one; digits and `-` are tested unchanged
                // (0x10-0x19 and CR would become them).
                let letters = Word.bytes(in: UInt8(ascii: "a")...UInt8(ascii: "z"), of: seven | 0x2020_2020_2020_2020)
                let digits = Word.bytes(in: UInt8(ascii: "0")...UInt8(ascii: "9"), of: seven)
                let common = (letters | digits | Word.bytes(equalTo: UInt8(ascii: "-"), in: word)) & ascii
                let other = ~common & Word.highs
                if other != 0 {
                    i &+= other.trailingZeroBitCount &>> 3
                    break
                }
                i &+= 8
            }
        }
        while i < to && RequestHeaderList.lowercasedTokenByte(b[i]) != 0 { i &+= 1 }
        return min(i, to)
    }

    /// Whether a header value holds a control byte other than HTAB, or DEL
    /// (bytes from 0x80 up, obs-text, are allowed), eight bytes a step.
    @inline(__always)
    static func hasControlByte(_ b: UnsafeRawBufferPointer, _ r: Range<Int>) -> Bool {
        guard let base = b.baseAddress else { return false }
        var i = r.lowerBound
        while i < r.upperBound {
            let count = min(8, r.upperBound &- i)
            let word = Word.load(base, at: i, count: i &+ count)
            let ascii = ~word & Word.highs & Word.lowBytes(count) & Word.highs
            let low = ~Word.bytes(atLeast: 0x20, in: word & Word.lows) & ascii
            let bad = (low & ~Word.bytes(equalTo: 0x09, in: word)) | (Word.bytes(equalTo: 0x7F, in: word) & Word.lowBytes(count))
            if bad != 0 { return true }
            i &+= 8
        }
        return false
    }

    /// Whether a header name (already checked to be a token) is `text`,
    /// ignoring case: OR-ing 0x20 into a token byte gives a lowercase letter
    /// or `-` only for that letter in either case, or for `-` itself.
    @inline(__always)
    static func nameIs(_ name: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard name.count == count, let base = name.baseAddress else { return false }
        let expected = UnsafeRawPointer(text.utf8Start)
        var i = 0
        while i < count {
            let mask = Word.lowBytes(count &- i)
            let word = Word.load(base, at: i, count: count), want = Word.load(expected, at: i, count: count)
            if (word | (0x2020_2020_2020_2020 & mask)) != want { return false }
            i &+= 8
        }
        return true
    }

    static func equals(_ b: UnsafeRawBufferPointer, _ r: Range<Int>, _ text: StaticString) -> Bool {
        r.count == text.utf8CodeUnitCount && (r.isEmpty || b.bytesEqual(from: r.lowerBound, count: r.count, to: UnsafeRawPointer(text.utf8Start)))
    }
}
