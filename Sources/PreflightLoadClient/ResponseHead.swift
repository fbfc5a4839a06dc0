import InternalByteUtilities

/// The parts of an HTTP/1.1 response head that a load generator and a
/// browser's CORS check read, found in the head's bytes without copying.
struct ResponseHead {
    var status = 0
    /// Bytes from the start of the head through its blank line.
    var headLength = 0
    /// The body's length from `content-length`; nil when absent.
    var contentLength: Int?
    var chunked = false
    var connectionClose = false
    var allowOrigin: Range<Int>?
    var allowCredentials: Range<Int>?
    var allowMethods: Range<Int>?
    var allowHeaders: Range<Int>?
    /// A CORS header sent on more than one line: the browser would read the
    /// lines joined, which a single range cannot show; `Access-Control-Allow-Origin`
    /// twice fails the CORS check.
    var repeatedCORSHeader = false

    enum ParseResult {
        case incomplete
        case malformed(String)
        case complete(ResponseHead)
    }

    /// The most bytes of head read before giving up on a response.
    static let maximumHeadLength = 64 * 1024

    /// Parses the head at the start of `bytes`.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> ParseResult {
        let n = bytes.count
        guard let end = headEnd(bytes) else {
            return n > maximumHeadLength ? .malformed("a response head over \(maximumHeadLength) bytes") : .incomplete
        }
        var head = ResponseHead()
        head.headLength = end
        // Status line: HTTP/1.x SP 3DIGIT SP reason
        guard end >= 12, bytes[0..<7].elementsEqual("HTTP/1.".utf8), bytes[8] == 0x20 else {
            return .malformed("not an HTTP/1.x status line")
        }
        var status = 0
        for i in 9..<12 {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { return .malformed("a status that is not three digits") }
            status = status * 10 + Int(d)
        }
        head.status = status
        var line = lineEnd(bytes, from: 0, limit: end) + 2
        var repeated = false
        while line < end - 2 {
            let stop = lineEnd(bytes, from: line, limit: end)
            guard let colon = (line..<stop).first(where: { bytes[$0] == UInt8(ascii: ":") }), colon > line else {
                return .malformed("a header line without a name and colon")
            }
            var valueStart = colon + 1, valueEnd = stop
            while valueStart < valueEnd && (bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09) { valueStart += 1 }
            while valueEnd > valueStart && (bytes[valueEnd - 1] == 0x20 || bytes[valueEnd - 1] == 0x09) { valueEnd -= 1 }
            let name = UnsafeRawBufferPointer(rebasing: bytes[line..<colon])
            let value = valueStart..<valueEnd
            // Records the field, noting when it was already set. (A nested
            // function that wrote `head` while `head.field` was passed inout
            // would be an exclusivity violation: the mutation test found it.)
            func set(_ field: inout Range<Int>?, _ repeated: inout Bool) {
                if field != nil { repeated = true }
                field = value
            }
            switch name.count {
            case 10 where ASCIICase.equal(name, lowercase: "connection"):
                head.connectionClose = ASCIICase.contains(UnsafeRawBufferPointer(rebasing: bytes[value]), lowercase: "close")
            case 14 where ASCIICase.equal(name, lowercase: "content-length"):
                var length = 0
                for i in value {
                    let d = bytes[i] &- UInt8(ascii: "0")
                    guard d < 10, length < 1 << 40 else { return .malformed("a content-length that is not a number") }
                    length = length * 10 + Int(d)
                }
                head.contentLength = length
            case 17 where ASCIICase.equal(name, lowercase: "transfer-encoding"):
                head.chunked = ASCIICase.contains(UnsafeRawBufferPointer(rebasing: bytes[value]), lowercase: "chunked")
            case 27 where ASCIICase.equal(name, lowercase: "access-control-allow-origin"): set(&head.allowOrigin, &repeated)
            case 28 where ASCIICase.equal(name, lowercase: "access-control-allow-methods"): set(&head.allowMethods, &repeated)
            case 28 where ASCIICase.equal(name, lowercase: "access-control-allow-headers"): set(&head.allowHeaders, &repeated)
            case 32 where ASCIICase.equal(name, lowercase: "access-control-allow-credentials"): set(&head.allowCredentials, &repeated)
            default: break
            }
            line = stop + 2
        }
        head.repeatedCORSHeader = repeated
        return .complete(head)
    }

    /// The offset just past the first `\r\n\r\n`, or nil.
    static func headEnd(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 3..<bytes.count where bytes[i] == 0x0A && bytes[i - 1] == 0x0D && bytes[i - 2] == 0x0A && bytes[i - 3] == 0x0D {
            return i + 1
        }
        return nil
    }

    static func lineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int, limit: Int) -> Int {
        var i = start
        while i + 1 < limit && !(bytes[i] == 0x0D && bytes[i + 1] == 0x0A) { i += 1 }
        return i
    }
}
