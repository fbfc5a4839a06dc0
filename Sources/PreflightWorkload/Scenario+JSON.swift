import CORSPolicy
package import JSONValue

extension Scenario {
    package static let keys = ["name", "description", "policy", "patterns", "origins", "disallowedShare", "wildcardShare", "zipfSkew",
                              "methods", "headerSets", "headerNamesPerSet", "headerLists", "headerStyle", "floodShare", "churnPeriods", "maxAge",
                              "requests", "prewarm", "seed"]

    /// The scenario as a JSON object with every key, a starting point for custom ones.
    package var jsonValue: JSONValue {
        .object([
            ("name", .string(name)), ("description", .string(description)),
            ("policy", policy?.jsonValue ?? .null), ("patterns", .int(patterns)), ("origins", .int(origins)),
            ("disallowedShare", .double(disallowedShare)), ("wildcardShare", .double(wildcardShare)), ("zipfSkew", .double(zipfSkew)),
            ("methods", .object(methods.map { ($0.method, JSONValue.double($0.weight)) })),
            ("headerSets", .int(headerSets)), ("headerNamesPerSet", .int(headerNamesPerSet)),
            ("headerLists", headerLists.map { .array($0.map { .string($0) }) } ?? .null), ("headerStyle", .string(headerStyle.rawValue)),
            ("floodShare", .double(floodShare)), ("churnPeriods", .int(churnPeriods)), ("maxAge", maxAge.map { .int($0) } ?? .null),
            ("requests", .int(requests)), ("prewarm", .bool(prewarm)), ("seed", .number(String(seed))),
        ])
    }

    /// Reads a scenario file. Keys left out take the `realistic` preset's values;
    /// unknown keys, wrong types and invalid values are errors naming the key.
    package init(json bytes: [UInt8]) throws(ScenarioError) {
        let document: JSONDocument
        do { document = try JSONValue.parseDocument(bytes) } catch {
            throw ScenarioError(["\(error)"])
        }
        guard case let .object(members) = document.root else { throw ScenarioError(["a scenario must be a JSON object"]) }
        var errors: [String] = []
        func at(_ key: String) -> String { document.position(of: key).map { "\(key) (\($0))" } ?? key }
        for (key, _) in members where !Self.keys.contains(key) {
            errors.append("\(at(key)): unknown key \"\(key)\"; known keys: \(Self.keys.joined(separator: ", "))")
        }
        var s = Scenario.preset(named: "realistic")!
        s.name = "custom"
        let root = document.root
        func string(_ key: String) -> String? {
            guard let v = root[key] else { return nil }
            guard let text = v.stringValue else { errors.append("\(at(key)): expected a string, found \(v.kindDescription)"); return nil }
            return text
        }
        func int(_ key: String) -> Int? {
            guard let v = root[key] else { return nil }
            guard let i = v.intValue else { errors.append("\(at(key)): expected an integer, found \(v.kindDescription)"); return nil }
            return i
        }
        func double(_ key: String) -> Double? {
            guard let v = root[key] else { return nil }
            guard let d = v.doubleValue else { errors.append("\(at(key)): expected a number, found \(v.kindDescription)"); return nil }
            return d
        }
        if let v = string("name") { s.name = v }
        if let v = string("description") { s.description = v }
        if let v = root["policy"] {
            if v == .null { s.policy = nil } else {
                do { s.policy = try PolicyConfiguration(json: v, positions: document.positions, pathPrefix: "policy") } catch {
                    errors += error.problems.map(\.description)
                }
            }
        }
        if let v = int("patterns") { s.patterns = v }
        if let v = int("origins") { s.origins = v }
        if let v = double("disallowedShare") { s.disallowedShare = v }
        if let v = double("wildcardShare") { s.wildcardShare = v }
        if let v = double("zipfSkew") { s.zipfSkew = v }
        if let v = root["methods"] {
            if case let .object(weights) = v {
                s.methods = []
                for (method, weight) in weights {
                    guard let w = weight.doubleValue else { errors.append("\(at("methods.\(method)")): expected a number"); continue }
                    s.methods.append((method, w))
                }
            } else {
                errors.append("\(at("methods")): expected an object of method weights, such as {\"PUT\": 2, \"DELETE\": 1}")
            }
        }
        if let v = int("headerSets") { s.headerSets = v }
        if let v = int("headerNamesPerSet") { s.headerNamesPerSet = v }
        if let v = root["headerLists"] {
            let lists: [String]? = if case let .array(items) = v { items.compactMap(\.stringValue) } else { nil }
            if v == .null {
                s.headerLists = nil
            } else if case let .array(items) = v, let lists, lists.count == items.count {
                s.headerLists = lists
            } else {
                errors.append("\(at("headerLists")): expected an array of strings such as [\"content-type\", \"content-type,x-request-id\"], or null")
            }
        }
        if let v = string("headerStyle") {
            if let style = HeaderStyle(rawValue: v) { s.headerStyle = style } else { errors.append("\(at("headerStyle")): expected browser or noisy, got \"\(v)\"") }
        }
        if let v = double("floodShare") { s.floodShare = v }
        if let v = int("churnPeriods") { s.churnPeriods = v }
        if let v = root["maxAge"] { s.maxAge = v == .null ? nil : int("maxAge") }
        if let v = int("requests") { s.requests = v }
        if let v = root["prewarm"] {
            if let b = v.boolValue { s.prewarm = b } else { errors.append("\(at("prewarm")): expected true or false") }
        }
        if let v = root["seed"] {
            if case let .number(text) = v, let seed = UInt64(text) { s.seed = seed } else { errors.append("\(at("seed")): expected a non-negative integer") }
        }
        errors += s.problems
        if !errors.isEmpty { throw ScenarioError(errors) }
        self = s
    }
}

/// Everything wrong with a scenario file, one line each.
package struct ScenarioError: Error, Sendable, CustomStringConvertible {
    package var problems: [String]
    package init(_ problems: [String]) { self.problems = problems }
    package var description: String { problems.joined(separator: "\n") }
}
