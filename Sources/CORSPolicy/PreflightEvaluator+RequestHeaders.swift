import InternalByteUtilities

extension PreflightEvaluator {
    /// nil when every requested name is allowed,
    /// else why not: the first element, in order, that is malformed or not
    /// allowed decides, as `RequestHeaderList.forEachName` reads them.
    ///
    /// The browser form (names the policy lists, as browsers send them:
    /// lowercase, split by single commas, at most 16 bytes each) is read two
    /// words per name. The first name that is not found sends the whole value
    /// to `checkRequestHeadersByteWise`, which applies every rule, so a value
    /// is decided alike whichever path it takes.
    @inline(__always)
    func checkRequestHeaders(_ value: UnsafeRawBufferPointer) -> PreflightReason? {
        let n = value.count
        guard n <= RequestHeaderList.maximumLength else { return .malformedRequestHeaders }
        guard let base = value.baseAddress, n > 0 else { return nil }
        // Offsets stay below 8192 + 16 (checked above), so wrapping arithmetic
        // never wraps and spares the overflow checks.
        var start = 0
        while true {
            var first = Word.load(base, at: start, count: n)
            var second: UInt64 = 0
            var stop = Word.bytes(equalTo: UInt8(ascii: ","), in: first) | Word.marker(at: n &- start)
            let length: Int
            if stop != 0 {
                length = stop.trailingZeroBitCount &>> 3
                first &= Word.lowBytes(length)
            } else {
                second = Word.load(base, at: start &+ 8, count: n)
                stop = Word.bytes(equalTo: UInt8(ascii: ","), in: second) | Word.marker(at: n &- start &- 8)
                guard stop != 0 else { return checkRequestHeadersByteWise(value) }
                length = 8 &+ stop.trailingZeroBitCount &>> 3
                second &= Word.lowBytes(length &- 8)
            }
            guard headerNames.index(first: first, second: second, length: length, name: base + start, lowercase: false) != nil else {
                // A lowercase token the table lacks is denied here, unless `*`
                // might allow it; anything else (case, whitespace, empty
                // elements, bad bytes) is for the byte-wise reading.
                if !allowsAnyRequestHeader && length > 0 && Self.isLowercaseToken(base + start, length) { return .headerNotAllowed }
                return checkRequestHeadersByteWise(value)
            }
            start &+= length &+ 1
            if start > n { return nil }
        }
    }

    /// Whether `length` bytes at `name` are HTTP token bytes, none uppercase:
    /// the name is its own lowercase form.
    @inline(__always)
    static func isLowercaseToken(_ name: UnsafeRawPointer, _ length: Int) -> Bool {
        for i in 0..<length {
            let b = name.load(fromByteOffset: i, as: UInt8.self)
            if RequestHeaderList.lowercasedTokenByte(b) != b || b == 0 { return false }
        }
        return true
    }

    /// Every form: optional whitespace, any case, empty elements (bounded),
    /// `*` (never covering `authorization`), validation of each name as an
    /// HTTP token, read by `RequestHeaderList.forEachName`, the one home of
    /// that grammar.
    ///
    /// - Complexity: O(n), n at most `RequestHeaderList.maximumLength`.
    func checkRequestHeadersByteWise(_ value: UnsafeRawBufferPointer) -> PreflightReason? {
        guard let base = value.baseAddress else { return nil }
        var denied = false
        let wellFormed = RequestHeaderList.forEachName(in: value) { range in
            let length = range.count
            let name = base + range.lowerBound
            let first = HeaderNameTable.word(name, at: 0, length: length, lowercase: true)
            let second = HeaderNameTable.word(name, at: 8, length: length, lowercase: true)
            if headerNames.index(first: first, second: second, length: length, name: name, lowercase: true) != nil { return true }
            // `*` never covers authorization (Fetch, CORS-preflight fetch step 7).
            let isAuthorization = length == 13 && first == HeaderNameTable.authorizationFirst && second == HeaderNameTable.authorizationSecond
            if allowsAnyRequestHeader && !isAuthorization { return true }
            denied = true
            return false
        }
        if !wellFormed { return .malformedRequestHeaders }
        if denied { return .headerNotAllowed }
        return nil
    }
}
