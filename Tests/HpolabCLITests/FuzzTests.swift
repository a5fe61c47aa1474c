import Foundation
import LabTestSupport
import LabCore
import Testing

/// Bounded, seeded fuzzing of the built binary with malformed study and trace files (issue 18).
///
/// Each case is a file written to a temporary folder; the binary checks them in
/// batches (`hpolab study check`, `hpolab traces check` — the same code paths as
/// `study run` and `traces import`, without a database), so that 2,000+ cases
/// of each kind cost a few process starts. For every case the output holds
/// exactly one line, `FILE: ok` or `Error: FILE:LINE…` (file and line named);
/// a batch exits 0 or 1, never by a signal. A sample of the cases then goes
/// through `study run` and `traces import` against a database whose bytes must
/// not change. The generator is seeded: a failure names the case, and
/// `HPOLAB_FUZZ_KEEP=1` keeps its folder.
@Suite(.serialized) struct FuzzTests {
  static let studyCases = 2_100
  static let traceCases = 2_100
  static let batch = 300

  // MARK: Study files

  /// A small valid study, the seed every malformed case is derived from (each key on its own line).
  static let baseStudy = """
    [study]
    name = "fuzz"
    description = "seeded malformed variants of this file"
    workers = [1, 2]
    modes = ["sync", "async"]
    seeds = 2
    budget = 6
    overhead = "constant:4"
    evaluators = ["constant:60", "function:branin"]
    target = 0.5

    [[algorithm]]
    name = "random"

    [[algorithm]]
    name = "lhs"
    options = { count = 6 }

    [[algorithm]]
    name = "soo"
    options = { k = 3 }
    """

  /// Values that make the key of the same line invalid (each one is refused whatever the rest).
  static let badValues: [(key: String, values: [String])] = [
    ("workers", ["[9223372036854775807]", "[1, 1]", "[0]", "[-3]", "4097", "[]", "[1.5]", "\"2\"", "[2147483648]", "[1, 9223372036854775807]"]),
    ("seeds", ["9223372036854775807", "0", "-1", "2147483648", "[1, 1]", "[]", "1e9", "[-1]", "100001", "\"3\"", "[1, \"2\"]"]),
    ("budget", ["2147483648", "0", "-5", "1e9", "\"ten\"", "1000001", "nan", "inf", "4611686018427387904", "[6]"]),
    ("target", ["nan", "inf", "-inf", "\"x\"", "+nan", "[0.5]"]),
    ("overhead", ["\"cubic:1e300,1\"", "\"constant:nan\"", "\"quadratic:1\"", "\"linear:1\"", "\"constant:-1\"", "\"constant:inf\"", "4"]),
    ("name", ["\"..\"", "\".\"", "\"a/b\"", "\"\"", "\"-x\"", "\"a b\"", "\"é\"", "\"a..b\"", "\"../../tmp\"", "7"]),
    ("modes", ["[\"sync\", \"sync\"]", "[\"batch\"]", "[]", "1", "\"Sync\""]),
    ("evaluators", ["[\"bogus\"]", "[\"function:nope\"]", "[\"surrogate:C\"]", "[\"constant:nan\"]", "[\"replay:no_such_run\"]",
                    "[\"constant:60\", \"constant:60\"]", "[\"replay:../x\"]", "[\"constant:1e300\"]", "[1]"]),
    ("description", ["1", "[\"x\"]"]),
  ]

  /// Extra lines appended to the [study] table (each one invalid there).
  static let badStudyLines = [
    "budgets = 3", "metric = \"hellaswag.accc\"", "recorded = [\"lhs_bs\"]", "recorded = [\"../etc/passwd\"]",
    "recorded = [\"lhs_bis\", \"lhs_bis\"]", "recorded = [1]", "paired = \"yes\"", "hours = nan", "hours = -1", "hours = 1e9",
    "hours = 0", "metric = 3", "seeds = 3",
  ]

  /// Option tables that make the soo algorithm (the last one) invalid.
  static let badOptions = [
    "{ k = 9223372036854775807 }", "{ k = 1 }", "{ k = 65 }", "{ bogus = 1 }", "{ eta = nan }", "{ k = \"three\" }",
    "{ batching = \"never\" }", "{ k = [3] }", "{ depth-limit = -1 }", "{ k = 3, k = 4 }", "3",
  ]

  /// One malformed (or possibly still valid, for raw byte damage) study file for case `index`.
  static func studyCase(_ index: Int) -> (text: [UInt8], mustFail: Bool) {
    var rng = SeededGenerator(seed: 0x5717_0000 + UInt64(index))
    var lines = baseStudy.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    switch index % 10 {
    case 0, 1, 2:  // a bad value for one key
      let (key, values) = badValues[Int.random(in: 0..<badValues.count, using: &rng)]
      let value = values[Int.random(in: 0..<values.count, using: &rng)]
      if let i = lines.firstIndex(where: { $0.hasPrefix("\(key) = ") }) { lines[i] = "\(key) = \(value)" }
      return (Array(lines.joined(separator: "\n").utf8), true)
    case 3:  // a bad line in [study]
      lines.insert(badStudyLines[Int.random(in: 0..<badStudyLines.count, using: &rng)], at: 10)
      return (Array(lines.joined(separator: "\n").utf8), true)
    case 4:  // bad options, or a bad algorithm name / label
      let i = lines.lastIndex { $0.hasPrefix("options = ") } ?? lines.count - 1
      switch Int.random(in: 0..<3, using: &rng) {
      case 0: lines[i] = "options = \(badOptions[Int.random(in: 0..<badOptions.count, using: &rng)])"
      case 1: lines[i - 1] = ["name = \"bogo\"", "name = \"\"", "name = 1", "name = \"SOO\""][Int.random(in: 0..<4, using: &rng)]
      default: lines.insert(["label = \"../x\"", "label = \"random\"", "label = \"\"", "label = 5"][Int.random(in: 0..<4, using: &rng)], at: i)
      }
      return (Array(lines.joined(separator: "\n").utf8), true)
    case 5:  // nesting 20,000 deep (arrays, inline tables, dotted keys, headers): segfaulted the parser
      let n = 20_000
      let nested: String
      switch Int.random(in: 0..<4, using: &rng) {
      case 0: nested = "deep = " + String(repeating: "[", count: n) + String(repeating: "]", count: n)
      case 1: nested = "deep = " + String(repeating: "{ a = ", count: n) + "1" + String(repeating: " }", count: n)
      case 2: nested = String(repeating: "a.", count: n) + "a = 1"
      default: nested = "[" + String(repeating: "a.", count: n) + "a]"
      }
      return (Array((baseStudy + "\n" + nested + "\n").utf8), true)
    case 6:  // TOML that is not TOML
      let broken = [
        "budget = 1_.5", "budget = 007", "target = .5", "budget = 0xDEAD", "name = \"a\u{1}b\"", "# comment \u{7f}",
        "[study]", "budget = 6 budget = 7", "workers = [1, 2", "name = 'x", "= 3", "a = 1\na = 2", "[[algorithm]\nname = \"x\"",
        "name = \"\"\"x\"\"\"\"\"\"", "budget = 1979-05-27", "\u{0}", "modes = [\"sync\",,]", "budget = +",
      ][Int.random(in: 0..<18, using: &rng)]
      lines.insert(broken, at: Int.random(in: 1..<lines.count, using: &rng))
      return (Array(lines.joined(separator: "\n").utf8), true)
    default:  // raw byte damage: may leave the file valid
      var bytes = Array(baseStudy.utf8)
      let specials = Array("[]{}=\",.#'\n\\ 0-9".utf8) + [0, 0x7F, 0xFF, 0xC3]
      for _ in 0..<Int.random(in: 1...4, using: &rng) {
        let at = Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: bytes.remove(at: at)
        case 1: bytes.insert(specials[Int.random(in: 0..<specials.count, using: &rng)], at: at)
        case 2: bytes[at] = specials[Int.random(in: 0..<specials.count, using: &rng)]
        default: bytes = Array(bytes.prefix(at))
        }
        if bytes.isEmpty { bytes = [0x5B] }
      }
      return (bytes, false)
    }
  }

  @Test(arguments: Array(0..<((studyCases + batch - 1) / batch)))
  func malformedStudyFilesNeverCrashAndNameFileAndLine(batchIndex: Int) throws {
    let folder = try temporaryFolder()
    defer { if ProcessInfo.processInfo.environment["HPOLAB_FUZZ_KEEP"] == nil { try? FileManager.default.removeItem(at: folder) } }
    var files: [String] = []
    var mustFail: [String: Bool] = [:]
    for index in (batchIndex * Self.batch)..<min(Self.studyCases, (batchIndex + 1) * Self.batch) {
      let (bytes, fail) = Self.studyCase(index)
      let path = folder.appendingPathComponent("case-\(index).toml").path
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      files.append(path)
      mustFail[path] = fail
    }
    let r = try runHpolab(["study", "check", "--traces", try Fixtures.traceFolder().path] + files)
    try Self.expectOneLinePerFile(r, files: files, mustFail: mustFail, what: "study")
  }

  // MARK: Trace files

  /// The recorded trace lines, the seed of every malformed trace.
  static func recordedLines() throws -> [[String]] {
    try cliTraceFiles().map { path in
      String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        .split(separator: "\n").map(String.init)
    }
  }

  /// Replacements for one JSON value of a trace line (numbers, strings, structure).
  static let badJSONValues = [
    "1e309", "-1e309", "NaN", "nan", "Infinity", "99999999999999999999999", "\"\"", "null", "[]", "{}", "true", "-0",
    "\"0.5\"", "[1, 2]", "1e-400", "\"\u{0}\"", "\"\\ud800\"", String(repeating: "[", count: 100_000),
    "{\"a\": " + String(repeating: "{\"a\": ", count: 5_000) + "1" + String(repeating: "}", count: 5_001),
  ]

  /// One mutated trace file for case `index` (valid or not).
  static func traceCase(_ index: Int, _ recorded: [[String]]) -> [UInt8] {
    var rng = SeededGenerator(seed: 0x7ACE_0000 + UInt64(index))
    let source = recorded[Int.random(in: 0..<recorded.count, using: &rng)]
    var lines = Array(source.prefix(Int.random(in: 1...source.count, using: &rng)))
    let i = Int.random(in: 0..<lines.count, using: &rng)
    switch index % 8 {
    case 0, 1:  // replace one value (after a ':' ) by a bad one
      var line = Array(lines[i].utf8)
      let colons = line.indices.filter { line[$0] == UInt8(ascii: ":") }
      if let c = colons.isEmpty ? nil : colons[Int.random(in: 0..<colons.count, using: &rng)] {
        var end = c + 1
        var depth = 0
        while end < line.count {
          let b = line[end]
          if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") { depth += 1 }
          if b == UInt8(ascii: "]") || b == UInt8(ascii: "}") { if depth == 0 { break }; depth -= 1 }
          if b == UInt8(ascii: ","), depth == 0 { break }
          end += 1
        }
        let value = badJSONValues[Int.random(in: 0..<badJSONValues.count, using: &rng)]
        line.replaceSubrange((c + 1)..<end, with: Array((" " + value).utf8))
      }
      lines[i] = String(decoding: line, as: UTF8.self)
    case 2:  // drop a key of the line
      for key in ["\"timing\"", "\"solution\"", "\"score\"", "\"info\"", "\"base_value\"", "\"converted_values\"", "\"hellaswag\"", "\"acc,none\""]
      where lines[i].contains(key) && Bool.random(using: &rng) {
        lines[i] = lines[i].replacingOccurrences(of: key, with: "\"x\(index)\"")
        break
      }
    case 3:  // cut a line short
      let cut = Int.random(in: 0...lines[i].utf8.count, using: &rng)
      lines[i] = String(decoding: Array(lines[i].utf8.prefix(cut)), as: UTF8.self)
    case 4:  // structure: duplicate, blank, BOM, CRLF, garbage lines
      let extra = ["", "\u{FEFF}" + lines[i], lines[i] + "\r", "{}", "[]", "null", "42", "\"x\"", lines[i], "{\"timing\": {}}"]
      lines.insert(extra[Int.random(in: 0..<extra.count, using: &rng)], at: i)
    case 5:  // the whole file: empty, blank, binary, one huge line
      switch Int.random(in: 0..<4, using: &rng) {
      case 0: return []
      case 1: return Array("\n\n\n".utf8)
      case 2: return (0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) }
      default: return Array(("{\"a\": \"" + String(repeating: "x", count: 1 << 20) + "\"}\n").utf8)
      }
    default:  // raw byte damage
      var bytes = Array(lines.joined(separator: "\n").utf8)
      for _ in 0..<Int.random(in: 1...6, using: &rng) where !bytes.isEmpty {
        let at = Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: bytes.remove(at: at)
        case 1: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
        default: bytes[at] = UInt8.random(in: 0...255, using: &rng)
        }
      }
      return bytes + [0x0A]
    }
    return Array((lines.joined(separator: "\n") + "\n").utf8)
  }

  @Test(arguments: Array(0..<((traceCases + batch - 1) / batch)))
  func malformedTraceFilesNeverCrashAndNameFileAndLine(batchIndex: Int) throws {
    let recorded = try Self.recordedLines()
    let folder = try temporaryFolder()
    defer { if ProcessInfo.processInfo.environment["HPOLAB_FUZZ_KEEP"] == nil { try? FileManager.default.removeItem(at: folder) } }
    var files: [String] = []
    for index in (batchIndex * Self.batch)..<min(Self.traceCases, (batchIndex + 1) * Self.batch) {
      let path = folder.appendingPathComponent("case_\(index).json").path
      try Data(Self.traceCase(index, recorded)).write(to: URL(fileURLWithPath: path))
      files.append(path)
    }
    let r = try runHpolab(["traces", "check"] + files)
    try Self.expectOneLinePerFile(r, files: files, mustFail: [:], what: "trace")
  }

  // MARK: Databases stay as they were

  /// A sample of the rejected cases through the commands that write: the database's bytes do not change.
  @Test func rejectedFilesLeaveTheDatabaseByteForByte() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("lab.sqlite").path
    let traces = try Fixtures.traceFolder()
    let setup = try runHpolab(["traces", "import", traces.appendingPathComponent("lhs_bis.json").path, "--db", db])
    try #require(setup.status == 0, "\(setup)")
    let before = try Data(contentsOf: URL(fileURLWithPath: db))
    let recorded = try Self.recordedLines()
    // Every 37th study case that must fail (≈ 60 cases, all families but raw damage), and 30 bad traces.
    var commands: [[String]] = []
    for index in stride(from: 0, to: Self.studyCases, by: 37) where Self.studyCase(index).mustFail {
      let path = folder.appendingPathComponent("case-\(index).toml").path
      try Data(Self.studyCase(index).text).write(to: URL(fileURLWithPath: path))
      commands.append(["study", "run", path, "--jobs", "1", "--traces", traces.path, "--db", db])
    }
    for index in stride(from: 0, to: 30 * 8, by: 8) {  // family 0: a bad value (refused unless harmless)
      // Named after a stored run, so that only the content is wrong; one folder per case.
      let caseFolder = folder.appendingPathComponent("trace-\(index)")
      try FileManager.default.createDirectory(at: caseFolder, withIntermediateDirectories: true)
      let path = caseFolder.appendingPathComponent("lhs_bis.json").path
      try Data(Self.traceCase(index, recorded)).write(to: URL(fileURLWithPath: path))
      let check = try runHpolab(["traces", "check", path])
      guard check.status == 1 else { continue }
      commands.append(["traces", "import", path, "--replace", "--db", db])
    }
    #expect(commands.count >= 60)
    for arguments in commands {
      let r = try runHpolab(arguments)
      #expect(r.status == 1, "\(arguments): \(r)")
      #expect(r.stderr.split(separator: "\n").count == 1, "\(arguments): \(r)")
      #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before, "\(arguments) changed the database")
    }
  }

  // MARK: The per-file contract

  /// Exit 0 or 1 (never a signal), and one line per file: `FILE: ok` or `Error: FILE:LINE…`.
  static func expectOneLinePerFile(_ r: CLIResult, files: [String], mustFail: [String: Bool], what: String) throws {
    #expect(r.exitedNormally, "killed by signal \(r.status): \(r.stderr.suffix(2000))")
    #expect(r.status == 0 || r.status == 1, "exit \(r.status)")
    let ok = Set(r.stdout.split(separator: "\n").map(String.init))
    let errors = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    var errorFor: [String: String] = [:]
    for line in errors {
      let file = files.first { line.hasPrefix("Error: \($0):") }
      guard let file else {
        Issue.record("an error line names no case file and line: \(line.prefix(300))")
        continue
      }
      #expect(errorFor[file] == nil, "two lines for \(file)")
      errorFor[file] = line
    }
    for file in files {
      let okLine = ok.contains("\(file): ok")
      if let line = errorFor[file] {
        #expect(!okLine, "\(file): ok and an error")
        let rest = line.dropFirst("Error: \(file):".count)
        let hasLine = rest.first?.isNumber == true
        #expect(hasLine, "no line number: \(line.prefix(300)) — case \(file)")
      } else {
        #expect(okLine, "no output line for \(file)")
        #expect(mustFail[file] != true, "\(what) case accepted though it is malformed: \(file)")
      }
    }
  }
}
