import LabCore
import LabData
import Testing

/// Search spaces read from TOML (moved from LabCoreTests' TOMLTests with the presets).
@Suite struct SearchSpaceTOMLTests {
  @Test func searchSpaceFromInlineTableOrPreset() throws {
    let root = try TOMLParser.parse(
      """
      [a]
      preset = "llama-3.2-1b"
      [b]
      integers = "round"
      parameters = [
        { name = "x", kind = "float", lower = -5, upper = 10 },
        { name = "n", kind = "int", lower = 1, upper = 8 },
      ]
      [c]
      parameters = [{ name = "x", kind = "cubic", lower = 0, upper = 1 }]
      [d]
      parameters = [{ name = "x", kind = "float", lower = 1, upper = 1 }]
      """, file: "s.toml")
    var r = TOMLReader(root, file: "s.toml")
    #expect(try SearchSpace(toml: try #require(try r.table("a"))) == SearchSpace.llama32_1B)
    let b = try SearchSpace(toml: try #require(try r.table("b")))
    #expect(b.names == ["x", "n"] && b.integerConversion == .round && b.parameters[0].lower == -5)
    #expect {
      try SearchSpace(toml: try #require(try r.table("c")))
    } throws: {
      ($0 as? LabError)?.description == "s.toml:10: 'kind' in [c.parameters[1]] must be one of \"int\", \"float\", \"log\""
    }
    #expect {
      try SearchSpace(toml: try #require(try r.table("d")))
    } throws: {
      ($0 as? LabError)?.description
        == "s.toml:12: parameter 'x' has zero or negative width: lower 1.0 must be below upper 1.0"
    }
  }
}
