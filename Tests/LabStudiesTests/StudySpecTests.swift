import Foundation
import LabCore
import LabStudies
import Testing

/// The repository root (for studies/*.toml).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// A valid study to mutate in the malformed cases; line numbers matter below.
let validStudy = """
  [study]
  name = "x"
  workers = [1, 2]
  modes = ["sync", "async"]
  seeds = 2
  budget = 10
  evaluators = ["constant:60"]

  [[algorithm]]
  name = "random"
  [[algorithm]]
  name = "lhs"
  options = { count = 10 }
  """

@Suite struct StudySpecTests {
  @Test func parsesTheValidStudyAndExpandsTheGridSeedFastest() throws {
    let spec = try StudySpec(text: validStudy, file: "studies/x.toml")
    #expect(spec.name == "x" && spec.workers == [1, 2] && spec.modes == [.sync, .async] && spec.seeds == [1, 2])
    #expect(spec.algorithms[1].options == ["count": "10"])
    let cells = spec.cells
    #expect(cells.count == 2 * 1 * 2 * 2 * 2)
    #expect(cells[0].runID == "x/random/constant:60/w1-sync/s1")
    #expect(cells[1].runID == "x/random/constant:60/w1-sync/s2")
    #expect(cells[2].runID == "x/random/constant:60/w1-async/s1")
    #expect(cells[15].runID == "x/lhs/constant:60/w2-async/s2")
    // Shards partition the grid.
    let shards = (1...3).map { spec.cells(shard: $0, of: 3).map(\.index) }
    #expect(shards.flatMap { $0 }.sorted() == Array(0..<16))
    #expect(shards[1].first == 1)
  }

  @Test func theHashIgnoresCommentsAndLayoutButNotContent() throws {
    let a = try StudySpec(text: validStudy, file: "a.toml")
    let b = try StudySpec(text: "# comment\n" + validStudy.replacingOccurrences(of: "seeds = 2", with: "seeds = [1, 2]"), file: "b.toml")
    let c = try StudySpec(text: validStudy.replacingOccurrences(of: "budget = 10", with: "budget = 11"), file: "c.toml")
    #expect(try a.specHash == b.specHash)
    #expect(try a.specHash != c.specHash)
  }

  /// Each malformed variant of the valid study and its exact message (file, line, key).
  @Test(arguments: [
    ("budget = 10", "budgets = 10", "studies/x.toml:6: unknown key 'budgets' in [study]"),
    ("budget = 10", "budget = \"ten\"", "studies/x.toml:6: 'budget' in [study] must be an integer, not a string"),
    ("budget = 10", "budget = 0", "studies/x.toml:6: 'budget' in [study] must be in 1…1,000,000 evaluations, got 0"),
    ("budget = 10", "", "studies/x.toml:1: [study] needs 'budget' (evaluations), 'hours' (simulated hours) and/or 'node_hours' (W × simulated hours)"),
    ("workers = [1, 2]", "workers = [1, 0]", "studies/x.toml:3: 'workers' in [study] must be in 1…4,096, got 0"),
    ("workers = [1, 2]", "workers = [1.5]", "studies/x.toml:3: 'workers' in [study] must be an array of integers, not a float"),
    ("modes = [\"sync\", \"async\"]", "modes = [\"batch\"]", "studies/x.toml:4: 'modes' in [study] must be \"sync\" and/or \"async\", got 'batch'"),
    ("seeds = 2", "seeds = 0", "studies/x.toml:5: 'seeds' in [study] must be in 1…100,000 (a count), got 0"),
    ("seeds = 2", "seeds = [3, 3]", "studies/x.toml:5: 'seeds' in [study] lists 3 twice"),
    ("seeds = 2", "", "studies/x.toml:1: missing key 'seeds' in [study] (a count or a list of seeds)"),
    ("name = \"x\"", "name = \"a b\"", "studies/x.toml:2: 'name' in [study] must start with a letter or digit and continue with letters, digits, '-', '_' or '.' (no '..'), got 'a b'"),
    ("budget = 10", "budget = 10\noverhead = \"quadratic:1\"", "studies/x.toml:7: unknown overhead 'quadratic:1'; valid: none, constant:SECONDS, linear:A,B, cubic:A,B, measured"),
    ("name = \"lhs\"\n", "name = \"lhs\"\nK = 3\n", "studies/x.toml:13: unknown key 'K' in [algorithm[2]]"),
    ("[[algorithm]]\nname = \"random\"", "[[algorithms]]\nname = \"random\"", "studies/x.toml:9: unknown key 'algorithms' in the top level"),
    ("name = \"lhs\"\n", "name = \"random\"\n", "studies/x.toml:12: two algorithms are labelled 'random'; give one a distinct 'label'"),
    ("evaluators = [\"constant:60\"]", "evaluators = [\"constant:60\", \"constant:60\"]", "studies/x.toml:7: evaluator 'constant:60' is listed twice"),
    ("[study]", "[studies]", "studies/x.toml:1: missing table [study]"),
    ("options = { count = 10 }", "options = { count = [10] }", "studies/x.toml:13: option 'count' in [algorithm[2].options] must be a string, number or boolean"),
    ("options = { count = 10 }", "options = { count = 10 }\n[[evaluator]]\nname = \"function:branin\"\ndirection = \"up\"", "studies/x.toml:16: 'direction' in [evaluator[1]] must be \"maximize\" or \"minimize\""),
    ("budget = 10", "budget = 10 budget = 11", "studies/x.toml:6: unexpected 'b' after a value; expected the end of the line"),
  ])
  func malformedStudiesNameFileLineAndKey(original: String, replacement: String, message: String) {
    let text = validStudy.replacingOccurrences(of: original, with: replacement)
    #expect(text != validStudy)
    #expect {
      _ = try StudySpec(text: text, file: "studies/x.toml")
    } throws: { error in
      let description = (error as? LabError)?.description
      if description != message { Issue.record("got: \(description ?? "\(error)")") }
      return description == message
    }
  }

  @Test func everyShippedStudyParses() throws {
    let folder = repositoryRoot.appendingPathComponent("studies")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".toml") }.sorted()
    #expect(files.contains("smoke.toml"))
    for file in files {
      let spec = try StudySpec(contentsOfFile: folder.appendingPathComponent(file).path)
      #expect(spec.name + ".toml" == file)
    }
  }
}
