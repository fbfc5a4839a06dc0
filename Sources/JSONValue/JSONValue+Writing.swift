extension JSONValue {
    /// The value as compact JSON text on one line, keys in their stored order.
    ///
    /// - Complexity: O(n) in the size of the output.
    public var jsonText: String {
        var out = ""
        write(into: &out, indent: nil, level: 0)
        return out
    }

    /// The value as JSON text indented by two spaces per level, for files people read.
    public var prettyJSONText: String {
        var out = ""
        write(into: &out, indent: "  ", level: 0)
        return out
    }

    func write(into out: inout String, indent: String?, level: Int) {
        func newline(_ level: Int) {
            guard let indent else { return }
            out += "\n"
            for _ in 0..<level { out += indent }
        }
        let separator = indent == nil ? ", " : ","
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .number(n): out += n
        case let .string(s): JSONValue.writeQuoted(s, into: &out)
        case let .array(elements):
            if elements.isEmpty { out += "[]"; return }
            out += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { out += separator }
                newline(level + 1)
                element.write(into: &out, indent: indent, level: level + 1)
            }
            newline(level)
            out += "]"
        case let .object(members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += separator }
                newline(level + 1)
                JSONValue.writeQuoted(member.key, into: &out)
                out += ": "
                member.value.write(into: &out, indent: indent, level: level + 1)
            }
            newline(level)
            out += "}"
        }
    }

    static func writeQuoted(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// A number value from an integer.
    public static func int(_ value: some BinaryInteger) -> JSONValue { .number(String(value)) }

    /// A number value from a `Double`; non-finite values become `null`, which JSON can represent.
    public static func double(_ value: Double, fractionDigits: Int? = nil) -> JSONValue {
        guard value.isFinite else { return .null }
        if let fractionDigits {
            return .number(formatFixed(value, fractionDigits: fractionDigits))
        }
        if value == value.rounded(), abs(value) < 1e15 { return .number(String(Int64(value))) }
        return .number(String(value))
    }

    /// Formats `value` with exactly `fractionDigits` digits after the point, without Foundation.
    public static func formatFixed(_ value: Double, fractionDigits: Int) -> String {
        guard value.isFinite else { return String(value) }
        var scale = 1.0
        for _ in 0..<fractionDigits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return String(value) }
        let integer = UInt64(scaled)
        let whole = integer / UInt64(scale)
        var fraction = String(integer % UInt64(scale))
        while fraction.count < fractionDigits { fraction = "0" + fraction }
        let sign = value < 0 && integer != 0 ? "-" : ""
        return fractionDigits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }
}
