import JSONValue
import Testing

@Suite struct JSONValueParsingTests {
    @Test func parsesNestedValuesInOrder() throws {
        let value = try JSONValue.parse(#"{"b": [1, -2.5e3, true, null], "a": {"s": "x\n\u00e9\ud83d\ude00"}}"#)
        #expect(value.objectValue?.map(\.key) == ["b", "a"])
        #expect(value["b"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .null]))
        #expect(value["a"]?["s"] == .string("x\né😀"))
    }

    @Test(arguments: [
        ("{\"a\": 1,}", 1, 9, "expected a quoted key"),
        ("{\n  \"a\": 1,\n  \"a\": 2\n}", 3, 3, "duplicate key \"a\""),
        ("[1 2]", 1, 4, "expected ',' or ']'"),
        ("{\"a\": tru}", 1, 7, "invalid literal"),
        ("\"abc", 1, 5, "unterminated string"),
        ("01", 1, 2, "leading zero"),
        ("", 1, 1, "empty"),
        ("{} x", 1, 4, "after the end"),
    ])
    func reportsErrorsWithPositions(text: String, line: Int, column: Int, message: String) {
        #expect {
            try JSONValue.parse(text)
        } throws: { error in
            guard let e = error as? JSONSyntaxError else { return false }
            return e.position == JSONPosition(line: line, column: column) && e.message.contains(message)
        }
    }

    @Test func refusesDeepNestingInsteadOfOverflowingTheStack() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(deep) }
    }

    @Test func recordsPositionsByPath() throws {
        let doc = try JSONValue.parseDocument(Array("{\n \"origins\": [\"a\",\n  \"b\"]}".utf8))
        #expect(doc.position(of: "origins[1]") == JSONPosition(line: 3, column: 3))
    }

    @Test func writesAndReparsesEveryValue() throws {
        let value = JSONValue.object([("k", .string("q\"\\\u{01}\t")), ("n", .int(-42)), ("d", .double(0.5)), ("e", .array([])), ("o", .object([]))])
        #expect(try JSONValue.parse(value.jsonText) == value)
        #expect(try JSONValue.parse(value.prettyJSONText) == value)
    }

    @Test func formatsFixedPointWithoutFoundation() {
        #expect(JSONValue.formatFixed(3.14159, fractionDigits: 2) == "3.14")
        #expect(JSONValue.formatFixed(-0.5, fractionDigits: 1) == "-0.5")
        #expect(JSONValue.formatFixed(2, fractionDigits: 3) == "2.000")
    }
}

@Suite struct JSONObjectReaderTests {
    /// Every mistake of an object is collected, in document order, each
    /// with its key path and position; what is right is still read.
    @Test func collectsEveryMistakeWithItsPathAndPosition() throws {
        let document = try JSONValue.parseDocument(Array(#"{"Name": 1, "count": 2.5, "tags": ["a", 3], "ok": true, "nested": {"x": "y"}}"#.utf8))
        var reader = JSONObjectReader(document.root, path: "cfg", positions: document.positions,
                                      knownKeys: ["name", "count", "tags", "ok", "nested", "seed"])
        #expect(reader.string("name", required: true) == nil)
        #expect(reader.int("count") == nil)
        #expect(reader.strings("tags") == nil)
        #expect(reader.bool("ok") == true)
        #expect(reader.object("nested")?.first?.key == "x")
        #expect(reader.uint64("seed") == nil)
        #expect(reader.problems.map(\.description) == [
            #"cfg.Name: unknown key "Name" (did you mean "name"?); known keys: name, count, tags, ok, nested, seed"#,
            #"cfg.name: missing required key "name""#,
            "cfg.count: expected an integer, found a number with a fraction or exponent",
            "cfg.tags[1]: expected a string, found a number",
        ])
    }

    @Test func positionsComeFromTheDocument() throws {
        let document = try JSONValue.parseDocument(Array("{\n  \"a\": \"x\"\n}".utf8))
        var reader = JSONObjectReader(document.root, positions: document.positions, knownKeys: ["a"])
        #expect(reader.int("a") == nil)
        #expect(reader.problems.first?.description == "a (line 2, column 8): expected an integer, found a string")
    }

    @Test func nonObjectsAndNullsAreToldApart() {
        let reader = JSONObjectReader(.array([]), what: "a policy", knownKeys: [])
        #expect(reader.problems.map(\.description) == ["a policy must be a JSON object, found an array"])
        var nulls = JSONObjectReader(.object([("maxAge", .null)]), knownKeys: nil)
        #expect(nulls.isNull("maxAge") && !nulls.isNull("other"))
        #expect(nulls.int("maxAge") == nil && nulls.problems.count == 1)
    }

    enum Colour: String, CaseIterable { case red, green }

    /// A named choice is one of the type's cases, else a problem listing them;
    /// typed arrays name the element at fault.
    @Test func choicesAndTypedArrays() {
        var reader = JSONObjectReader(.object([("a", .string("green")), ("b", .string("blue")), ("n", .array([.number("1"), .string("x")]))]),
                                      knownKeys: nil)
        #expect(reader.choice("a", of: Colour.self) == .green)
        #expect(reader.choice("b", of: Colour.self) == nil)
        #expect(reader.doubles("n") == nil)
        #expect(reader.doubles("a") == nil)
        #expect(reader.problems.map(\.description) == [
            #"b: expected one of red, green, got "blue""#,
            "n[1]: expected a number, found a string",
            "a: expected an array of numbers, found a string",
        ])
    }
}
