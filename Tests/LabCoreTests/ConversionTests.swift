import Foundation
import LabCore
import Testing

/// The ignored copy in traces/a100, else the shared folder beside the project (../shared/traces/a100), else `$HPOLAB_TRACES`.
func traceFolder() -> URL? {
  let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  var candidates = [here.appendingPathComponent("traces/a100"), here.appendingPathComponent("../shared/traces/a100")]
  if let env = ProcessInfo.processInfo.environment["HPOLAB_TRACES"] { candidates.append(URL(fileURLWithPath: env)) }
  for candidate in candidates {
    if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("soo_bis.json").path) {
      return candidate.standardizedFileURL
    }
  }
  return nil
}

@Suite struct ConversionTests {
  @Test func everyRecordedBaseValueConvertsToItsRecordedConvertedValues() throws {
    let folder = try #require(traceFolder(), "recorded traces not found")
    var checked = 0
    for name in ["lhs", "bo", "soo", "lhs_bis", "bo_bis", "soo_bis", "bamsoo_bis"] {
      let (trials, _) = try TraceParser.parse(contentsOf: folder.appendingPathComponent("\(name).json"))
      let space = Campaign.of(run: name).space
      for t in trials {
        let c = space.configuration(for: space.point(base: t.base))
        #expect(c.values == t.converted, "\(name):\(t.line)")
        checked += 1
      }
    }
    #expect(checked == 369)
  }
}
