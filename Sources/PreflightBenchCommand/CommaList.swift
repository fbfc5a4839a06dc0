import ArgumentParser

/// Comma-separated option values, parsed once (in `transform:`) into typed
/// lists; an error names the option and the element at fault.
enum CommaList {
    static func parse<T>(_ text: String, option: String, expected: String, _ element: (String) -> T?) throws -> [T] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " ") }
        guard !parts.contains(where: \.isEmpty) else {
            throw ValidationError("--\(option) needs a comma-separated list without empty elements, got \"\(text)\"")
        }
        return try parts.map { part in
            guard let value = element(part) else { throw ValidationError("\"\(part)\" is not \(expected)") }
            return value
        }
    }

    /// Integers in `range`; with `powersOfTwo`, only powers of two.
    static func integers(_ option: String, in range: ClosedRange<Int>, powersOfTwo: Bool = false) -> @Sendable (String) throws -> [Int] {
        { text in
            try parse(text, option: option, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)\(powersOfTwo ? " that is a power of two" : "")") { part in
                Int(part).flatMap { range.contains($0) && (!powersOfTwo || $0 & ($0 - 1) == 0) ? $0 : nil }
            }
        }
    }

    /// One name of a string enumeration's cases.
    static func name<T: RawRepresentable & CaseIterable & Sendable>(_ option: String, of type: T.Type) -> @Sendable (String) throws -> T where T.RawValue == String {
        let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
        return { text in
            guard let value = T(rawValue: text) else {
                throw ValidationError("\"\(text)\" is not one of \(choices)")
            }
            return value
        }
    }

    /// Names of a string enumeration's cases.
    static func names<T: RawRepresentable & CaseIterable & Sendable>(_ option: String, of type: T.Type) -> @Sendable (String) throws -> [T] where T.RawValue == String {
        let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
        return { text in
            try parse(text, option: option, expected: "one of \(choices)") { T(rawValue: $0) }
        }
    }
}
