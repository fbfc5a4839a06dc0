import CORSPolicy
package import JSONValue

extension Scenario {
    package static let keys = ["name", "description", "policy", "patterns", "origins", "disallowedShare", "wildcardShare", "zipfSkew",
                              "methods", "headerSets", "headerNamesPerSet", "headerLists", "headerStyle", "floodShare", "churnPeriods", "maxAge",
                              "requests", "prewarm", "seed", "clients", "paths"]

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
            ("clients", .int(clients)), ("paths", .int(paths)),
        ])
    }

    /// Reads a scenario file. Keys left out take the `realistic` preset's values;
    /// unknown keys, wrong types and invalid values are errors naming the key.
    /// Without a `name` key the scenario is called `defaultName`.
    package init(json bytes: [UInt8], defaultName: String = "custom") throws(ScenarioError) {
        let document: JSONDocument
        do { document = try JSONValue.parseDocument(bytes) } catch {
            throw ScenarioError(["\(error)"])
        }
        var reader = JSONObjectReader(document.root, positions: document.positions, what: "a scenario", knownKeys: Self.keys)
        var s = Scenario.preset(named: "realistic")!
        s.name = reader.string("name") ?? defaultName
        if let v = reader.string("description") { s.description = v }
        if reader.isNull("policy") { s.policy = nil } else if let policy = reader.value("policy") {
            do {
                // Validated here, where positions are known, not only when the stream is generated.
                let configuration = try PolicyConfiguration(json: policy, positions: document.positions, pathPrefix: "policy")
                _ = try CORSPolicy(validating: configuration, positions: document.positions, pathPrefix: "policy")
                s.policy = configuration
            } catch {
                reader.append(contentsOf: error.problems)
            }
        }
        if let v = reader.int("patterns") { s.patterns = v }
        if let v = reader.int("origins") { s.origins = v }
        if let v = reader.double("disallowedShare") { s.disallowedShare = v }
        if let v = reader.double("wildcardShare") { s.wildcardShare = v }
        if let v = reader.double("zipfSkew") { s.zipfSkew = v }
        if let weights = reader.object("methods") {
            var methods = JSONObjectReader(.object(weights), path: "methods", positions: document.positions, knownKeys: weights.map(\.key))
            s.methods = weights.compactMap { member in methods.double(member.key).map { (member.key, $0) } }
            reader.append(contentsOf: methods.problems)
        }
        if let v = reader.int("headerSets") { s.headerSets = v }
        if let v = reader.int("headerNamesPerSet") { s.headerNamesPerSet = v }
        if reader.isNull("headerLists") { s.headerLists = nil } else if let lists = reader.strings("headerLists") { s.headerLists = lists }
        if let v = reader.choice("headerStyle", of: HeaderStyle.self) { s.headerStyle = v }
        if let v = reader.double("floodShare") { s.floodShare = v }
        if let v = reader.int("churnPeriods") { s.churnPeriods = v }
        if reader.isNull("maxAge") { s.maxAge = nil } else if let v = reader.int("maxAge") { s.maxAge = v }
        if let v = reader.int("requests") { s.requests = v }
        if let v = reader.bool("prewarm") { s.prewarm = v }
        if let v = reader.uint64("seed") { s.seed = v }
        if let v = reader.int("clients") { s.clients = v }
        if let v = reader.int("paths") { s.paths = v }
        let problems = reader.problems.map(\.description) + s.problems
        if !problems.isEmpty { throw ScenarioError(problems) }
        self = s
    }
}

/// Everything wrong with a scenario file, one line each.
package struct ScenarioError: Error, Sendable, CustomStringConvertible {
    package var problems: [String]
    package init(_ problems: [String]) { self.problems = problems }
    package var description: String { problems.joined(separator: "\n") }
}
