/// Trace times: Unix seconds (fractional), or RFC 3339 date-times
/// (`2026-11-27T10:15:30.250Z`, `2026-11-27T11:15:30+01:00`).
package enum Timestamp {
    /// Seconds since the Unix epoch, or nil when `text` is neither form.
    package static func seconds(_ text: Substring) -> Double? {
        if let value = decimal(text.utf8) { return value }
        if let value = Double(text), value.isFinite { return value }
        return rfc3339(Array(text.utf8))
    }

    /// `digits[.digits]`, the common form of Unix seconds, without strtod
    /// (which costs more than the rest of a trace line); nil for any other form.
    static func decimal(_ text: Substring.UTF8View) -> Double? {
        var whole: UInt64 = 0, fraction: UInt64 = 0, scale: UInt64 = 1
        var digits = 0, inFraction = false
        for b in text {
            if b == UInt8(ascii: ".") && !inFraction { inFraction = true; continue }
            let d = b &- UInt8(ascii: "0")
            guard d < 10, digits < 18 else { return nil }
            digits += 1
            if inFraction { fraction = fraction * 10 + UInt64(d); scale *= 10 } else { whole = whole * 10 + UInt64(d) }
        }
        guard digits > 0 else { return nil }
        return Double(whole) + Double(fraction) / Double(scale)
    }

    static func rfc3339(_ b: [UInt8]) -> Double? {
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= b.count else { return nil }
            var n = 0
            for i in range {
                let d = b[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                n = n * 10 + Int(d)
            }
            return n
        }
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] | 0x20 == UInt8(ascii: "t") || b[10] == 0x20,
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count && b[i] == UInt8(ascii: ".") {
            var scale = 0.1
            i += 1
            let start = i
            while i < b.count, b[i] &- UInt8(ascii: "0") < 10 {
                fraction += Double(b[i] - UInt8(ascii: "0")) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] | 0x20 == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard i + 6 == b.count, b[i + 3] == UInt8(ascii: ":"), let h = number((i + 1)..<(i + 3)), let m = number((i + 4)..<(i + 6)) else { return nil }
            offset = (h * 3600 + m * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        // Days from the civil date (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Double(days * 86400 + hour * 3600 + minute * 60 + second - offset) + fraction
    }
}
