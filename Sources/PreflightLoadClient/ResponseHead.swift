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
    /// The header fields a browser's CORS check reads (and `Vary`, which
    /// `probe` reads), each as its first line's value and its line count.
    var allowOrigin = FieldLines()
    var allowCredentials = FieldLines()
    var allowMethods = FieldLines()
    var allowHeaders = FieldLines()
    var vary = FieldLines()

    /// Where one field's value is: the first line's value bytes, and on how
    /// many lines the field came. A field on several lines is one value to
    /// a browser, its lines' values joined by `, ` (RFC 9110 section 5.3;
    /// Fetch's "get" of a header list), which `withValues` builds.
    struct FieldLines: Equatable {
        var first: Range<Int>?
        var lines = 0
        var isRepeated: Bool { lines > 1 }
    }

    /// The fields' names, lowercase, as `combine` matches them.
    enum Field: CaseIterable {
        case allowOrigin, allowCredentials, allowMethods, allowHeaders, vary

        var name: StaticString {
            switch self {
            case .allowOrigin: "access-control-allow-origin"
            case .allowCredentials: "access-control-allow-credentials"
            case .allowMethods: "access-control-allow-methods"
            case .allowHeaders: "access-control-allow-headers"
            case .vary: "vary"
            }
        }
    }

    func lines(of field: Field) -> FieldLines {
        switch field {
        case .allowOrigin: allowOrigin
        case .allowCredentials: allowCredentials
        case .allowMethods: allowMethods
        case .allowHeaders: allowHeaders
        case .vary: vary
        }
    }

    enum ParseResult {
        case incomplete
        case malformed(String)
        case complete(ResponseHead)
    }

    /// The most bytes of head read before giving up on a response.
    static let maximumHeadLength = 64 * 1024

    /// Parses the head at the start of `bytes`, in one pass: each line's end
    /// and colon are found eight bytes a step, and a name is compared only
    /// with the fields of its length, as words.
    ///
    /// - Complexity: O(head length); allocates nothing.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> ParseResult {
        let n = bytes.count
        var head = ResponseHead()
        // The status line: HTTP/1.x SP 3DIGIT SP reason.
        guard var line = nextLine(bytes, from: 0) else { return incomplete(n) }
        guard line.end >= 12, bytes.baseAddress!.loadUnaligned(as: UInt64.self) & Word.lowBytes(7) == Self.httpOnePrefix, bytes[8] == 0x20 else {
            return .malformed("not an HTTP/1.x status line")
        }
        var status = 0
        for i in 9..<12 {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { return .malformed("a status that is not three digits") }
            status = status &* 10 &+ Int(d)
        }
        head.status = status
        while true {
            let start = line.next
            guard let current = nextLine(bytes, from: start) else { return incomplete(n) }
            line = current
            if line.end == start {  // the blank line
                head.headLength = line.next
                return .complete(head)
            }
            let colon = ByteScan.first(UInt8(ascii: ":"), in: bytes, from: start, to: line.end)
            guard colon < line.end, colon > start else { return .malformed("a header line without a name and colon") }
            var valueStart = colon &+ 1, valueEnd = line.end
            while valueStart < valueEnd && (bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09) { valueStart &+= 1 }
            while valueEnd > valueStart && (bytes[valueEnd &- 1] == 0x20 || bytes[valueEnd &- 1] == 0x09) { valueEnd &-= 1 }
            let name = UnsafeRawBufferPointer(rebasing: bytes[start..<colon])
            let value = valueStart..<valueEnd
            // Records the field's first line and counts its lines. (A nested
            // function that wrote `head` while `head.field` was passed inout
            // would be an exclusivity violation: the mutation test found it.)
            func set(_ field: inout FieldLines) {
                if field.first == nil { field.first = value }
                field.lines &+= 1
            }
            switch name.count {
            case 10 where ASCIICase.equal(name, lowercase: "connection"):
                head.connectionClose = ASCIICase.contains(UnsafeRawBufferPointer(rebasing: bytes[value]), lowercase: "close")
            case 14 where ASCIICase.equal(name, lowercase: "content-length"):
                var length = 0
                for i in value {
                    let d = bytes[i] &- UInt8(ascii: "0")
                    guard d < 10, length < 1 << 40 else { return .malformed("a content-length that is not a number") }
                    length = length &* 10 &+ Int(d)
                }
                head.contentLength = length
            case 17 where ASCIICase.equal(name, lowercase: "transfer-encoding"):
                head.chunked = ASCIICase.contains(UnsafeRawBufferPointer(rebasing: bytes[value]), lowercase: "chunked")
            case 4 where ASCIICase.equal(name, lowercase: "vary"): set(&head.vary)
            case 27 where ASCIICase.equal(name, lowercase: "access-control-allow-origin"): set(&head.allowOrigin)
            case 28 where ASCIICase.equal(name, lowercase: "access-control-allow-methods"): set(&head.allowMethods)
            case 28 where ASCIICase.equal(name, lowercase: "access-control-allow-headers"): set(&head.allowHeaders)
            case 32 where ASCIICase.equal(name, lowercase: "access-control-allow-credentials"): set(&head.allowCredentials)
            default: break
            }
        }
    }

    /// `HTTP/1.` as the low seven bytes of a little-endian word.
    static let httpOnePrefix = Word.literal("HTTP/1.")

    /// Not yet a whole head: incomplete, or malformed once over the limit.
    static func incomplete(_ count: Int) -> ParseResult {
        count > maximumHeadLength ? .malformed("a response head over \(maximumHeadLength) bytes") : .incomplete
    }

    /// The line from `start`: where its CRLF starts, and the offset after
    /// it; nil when no CRLF follows in `bytes`. A bare LF does not end a line.
    @inline(__always)
    static func nextLine(_ bytes: UnsafeRawBufferPointer, from start: Int) -> (end: Int, next: Int)? {
        var i = start
        while true {
            let lf = ByteScan.first(0x0A, in: bytes, from: i, to: bytes.count)
            guard lf < bytes.count else { return nil }
            if lf > start && bytes[lf &- 1] == 0x0D { return (lf &- 1, lf &+ 1) }
            i = lf &+ 1
        }
    }

    /// Calls `body` with the browser's view of the head in `bytes` (the
    /// bytes `parse` read): each field's value, nil when absent, a field on
    /// several lines joined by `, ` in `scratch` (reused, so a connection
    /// that keeps one allocates only when a joined value outgrows it).
    /// `dropEmptyLines`: leave out the empty lines of a repeated field, as
    /// Firefox does (`BrowserPreflightCheck.Rules.dropsEmptyFieldLines`).
    func withValues<R>(_ bytes: UnsafeRawBufferPointer, scratch: inout [UInt8], dropEmptyLines: Bool = false,
                       _ body: (_ value: (Field) -> UnsafeRawBufferPointer?) -> R) -> R {
        // The common answer repeats no field: its values are read in place.
        if !(allowOrigin.isRepeated || allowCredentials.isRepeated || allowMethods.isRepeated || allowHeaders.isRepeated || vary.isRepeated) {
            return body { field in lines(of: field).first.map { UnsafeRawBufferPointer(rebasing: bytes[$0]) } }
        }
        scratch.removeAll(keepingCapacity: true)
        // Where each joined value lies in `scratch`, one bit of `repeated` a field.
        var joined = (0..<0, 0..<0, 0..<0, 0..<0, 0..<0)
        var repeated = 0
        for (i, field) in Field.allCases.enumerated() where lines(of: field).isRepeated {
            let start = scratch.count
            Self.join(field, in: bytes, headLength: headLength, dropEmptyLines: dropEmptyLines, into: &scratch)
            let range = start..<scratch.count
            switch i {
            case 0: joined.0 = range
            case 1: joined.1 = range
            case 2: joined.2 = range
            case 3: joined.3 = range
            default: joined.4 = range
            }
            repeated |= 1 << i
        }
        return scratch.withUnsafeBytes { joinedBytes in
            body { field in
                let i = Field.allCases.firstIndex(of: field)!
                guard repeated & (1 << i) != 0 else { return lines(of: field).first.map { UnsafeRawBufferPointer(rebasing: bytes[$0]) } }
                let range = switch i { case 0: joined.0; case 1: joined.1; case 2: joined.2; case 3: joined.3; default: joined.4 }
                return UnsafeRawBufferPointer(rebasing: joinedBytes[range])
            }
        }
    }

    /// Appends the values of every line of `field` in the head, joined by `, `.
    static func join(_ field: Field, in bytes: UnsafeRawBufferPointer, headLength end: Int, dropEmptyLines: Bool = false, into out: inout [UInt8]) {
        let name = field.name
        let nameBytes = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        var first = true
        guard var line = nextLine(bytes, from: 0) else { return } // the status line
        while true {
            let start = line.next
            guard start < end, let current = nextLine(bytes, from: start), current.end != start else { return }
            line = current
            let colon = ByteScan.first(UInt8(ascii: ":"), in: bytes, from: start, to: line.end)
            guard colon < line.end, ASCIICase.equal(UnsafeRawBufferPointer(rebasing: bytes[start..<colon]), nameBytes) else { continue }
            var valueStart = colon &+ 1, valueEnd = line.end
            while valueStart < valueEnd && (bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09) { valueStart &+= 1 }
            while valueEnd > valueStart && (bytes[valueEnd &- 1] == 0x20 || bytes[valueEnd &- 1] == 0x09) { valueEnd &-= 1 }
            if dropEmptyLines && valueStart == valueEnd { continue }
            if !first { out.append(contentsOf: [UInt8(ascii: ","), 0x20]) }
            out.append(contentsOf: bytes[valueStart..<valueEnd])
            first = false
        }
    }
}
