/// Reads the members of one JSON object into typed values, and collects a
/// problem for every mistake (an unknown key, a wrong type, a missing key)
/// instead of stopping at the first, so that a file's every mistake is
/// reported at once, each with its key path and, when known, its line and
/// column. The one way this package decodes objects: policy files, scenario
/// files, run reports and request lines.
///
/// ```swift
/// var reader = JSONObjectReader(document.root, positions: document.positions, knownKeys: ["origins", "maxAge"])
/// let origins = reader.strings("origins", required: true)
/// let maxAge = reader.isNull("maxAge") ? nil : reader.int("maxAge")
/// if !reader.problems.isEmpty { throw MyError(reader.problems) }
/// ```
///
/// Each accessor returns nil when the key is absent or its value has the
/// wrong type (recording a problem in the second case).
///
/// - Complexity: each accessor is O(members): objects here hold a few dozen
///   keys at most, where a scan beats hashing.
public struct JSONObjectReader {
    /// The object's members in document order; empty when the value is not an object.
    public let members: [(key: String, value: JSONValue)]
    /// The object's own path (`""` for the root, `"policy"`, `"points[3]"`).
    public let path: String
    let positions: [String: JSONPosition]
    /// The mistakes found so far, in the order found.
    public private(set) var problems: [JSONProblem] = []

    /// Starts reading `value`, which must be an object (else a problem says
    /// what it is instead), and records a problem for each member whose key
    /// is not in `knownKeys`, suggesting a known key that differs only in case.
    /// Pass nil for `knownKeys` to accept any key (documents this package
    /// wrote itself, which later versions may extend).
    public init(_ value: JSONValue, path: String = "", positions: [String: JSONPosition] = [:], what: String = "value",
                knownKeys: [String]?) {
        self.path = path
        self.positions = positions
        guard case let .object(members) = value else {
            self.members = []
            problems.append(JSONProblem(path: path, message: "\(what) must be a JSON object, found \(value.kindDescription)", position: positions[path]))
            return
        }
        self.members = members
        guard let knownKeys else { return }
        for (key, _) in members where !knownKeys.contains(key) {
            let suggestion = knownKeys.first { $0.lowercased() == key.lowercased() }.map { " (did you mean \"\($0)\"?)" } ?? ""
            problem(key, "unknown key \"\(key)\"\(suggestion); known keys: \(knownKeys.joined(separator: ", "))")
        }
    }

    /// The path of a member: `key` under this object's path.
    public func path(of key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The position of a member's value, when the document recorded it.
    public func position(of key: String) -> JSONPosition? { positions[path(of: key)] }

    /// Records a problem with member `key` (`key` may hold an index suffix, such as `origins[2]`).
    public mutating func problem(_ key: String, _ message: String) {
        problems.append(JSONProblem(path: path(of: key), message: message, position: position(of: key)))
    }

    /// Adds problems found elsewhere (in a nested object, say).
    public mutating func append(contentsOf others: [JSONProblem]) { problems += others }

    /// The member's value as it is, or nil when absent; with `required`, absence is a problem.
    public mutating func value(_ key: String, required: Bool = false) -> JSONValue? {
        if let member = members.first(where: { $0.key == key }) { return member.value }
        if required { problem(key, "missing required key \"\(key)\"") }
        return nil
    }

    /// Whether the member is present and `null`.
    public func isNull(_ key: String) -> Bool { members.first { $0.key == key }?.value == .null }

    public mutating func string(_ key: String, required: Bool = false) -> String? {
        typed(key, required, "a string") { $0.stringValue }
    }

    public mutating func bool(_ key: String, required: Bool = false) -> Bool? {
        typed(key, required, "true or false") { $0.boolValue }
    }

    /// An integer written without fraction or exponent.
    public mutating func int(_ key: String, required: Bool = false) -> Int? {
        guard let value = value(key, required: required) else { return nil }
        guard let int = value.intValue else {
            let detail = value.doubleValue != nil ? " with a fraction or exponent" : ""
            problem(key, "expected an integer, found \(value.kindDescription)\(detail)")
            return nil
        }
        return int
    }

    /// A non-negative integer up to 2^64 - 1, such as a seed.
    public mutating func uint64(_ key: String, required: Bool = false) -> UInt64? {
        typed(key, required, "a non-negative integer") { if case let .number(text) = $0 { UInt64(text) } else { nil } }
    }

    public mutating func double(_ key: String, required: Bool = false) -> Double? {
        typed(key, required, "a number") { $0.doubleValue }
    }

    /// An array whose every element is a string; each element that is not is
    /// a problem of its own (`key[2]`), and the array is then nil.
    public mutating func strings(_ key: String, required: Bool = false) -> [String]? {
        elements(key, required, "strings", "a string") { $0.stringValue }
    }

    /// An array whose every element is a number; each element that is not is
    /// a problem of its own, and the array is then nil.
    public mutating func doubles(_ key: String, required: Bool = false) -> [Double]? {
        elements(key, required, "numbers", "a number") { $0.doubleValue }
    }

    /// A string naming one case of `T`, such as an eviction policy; another
    /// string is a problem that lists the cases.
    public mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, of _: T.Type, required: Bool = false) -> T?
        where T.RawValue == String {
        guard let text = string(key, required: required) else { return nil }
        guard let value = T(rawValue: text) else {
            problem(key, "expected one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text)\"")
            return nil
        }
        return value
    }

    /// An object's members, in document order.
    public mutating func object(_ key: String, required: Bool = false) -> [(key: String, value: JSONValue)]? {
        typed(key, required, "an object") { $0.objectValue }
    }

    /// An array's elements.
    public mutating func array(_ key: String, required: Bool = false) -> [JSONValue]? {
        typed(key, required, "an array") { $0.arrayValue }
    }

    /// An array whose every element `cast` accepts; each element it does not
    /// is a problem of its own (`key[2]`), and the array is then nil.
    mutating func elements<T>(_ key: String, _ required: Bool, _ plural: String, _ singular: String, _ cast: (JSONValue) -> T?) -> [T]? {
        guard let elements = typed(key, required, "an array of \(plural)", { $0.arrayValue }) else { return nil }
        var values: [T] = []
        for (i, element) in elements.enumerated() {
            guard let value = cast(element) else {
                problem("\(key)[\(i)]", "expected \(singular), found \(element.kindDescription)")
                continue
            }
            values.append(value)
        }
        return values.count == elements.count ? values : nil
    }

    mutating func typed<T>(_ key: String, _ required: Bool, _ expected: String, _ cast: (JSONValue) -> T?) -> T? {
        guard let value = value(key, required: required) else { return nil }
        guard let typed = cast(value) else {
            problem(key, "expected \(expected), found \(value.kindDescription)")
            return nil
        }
        return typed
    }
}

/// One mistake in a JSON input: where (a key path such as `origins[2]`, and
/// the line and column when known) and what is wrong.
public struct JSONProblem: Sendable, Equatable, CustomStringConvertible {
    /// The key path, such as `origins[2]` or `maxAge`; empty for the document itself.
    public var path: String
    public var message: String
    public var position: JSONPosition?

    public init(path: String, message: String, position: JSONPosition? = nil) {
        self.path = path
        self.message = message
        self.position = position
    }

    /// `path (line L, column C): message`, leaving out what is unknown.
    public var description: String {
        var out = path
        if let position { out += out.isEmpty ? "\(position)" : " (\(position))" }
        return out.isEmpty ? message : "\(out): \(message)"
    }
}
