import Foundation
import LabCore
import Testing

/// The toml-test 1.0.0 conformance suite (github.com/toml-lang/toml-test, MIT), read from `../shared/toml-test/`.
///
/// Every case listed in `files-toml-1.0.0` runs: each `valid/X.toml` must
/// decode to exactly the value of `valid/X.json` (compared by
/// ``TOMLTypedJSON``), each `invalid/X.toml` must be rejected with a `.parse`
/// error that carries a line number within the file. The folder is found
/// beside the package (`<package>/../shared/toml-test`) or at
/// `$HPOLAB_TOML_TEST`; a missing suite fails the tests.
@Suite struct TOMLConformanceTests {
  static let suite: URL = {
    if let path = ProcessInfo.processInfo.environment["HPOLAB_TOML_TEST"] { return URL(fileURLWithPath: path) }
    let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    return package.deletingLastPathComponent().appendingPathComponent("shared/toml-test")
  }()

  /// The `.toml` cases of the 1.0.0 list under `folder` (`valid` or `invalid`).
  static func cases(_ folder: String) throws -> [String] {
    let list = suite.appendingPathComponent("files-toml-1.0.0")
    let text = try #require(
      try? String(contentsOf: list, encoding: .utf8),
      "toml-test suite not found at \(suite.path) (set HPOLAB_TOML_TEST to its folder)")
    return text.split(whereSeparator: \.isNewline).map(String.init)
      .filter { $0.hasPrefix(folder + "/") && $0.hasSuffix(".toml") }
  }

  static func bytes(_ relative: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: suite.appendingPathComponent(relative)))
  }

  // The suite at commit d168c2a has 210 valid and 499 invalid TOML 1.0.0 cases
  // (its files-toml-1.0.0; issue 18 quotes the 499).

  @Test func everyValidCaseDecodesToExactlyTheExpectedValue() throws {
    let cases = try Self.cases("valid")
    #expect(cases.count >= 200, "only \(cases.count) valid cases listed")
    var exact = 0
    for path in cases {
      let expected = try JSONValue.parse(try Self.bytes(String(path.dropLast(5)) + ".json"))
      do {
        let root = try TOMLParser.parse(bytes: try Self.bytes(path), file: path)
        if let difference = TOMLTypedJSON.mismatch(TOMLValue(.table(root), line: 1), expected) {
          Issue.record("\(path) decoded differently: \(difference)")
        } else {
          exact += 1
        }
      } catch {
        Issue.record("\(path) was refused: \(error)")
      }
    }
    print("toml-test 1.0.0: \(exact) of \(cases.count) valid cases decoded exactly, \(cases.count - exact) not")
    #expect(exact == cases.count)
  }

  @Test func everyInvalidCaseIsRejectedWithALineNumber() throws {
    let cases = try Self.cases("invalid")
    #expect(cases.count >= 400, "only \(cases.count) invalid cases listed")
    var rejected = 0
    for path in cases {
      let bytes = try Self.bytes(path)
      let lines = bytes.count { $0 == 0x0A } + 1
      do {
        _ = try TOMLParser.parse(bytes: bytes, file: path)
        Issue.record("\(path) was accepted")
      } catch let error as LabError {
        let line = error.location?.line ?? 0
        if error.code == .parse, error.location?.file == path, (1...lines).contains(line) {
          rejected += 1
        } else {
          Issue.record("\(path) was rejected without a usable location: \(error)")
        }
      }
    }
    print("toml-test 1.0.0: \(rejected) of \(cases.count) invalid cases rejected with file and line")
    #expect(rejected == cases.count)
  }
}
