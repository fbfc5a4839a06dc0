/// A fast reading of the JSON Lines that traces hold: one flat object of
/// string and number members, as `trace` writes them and log shippers emit
/// them. Anything else (nesting, `true`, odd spacing it does not expect)
/// returns nil, and the line goes to the full JSON parser, which also words
/// the errors; so both readings accept exactly the same lines.
enum FlatJSONLine {
    enum Value { case string(String), number(Double) }

    /// The members of `line`, or nil when it is not a flat object of strings and numbers.
    static func members(_ line: UnsafeRawBufferPointer) -> [(key: String, value: Value)]? {
        var members: [(key: String, value: Value)] = []
        members.reserveCapacity(6)
        var i = 0
        let n = line.count
        @inline(__always) func skipSpaces() { while i < n && (line[i] == 0x20 || line[i] == 0x09) { i += 1 } }
        skipSpaces()
        guard i < n, line[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        skipSpaces()
        if i < n && line[i] == UInt8(ascii: "}") { i += 1; skipSpaces(); return i == n ? members : nil }
        while true {
            skipSpaces()
            guard let key = string() else { return nil }
            skipSpaces()
            guard i < n, line[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpaces()
            guard i < n else { return nil }
            if line[i] == UInt8(ascii: "\"") {
                guard let s = string() else { return nil }
                members.append((key, .string(s)))
            } else {
                let start = i
                while i < n, line[i] == UInt8(ascii: "-") || line[i] == UInt8(ascii: "+") || line[i] == UInt8(ascii: ".")
                    || line[i] | 0x20 == UInt8(ascii: "e") || line[i] &- UInt8(ascii: "0") < 10 { i += 1 }
                // JSON numbers start with - or a digit; Double also takes forms JSON does not, which the full parser then refuses.
                guard i > start, line[start] == UInt8(ascii: "-") || line[start] &- UInt8(ascii: "0") < 10,
                      let value = Double(String(decoding: line[start..<i], as: UTF8.self)) else { return nil }
                members.append((key, .number(value)))
            }
            skipSpaces()
            guard i < n else { return nil }
            if line[i] == UInt8(ascii: ",") { i += 1; continue }
            guard line[i] == UInt8(ascii: "}") else { return nil }
            i += 1
            skipSpaces()
            return i == n ? members : nil
        }

        /// A string without escapes or control characters (others go to the full parser).
        func string() -> String? {
            guard i < n, line[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            let start = i
            while i < n {
                let b = line[i]
                if b == UInt8(ascii: "\"") {
                    let s = String(decoding: line[start..<i], as: UTF8.self)
                    i += 1
                    return s
                }
                if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { return nil }
                i += 1
            }
            return nil
        }
    }
}
