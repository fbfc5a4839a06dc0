package import PreflightWorkload

/// Scenarios as users name them: a preset's name, or a scenario file.
package enum ScenarioSource {
    /// The preset named `name`, else the scenario file at `name`.
    package static func load(_ name: String) throws(HostError) -> Scenario {
        if let preset = Scenario.preset(named: name) { return preset }
        guard Files.exists(name) else {
            throw HostError("\"\(name)\" is neither a preset (\(Scenario.presets.map(\.name).joined(separator: ", "))) nor a file")
        }
        let bytes = try Files.read(name, what: "scenario file")
        do { return try Scenario(json: bytes) } catch {
            throw HostError(error.problems.map { "\(name): \($0)" }.joined(separator: "\n"))
        }
    }
}
