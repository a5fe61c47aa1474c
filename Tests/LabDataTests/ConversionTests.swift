import Foundation
import LabCore
import LabData
import Testing
import LabTestSupport

@Suite struct ConversionTests {
  @Test func everyRecordedBaseValueConvertsToItsRecordedConvertedValues() throws {
    let folder = try Fixtures.traceFolder()
    var checked = 0
    for name in ["lhs", "bo", "soo", "lhs_bis", "bo_bis", "soo_bis", "bamsoo_bis"] {
      let (trials, _) = try TraceParser.parse(contentsOf: folder.appendingPathComponent("\(name).json"))
      let space = try Campaign.recorded(run: name).space
      for t in trials {
        let c = space.configuration(for: space.point(base: t.base))
        #expect(c.values == t.converted, "\(name):\(t.line)")
        checked += 1
      }
    }
    #expect(checked == 369)
  }
}
