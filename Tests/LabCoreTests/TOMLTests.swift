import LabCore
import Testing

@Suite struct TOMLTests {
  @Test func parsesTablesArraysOfTablesInlineTablesAndScalarsWithTheirLines() throws {
    let text = """
      # a comment
      title = "smoke"   # trailing comment
      [study]
      seeds = [1, 2,
        3,]            # multi-line array with a trailing comma
      ratio = 1_000.5e-3
      big = -1_000
      on = true
      literal = 'C:\\path'
      escaped = "tab\\tquote\\" \\u00e9"
      inline = { K = 3, pending = "kriging-believer" }
      dotted.key = 2

      [[algorithm]]
      name = "bo"
      [[algorithm]]
      name = "soo"
      [algorithm.options]
      K = 3
      """
    let root = try TOMLParser.parse(text, file: "t.toml")
    #expect(root.keys == ["title", "study", "algorithm"])
    let study = try #require(root["study"]?.table)
    #expect(study.line == 3)
    #expect(study["seeds"]?.array?.compactMap(\.integer) == [1, 2, 3])
    #expect(study["seeds"]?.line == 4)
    #expect(study["ratio"]?.kind == .float(1.0005))
    #expect(study["big"]?.integer == -1000)
    #expect(study["on"]?.boolean == true)
    #expect(study["literal"]?.string == "C:\\path")
    #expect(study["escaped"]?.string == "tab\tquote\" é")
    #expect(study["inline"]?.table?["pending"]?.string == "kriging-believer")
    #expect(study["dotted"]?.table?["key"]?.integer == 2)
    let algorithms = try #require(root["algorithm"]?.array)
    #expect(algorithms.count == 2)
    #expect(algorithms[1].table?["name"]?.string == "soo")
    #expect(algorithms[1].table?["options"]?.table?["K"]?.integer == 3)
    #expect(algorithms[1].line == 16)
  }

  /// Each malformed input and the message it must give (file and line first).
  @Test(arguments: [
    ("a = 1\na = 2", "t.toml:2: key 'a' is defined twice"),
    ("[s]\n[s]", "t.toml:2: table [s] is defined twice"),
    ("a = \"open", "t.toml:1: unterminated string"),
    ("a = [1, 2", "t.toml:1: expected ',' or ']' in the array opened on line 1"),
    ("\n\nx = hello", "t.toml:3: 'hello' is not a valid value (strings need quotes)"),
    ("a = 1 b = 2", "t.toml:1: unexpected 'b' after a value; expected the end of the line"),
    ("d = 2024-02-30", "t.toml:1: '2024-02-30' is not a valid date or time: the day must be 01–29 in that month"),
    ("t = { a = 1 }\n[t]", "t.toml:2: table [t] is defined twice"),
    ("s = \"bad \\q\"", "t.toml:1: invalid escape '\\q' in a string"),
    ("= 3", "t.toml:1: expected a key but found '='"),
  ])
  func malformedTOMLNamesFileAndLine(text: String, message: String) {
    #expect {
      _ = try TOMLParser.parse(text, file: "t.toml")
    } throws: { error in
      (error as? LabError)?.description == message && (error as? LabError)?.code == .parse
    }
  }

  @Test func readerRejectsUnknownKeysAndWrongTypesNamingKeyAndLine() throws {
    let root = try TOMLParser.parse("[study]\nname = \"x\"\nbudgets = 3\nworkers = \"four\"", file: "studies/x.toml")
    var top = TOMLReader(root, file: "studies/x.toml")
    var study = try #require(try top.table("study"))
    _ = try study.requiredString("name")
    #expect(throws: LabError.self) { try study.finish() }
    do { try study.finish() } catch let e as LabError {
      #expect(e.description == "studies/x.toml:3: unknown key 'budgets' in [study]")
    }
    do { _ = try study.integers("workers", allowSingle: true); Issue.record("expected a type error") } catch let e as LabError {
      #expect(e.description == "studies/x.toml:4: 'workers' in [study] must be an array of integers, not a string")
    }
  }
}
