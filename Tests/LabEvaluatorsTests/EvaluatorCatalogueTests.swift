import Foundation
import LabCore
import LabEvaluators
import LabTestSupport
import Testing

@Suite struct EvaluatorCatalogueTests {
  @Test func kindsFormsAndTheUnknownMessageComeFromTheEntries() {
    #expect(EvaluatorCatalogue.kinds == ["replay", "surrogate", "function", "constant"])
    #expect(EvaluatorCatalogue.forms == ["replay:RUN", "surrogate:CAMPAIGN", "function:NAME", "constant[:SECONDS]"])
    #expect(
      EvaluatorCatalogue.unknown("sobol:x").message
        == "unknown evaluator 'sobol:x'; valid: replay:RUN, surrogate:CAMPAIGN, function:NAME, constant[:SECONDS]")
    #expect(EvaluatorCatalogue.isKnownKind("function:branin") && !EvaluatorCatalogue.isKnownKind("sobol"))
  }

  @Test func replaysAbsentOptionIsCheckedByItsSchema() throws {
    let context = EvaluatorCatalogue.Context(traces: try Fixtures.traceFolder(), absent: "closest")
    let error = #expect(throws: LabError.self) { try EvaluatorCatalogue.make("replay:lhs_bis", context: context) }
    // The schema's wording (docs/optimisers.md shows the same form for bo's pending).
    #expect(error?.message == "replay: unknown absent 'closest'; valid: error, nearest, surrogate")
    // Kinds without the option ignore the context's policy.
    #expect((try? EvaluatorCatalogue.make("constant:60", context: context)) != nil)
  }

  /// docs/simulator.md's evaluator table is the catalogue's; `HPOLAB_REGENERATE_DOCS=1 swift test --filter evaluatorTable` rewrites it.
  @Test func evaluatorTableInDocsSimulatorMdIsGeneratedFromTheEntries() throws {
    let url = Fixtures.repositoryRoot.appendingPathComponent("docs/simulator.md")
    let text = try String(contentsOf: url, encoding: .utf8)
    let begin = "<!-- evaluators:begin -->\n", end = "<!-- evaluators:end -->"
    let start = try #require(text.range(of: begin)), stop = try #require(text.range(of: end))
    let table = EvaluatorCatalogue.markdownTable()
    if ProcessInfo.processInfo.environment["HPOLAB_REGENERATE_DOCS"] == "1" {
      try (String(text[..<start.upperBound]) + table + String(text[stop.lowerBound...])).write(to: url, atomically: true, encoding: .utf8)
      return
    }
    #expect(String(text[start.upperBound..<stop.lowerBound]) == table, "docs/simulator.md is out of date: HPOLAB_REGENERATE_DOCS=1 swift test --filter evaluatorTable")
  }
}
