import PreflightTestSupport
import PreflightWorkload
import Testing

@Suite struct ScenarioTests {
    @Test(arguments: Scenario.presets.map(\.name))
    func everyPresetGeneratesAValidStream(name: String) throws {
        let stream = try RequestStream(scenario: smallScenario(name))
        #expect(stream.count == 1 << 14)
        #expect(stream.distinctKeys > 1)
        #expect(stream.keyIDs.count == stream.count)
        #expect(stream.keyRepresentatives.count == stream.distinctKeys)
        if name == "flood" { #expect(stream.singletonShare > 0.2) }
    }

    @Test func presetsRoundTripThroughJSON() throws {
        for preset in Scenario.presets {
            let decoded = try Scenario(json: Array(preset.jsonValue.prettyJSONText.utf8))
            #expect(decoded == preset)
        }
    }

    /// Exact header lists are part of the scenario, not of its name: a
    /// renamed copy of `hot` draws the same keys.
    @Test func headerListsComeFromTheScenarioNotItsName() throws {
        var copy = Scenario.preset(named: "hot")!
        copy.name = "mine"
        copy.requests = 1 << 14
        var hot = Scenario.preset(named: "hot")!
        hot.requests = 1 << 14
        let a = try RequestStream(scenario: hot), b = try RequestStream(scenario: copy)
        #expect(a.distinctKeys == b.distinctKeys)
        #expect((0..<64).map { a.request($0) } == (0..<64).map { b.request($0) })
        let headers = Set((0..<a.count).compactMap { a.request($0).requestHeaders })
        #expect(headers == Set(Scenario.floorHeaderSets))

        let file = try Scenario(json: Array(#"{"headerLists": ["X-Trace-ID, content-type", "accept"], "requests": 4096}"#.utf8))
        #expect(file.headerLists == ["X-Trace-ID, content-type", "accept"])
        let stream = try RequestStream(scenario: file)
        #expect(Set((0..<stream.count).compactMap { stream.request($0).requestHeaders }) == ["content-type,x-trace-id", "accept"])
        do {
            _ = try Scenario(json: Array(#"{"headerLists": ["a b"]}"#.utf8))
            Issue.record("accepted an invalid header list")
        } catch {
            #expect(error.problems.contains { $0.hasPrefix("headerLists[0]") })
        }
    }

    @Test func scenarioFilesNameTheirMistakes() {
        #expect(throws: ScenarioError.self) { try Scenario(json: Array(#"{"origin": 5}"#.utf8)) }
        do {
            _ = try Scenario(json: Array("{\"zipfSkew\": \"high\", \"floodShare\": 2}".utf8))
            Issue.record("accepted an invalid scenario")
        } catch {
            #expect(error.problems.contains { $0.hasPrefix("zipfSkew (line 1, column 14)") })
            #expect(error.problems.contains { $0.contains("floodShare must be between 0 and 1") })
        }
    }

    /// An embedded policy is validated when the file is read, and its
    /// mistakes carry the file's line and column.
    @Test func embeddedPoliciesAreValidatedWithPositions() {
        do {
            _ = try Scenario(json: Array("{\"policy\": {\"origins\": [\"*\"],\n \"credentials\": true}}".utf8))
            Issue.record("accepted \"*\" with credentials")
        } catch {
            #expect(error.problems.contains { $0.hasPrefix("policy.origins[0] (line 1, column 25)") }, "\(error.problems)")
        }
    }
}
