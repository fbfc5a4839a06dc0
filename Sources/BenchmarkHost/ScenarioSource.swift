package import PreflightWorkload
package import CORSPolicy

/// Scenarios as users name them: a preset's name, or a scenario file.
package enum ScenarioSource {
    /// Throws unless `name` is a preset or an existing file: the check both
    /// `run` and `simulate` make before doing anything.
    package static func check(_ name: String) throws(HostError) {
        guard Scenario.preset(named: name) == nil && !Files.exists(name) else { return }
        throw HostError("--scenario: \"\(name)\" is neither a preset (\(Scenario.presets.map(\.name).joined(separator: ", "))) nor a file")
    }

    /// The preset named `name`, else the scenario file at `name`. A file's
    /// scenario is called by its own `name`, else by the file's base name
    /// without `.json`: never by the path, which would put folders into
    /// labels and file names.
    package static func load(_ name: String) throws(HostError) -> Scenario {
        if let preset = Scenario.preset(named: name) { return preset }
        try check(name)
        let bytes = try Files.read(name, what: "scenario file")
        do { return try Scenario(json: bytes, defaultName: baseName(of: name)) } catch {
            throw HostError(error.problems.map { "\(name): \($0)" }.joined(separator: "\n"))
        }
    }

    /// `path`'s last component without a `.json` extension (`/tmp/s1.json` -> `s1`).
    package static func baseName(of path: String) -> String {
        let last = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
        let stem = last.hasSuffix(".json") && last.count > 5 ? String(last.dropLast(5)) : last
        return stem.isEmpty ? "custom" : stem
    }

    /// `scenario`'s request stream, or an error naming the scenario.
    package static func stream(for scenario: Scenario) throws(HostError) -> RequestStream {
        do { return try RequestStream(scenario: scenario) } catch { throw HostError("\(scenario.name): \(error)") }
    }

    /// `scenario`'s policy (as its stream is decided against), or an error naming the scenario.
    package static func policy(for scenario: Scenario) throws(HostError) -> CORSPolicy {
        do { return try RequestStream.policy(of: scenario) } catch { throw HostError("\(scenario.name): \(error)") }
    }
}
