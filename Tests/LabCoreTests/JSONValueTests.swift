import LabCore
import Testing

@Suite struct JSONValueTests {
  @Test func keysKeepTheirOrderAndNumbersTheirText() throws {
    let text = #"{"b": 1, "a": [1.0, -0.5e-3, 0.30000000000000004], "c": {"z": null, "y": true}}"#
    let value = try JSONValue.parse(Array(text.utf8))
    guard case .object(let members) = value else {
      Issue.record("not an object")
      return
    }
    #expect(members.map(\.key) == ["b", "a", "c"])
    #expect(value["a"] == .array([.number("1.0"), .number("-0.5e-3"), .number("0.30000000000000004")]))
    #expect(value["b"]?.isIntegerLiteral == true)
    #expect(value["a"].map { if case .array(let a) = $0 { return a[0].isIntegerLiteral } else { return true } } == false)
    #expect(value.pythonStyle == #"{"b": 1, "a": [1.0, -0.5e-3, 0.30000000000000004], "c": {"z": null, "y": true}}"#)
    // Correct rounding: the text of the double nearest to 0.1 + 0.2 reads back bit for bit.
    #expect(JSONValue.number("0.30000000000000004").double == 0.1 + 0.2)
  }

  @Test func escapesAndSurrogatePairsAreDecodedAndWrittenLikePython() throws {
    let value = try JSONValue.parse(Array(#"["a\"b\\c\n", "\u00e9\ud83d\ude00", "é"]"#.utf8))
    #expect(value == .array([.string("a\"b\\c\n"), .string("é😀"), .string("é")]))
    // Python's json.dumps writes non-ASCII as \uXXXX, astral characters as surrogate pairs.
    #expect(value.pythonStyle == #"["a\"b\\c\n", "\u00e9\ud83d\ude00", "\u00e9"]"#)
  }

  @Test(arguments: [
    ("", "unexpected end of input at byte 0"),
    ("{\"a\" 1}", "expected ':' at byte 5"),
    ("[1, 2", "unexpected end of input at byte 5"),
    ("01", "trailing characters at byte 1"),
    ("1.", "malformed number at byte 2"),
    ("\"abc", "unterminated string at byte 4"),
    ("\"\\x\"", "invalid escape at byte 3"),
    ("NaN", "unexpected character at byte 0"),
    ("[1] x", "trailing characters at byte 4"),
  ])
  func malformedJSONSaysWhatAndWhere(text: String, message: String) {
    let error = #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(Array(text.utf8)) }
    #expect(error?.description == message)
  }

  @Test func pythonsNonFiniteTokensAreReadOnlyWhenAllowed() throws {
    let value = try JSONValue.parse(Array("[NaN, Infinity, -Infinity, -1]".utf8), allowNonFinite: true)
    #expect(value == .array([.number("NaN"), .number("Infinity"), .number("-Infinity"), .number("-1")]))
    guard case .array(let items) = value else { return }
    #expect(items[0].double?.isNaN == true && items[1].double == .infinity && items[2].double == -.infinity)
  }

  @Test func deepNestingIsRefusedRatherThanOverflowingTheStack() {
    let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
    let error = #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(Array(deep.utf8)) }
    #expect(error?.message == "nesting too deep")
  }
}
