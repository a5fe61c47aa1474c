import Foundation
import LabCore
import LabEvaluators
import LabStore
import LabStudies
import LabTestSupport
import Testing

/// Issue 18's study-file cases: each is refused when the file is read (or when the runner is built,
/// before anything is stored), with the file, the line and the key.
@Suite struct StudyValidationTests {
  /// The file-level cases: `original` of ``validStudy`` replaced by `replacement` gives `message` exactly.
  ///
  /// Line numbers are those of ``validStudy`` (name 2, workers 3, modes 4, seeds 5, budget 6,
  /// evaluators 7, the second algorithm's options 13).
  @Test(arguments: [
    // Overflow and memory: these trapped or asked for gigabytes (issue 18).
    ("workers = [1, 2]", "workers = [9223372036854775807]", "studies/x.toml:3: 'workers' in [study] must be in 1…4,096, got 9223372036854775807"),
    ("workers = [1, 2]", "workers = 4097", "studies/x.toml:3: 'workers' in [study] must be in 1…4,096, got 4097"),
    ("seeds = 2", "seeds = 9223372036854775807", "studies/x.toml:5: 'seeds' in [study] must be in 1…100,000 (a count), got 9223372036854775807"),
    ("seeds = 2", "seeds = 2147483648", "studies/x.toml:5: 'seeds' in [study] must be in 1…100,000 (a count), got 2147483648"),
    ("budget = 10", "budget = 2147483648", "studies/x.toml:6: 'budget' in [study] must be in 1…1,000,000 evaluations, got 2147483648"),
    ("options = { count = 10 }", "options = { count = 9223372036854775807 }", "studies/x.toml:13, field 'options.count': lhs: option 'count' must be in 1…10 (at most the budget), got 9223372036854775807"),
    ("options = { count = 10 }", "options = { count = 11 }", "studies/x.toml:13, field 'options.count': lhs: option 'count' must be in 1…10 (at most the budget), got 11"),
    ("name = \"lhs\"\noptions = { count = 10 }", "name = \"soo\"\noptions = { k = 9223372036854775807 }", "studies/x.toml:13, field 'options.k': soo: option 'k' must be in 2…64, got 9223372036854775807"),
    ("name = \"lhs\"\noptions = { count = 10 }", "name = \"bo\"\noptions = { initial = 1000000000 }", "studies/x.toml:13, field 'options.initial': bo: option 'initial' must be in 0…10 (at most the budget), got 1000000000"),
    // Non-finite numbers: target = nan corrupted the studies table.
    ("budget = 10", "budget = 10\ntarget = nan", "studies/x.toml:7: 'target' in [study] must be a finite number, got nan"),
    ("budget = 10", "budget = 10\ntarget = -inf", "studies/x.toml:7: 'target' in [study] must be a finite number, got -inf"),
    ("budget = 10", "hours = nan", "studies/x.toml:6: 'hours' in [study] must be a finite number of hours in (0, 10,000], got nan"),
    ("budget = 10", "hours = inf", "studies/x.toml:6: 'hours' in [study] must be a finite number of hours in (0, 10,000], got inf"),
    ("budget = 10", "node_hours = 0", "studies/x.toml:6: 'node_hours' in [study] must be a finite number of node-hours in (0, 1,000,000], got 0.0"),
    ("budget = 10", "node_hours = nan", "studies/x.toml:6: 'node_hours' in [study] must be a finite number of node-hours in (0, 1,000,000], got nan"),
    ("budget = 10", "node_hours = 2e6", "studies/x.toml:6: 'node_hours' in [study] must be a finite number of node-hours in (0, 1,000,000], got 2000000.0"),
    ("budget = 10", "budget = 10\noverhead = \"cubic:1e300,1\"", "studies/x.toml:7: each number of overhead 'cubic:1e300,1' must be a finite number in 0…1,000,000 seconds, got 1e+300"),
    ("options = { count = 10 }", "options = { count = 10, eta = nan }", "studies/x.toml:13: option 'eta' in [algorithm[2].options] must be finite, got nan"),
    // Duplicates: workers = [1, 1] stored part of the grid, then failed.
    ("workers = [1, 2]", "workers = [1, 1]", "studies/x.toml:3: 'workers' in [study] lists 1 twice"),
    ("modes = [\"sync\", \"async\"]", "modes = [\"sync\", \"sync\"]", "studies/x.toml:4: 'modes' in [study] lists sync twice"),
    ("workers = [1, 2]", "workers = []", "studies/x.toml:3: 'workers' in [study] must list at least one worker count"),
    ("budget = 10", "budget = 10\nrecorded = [\"lhs_bis\", \"lhs_bis\"]", "studies/x.toml:7: 'recorded' in [study] lists lhs_bis twice"),
    // Names: '..' wrote figures into the current folder.
    ("name = \"x\"", "name = \"..\"", "studies/x.toml:2: 'name' in [study] must start with a letter or digit and continue with letters, digits, '-', '_' or '.' (no '..'), got '..'"),
    ("name = \"x\"", "name = \"a..b\"", "studies/x.toml:2: 'name' in [study] must start with a letter or digit and continue with letters, digits, '-', '_' or '.' (no '..'), got 'a..b'"),
    ("name = \"x\"", "name = \".hidden\"", "studies/x.toml:2: 'name' in [study] must start with a letter or digit and continue with letters, digits, '-', '_' or '.' (no '..'), got '.hidden'"),
    ("name = \"x\"", "name = \"\"", "studies/x.toml:2: 'name' in [study] must start with a letter or digit and continue with letters, digits, '-', '_' or '.' (no '..'), got ''"),
    ("name = \"lhs\"\n", "name = \"lhs\"\nlabel = \"../up\"\n", "studies/x.toml:13: 'label' in [algorithm[2]] must start with a letter or digit and continue with letters, digits, '-', '_' or '.' (no '..'), got '../up'"),
    ("budget = 10", "budget = 10\nrecorded = [\"../../etc/passwd\"]", "studies/x.toml:7: 'recorded' in [study] must name recorded runs (letters, digits, '_', '-', '.'), got '../../etc/passwd'"),
    // Unknown names carried no file:line.
    ("name = \"lhs\"\n", "name = \"lhss\"\n", "studies/x.toml:12: unknown algorithm 'lhss'; valid: random, lhs, bo, soo, bamsoo, tpe, cmaes"),
    ("evaluators = [\"constant:60\"]", "evaluators = [\"constant:60\",\n  \"bogus:1\"]", "studies/x.toml:8: unknown evaluator 'bogus:1'; valid: replay:RUN, surrogate:CAMPAIGN, function:NAME, constant[:SECONDS]"),
    ("evaluators = [\"constant:60\"]", "evaluators = [\"surrogate:C\"]", "studies/x.toml:7: unknown surrogate campaign 'surrogate:C'; valid: llama-3.2-1b (alias B), llama-3.2-3b (alias A) (as surrogate:NAME)"),
    ("evaluators = [\"constant:60\"]", "evaluators = [\"constant:nan\"]", "studies/x.toml:7: constant:SECONDS needs a finite number of seconds in 0…1,000,000, got 'nan'"),
    ("evaluators = [\"constant:60\"]", "evaluators = [\"replay:../x\"]", "studies/x.toml:7: replay needs a recorded run name: replay:RUN, got 'replay:../x'"),
    // The grid itself: 3 × 4,096 × 2 × 100,000 runs would not fit in memory.
    ("workers = [1, 2]\nmodes = [\"sync\", \"async\"]\nseeds = 2", "workers = [1, 2, 3, 4, 5, 6]\nmodes = [\"sync\", \"async\"]\nseeds = 100000", "studies/x.toml:1: the grid of study 'x' has 2,400,000 runs (algorithms × evaluators × workers × modes × seeds); at most 1,000,000"),
  ])
  func issue18StudyCasesAreRefusedWithFileLineAndKey(original: String, replacement: String, message: String) {
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

  /// A file whose problems show only once the evaluators are loaded: the runner refuses it
  /// (before anything is stored) at the file and line of the key.
  @Test(arguments: [
    // A misspelt metric failed at the first run, after the study was registered.
    ("metric = \"hellaswag.acc\"", "metric = \"hellaswag.accc\"", "studies/v.toml:9, field 'metric': evaluator 'replay:lhs_bis' does not report metric 'hellaswag.accc'; it reports"),
    // A misspelt recorded run failed after the whole grid was computed.
    ("recorded = [\"lhs_bis\"]", "recorded = [\"lhs_bs\"]", "studies/v.toml:6: unknown recorded run 'lhs_bs'"),
    // Bad option values carried no line.
    ("options = { pending = \"kb\" }", "options = { pending = \"kbb\" }", "studies/v.toml:17, field 'options.pending': bo: unknown pending 'kbb'; valid: cl-min, cl-mean, cl-max, kb, lp"),
    ("options = { pending = \"kb\" }", "options = { pendin = \"kb\" }", "studies/v.toml:17, field 'options.pendin': bo: unknown option 'pendin'"),
    ("name = \"replay:lhs_bis\"", "name = \"replay:lhs_bs\"", "studies/v.toml:11: unknown recorded run 'lhs_bs'"),
    // A space-size mismatch carried no line.
    ("[[evaluator]]", "[space]\nparameters = [{ name = \"x\", kind = \"float\", lower = 0, upper = 1 }]\n\n[[evaluator]]", "studies/v.toml:8: study 'v': its space has 1 parameters but evaluator 'surrogate:B' expects"),
  ])
  func lateProblemsAreRefusedBeforeStoringWithFileAndLine(original: String, replacement: String, message: String) throws {
    let valid = """
      [study]
      name = "v"
      seeds = 1
      budget = 12
      evaluators = ["surrogate:B"]
      recorded = ["lhs_bis"]

      [[evaluator]]
      metric = "hellaswag.acc"
      # the shorthand above has the default metric
      name = "replay:lhs_bis"

      [[algorithm]]
      name = "random"
      [[algorithm]]
      name = "bo"
      options = { pending = "kb" }
      """
    let context = EvaluatorCatalogue.Context(traces: try Fixtures.traceFolder())
    // The valid file builds a runner: the failures below are the replacement's.
    let spec = try StudySpec(text: valid, file: "studies/v.toml")
    _ = try StudyRunner(spec: spec, context: context)
    let text = valid.replacingOccurrences(of: original, with: replacement)
    #expect(text != valid)
    #expect {
      _ = try StudyRunner(spec: try StudySpec(text: text, file: "studies/v.toml"), context: context)
    } throws: { error in
      let description = (error as? LabError)?.description ?? "\(error)"
      if !description.hasPrefix(message) { Issue.record("got: \(description)") }
      return description.hasPrefix(message)
    }
  }

  @Test func aSpecThatDoesNotEncodeIsNeverStoredUnderAnEmptyHash() throws {
    // Built in code (the parser refuses target = nan): encoding fails, and so does registering it.
    let spec = StudySpec(
      name: "nan", algorithms: [StudyAlgorithm(name: "random")],
      evaluators: [StudyEvaluator(name: "constant:1", target: .nan)], seeds: [1], budget: 2)
    #expect(throws: LabError.self) { _ = try spec.canonicalJSON() }
    #expect(throws: LabError.self) { _ = try spec.specHash }
    let db = try LabDatabase.inMemory()
    let before = try db.canonicalDump()
    #expect(throws: LabError.self) { try db.registerStudy(spec) }
    #expect(try db.canonicalDump() == before)
    #expect(try db.studyNames().isEmpty)
  }

  @Test func aStudyBeingRunByAnotherProcessIsRefusedNamingIt() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hpolab-lock-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("lab.sqlite").path
    let spec = try StudySpec(text: validStudy.replacingOccurrences(of: "seeds = 2", with: "seeds = 1"), file: "x.toml")
    let runner = try StudyRunner(spec: spec, context: EvaluatorCatalogue.Context(traces: try Fixtures.traceFolder()))
    let db = try LabDatabase(path: path)
    let before = try db.canonicalDump()
    // Another holder (flock locks exclude other open files even in one process).
    var held: StudyLock? = try StudyLock(study: "x", database: path)
    let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? ""
    let error = #expect(throws: LabError.self) { try runner.run(database: db, jobs: 1) }
    #expect(
      error?.message.hasPrefix("study 'x' is being run by pid \(ProcessInfo.processInfo.processIdentifier) on \(host)") == true,
      "\(String(describing: error))")
    #expect(try db.canonicalDump() == before)
    // Once the holder releases it, the study runs.
    held?.release()
    held = nil
    #expect(try runner.run(database: db, jobs: 1) == 8)
    #expect(!FileManager.default.fileExists(atPath: path + ".lock-study-x"), "the lock file is removed when done")
  }

  @Test func studyNamesFollowThePattern() {
    // [A-Za-z0-9][A-Za-z0-9._-]* without '..', by hand.
    for good in ["paper", "a", "0", "v1.2", "x_y-z", "A.b.C"] { #expect(StudySpec.isValidName(good), "\(good)") }
    for bad in ["", ".", "..", "a..b", ".a", "-a", "_a", "a/b", "a b", "é", "a\u{0}"] {
      #expect(!StudySpec.isValidName(bad), "\(bad)")
    }
  }

  @Test func linesDoNotChangeTheDefinition() throws {
    let a = try StudySpec(text: validStudy, file: "a.toml")
    let b = try StudySpec(text: "\n\n" + validStudy, file: "b.toml")
    #expect(a == b)
    #expect(try a.specHash == b.specHash)
    #expect(a.source.lines["study.workers"] == 3 && b.source.lines["study.workers"] == 5)
  }
}
