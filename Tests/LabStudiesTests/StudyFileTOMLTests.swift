import Foundation
import LabCore
import LabStudies
import Testing

/// Study files are TOML 1.0: any valid spelling reads the same, and hostile TOML gives one line with the file and line.
@Suite struct StudyFileTOMLTests {
  /// The same study written with other TOML forms (hex, octal and binary integers, literal and multi-line
  /// strings, dotted keys, an inline table spread over a header) has the same content hash as ``validStudy``.
  @Test func everyTOMLSpellingOfAStudyReadsTheSame() throws {
    let respelled = """
      # the study of StudySpecTests, respelled
      [study]
      name = '''x'''
      workers = [0b1, 0o2]
      modes = [\"\"\"sync\"\"\", 'async']
      seeds = 0x2
      budget = 1_0
      evaluators = [
        "constant:60",   # a comment inside an array
      ]

      [[algorithm]]
      name = "random"
      [[algorithm]]
      name = "\\u006Chs"
      options.count = 10
      """
    let plain = try StudySpec(text: validStudy, file: "a.toml")
    let other = try StudySpec(text: respelled, file: "b.toml")
    #expect(other.workers == [1, 2] && other.seeds == [1, 2] && other.budget == 10)
    #expect(try other.specHash == plain.specHash)
  }

  /// 20,000 levels in a study file (issue 18: these segfaulted) give `file:line: nesting deeper than 128 levels …`.
  @Test(arguments: ["arrays", "inline tables", "dotted keys", "headers"])
  func deeplyNestedStudyFilesGiveOneLine(kind: String) throws {
    let n = 20_000
    let deep: String
    switch kind {
    case "arrays": deep = "seeds = " + String(repeating: "[", count: n) + String(repeating: "]", count: n)
    case "inline tables": deep = "seeds = " + String(repeating: "{a = ", count: n) + "1" + String(repeating: "}", count: n)
    case "dotted keys": deep = Array(repeating: "seeds", count: n).joined(separator: ".") + " = 1"
    default: deep = "[" + Array(repeating: "study", count: n).joined(separator: ".") + "]"
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hpolab-study-toml-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("deep.toml")
    try validStudy.replacingOccurrences(of: "seeds = 2", with: deep).write(to: file, atomically: true, encoding: .utf8)
    #expect {
      _ = try StudySpec(contentsOfFile: file.path)
    } throws: { error in
      let e = error as? LabError
      return e?.code == .parse
        && e?.description.hasPrefix("\(file.path):5: nesting deeper than 128 levels") == true
        && e?.description.contains("\n") == false
    }
  }

  /// Values that are valid TOML but not what a key takes are type errors naming the key and line.
  @Test(arguments: [
    ("name = \"x\"", "name = 1979-05-27", "studies/x.toml:2: 'name' in [study] must be a string, not a local date"),
    ("name = \"x\"", "name = 07:32:00", "studies/x.toml:2: 'name' in [study] must be a string, not a local time"),
    ("budget = 10", "budget = 1979-05-27T07:32:00Z", "studies/x.toml:6: 'budget' in [study] must be an integer, not an offset date-time"),
    ("workers = [1, 2]", "workers = [9223372036854775808]", "studies/x.toml:3: the integer '9223372036854775808' is outside the 64-bit range -9223372036854775808…9223372036854775807"),
    ("budget = 10", "budget = 010", "studies/x.toml:6: '010': leading zeros are not allowed in a decimal number"),
  ])
  func validTOMLOfTheWrongKindNamesKeyAndLine(original: String, replacement: String, message: String) {
    #expect {
      _ = try StudySpec(text: validStudy.replacingOccurrences(of: original, with: replacement), file: "studies/x.toml")
    } throws: { error in
      (error as? LabError)?.description == message
    }
  }
}
