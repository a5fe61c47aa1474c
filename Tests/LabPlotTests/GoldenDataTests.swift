import Foundation
import LabCore
import LabPlot
import Testing

/// The folder of golden data files, beside this source file.
let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

/// Regenerate with `LABPLOT_REGENERATE_GOLDEN=1 swift test --filter GoldenDataTests` (then review the diff).
let regenerateGolden = ProcessInfo.processInfo.environment["LABPLOT_REGENERATE_GOLDEN"] == "1"

@Suite struct GoldenDataTests {
  @Test(arguments: FigureKind.allCases)
  func dataFilesMatchTheirGoldenCopyByteForByte(kind: FigureKind) throws {
    let figure = try #require(try Fixture.figures(.png).first { $0.name == kind.rawValue })
    for table in figure.tables {
      let golden = goldenFolder.appendingPathComponent(table.fileName)
      if regenerateGolden {
        try Data(table.text.utf8).write(to: golden)
        continue
      }
      let expected = try String(contentsOf: golden, encoding: .utf8)
      #expect(table.text == expected, "\(table.fileName) differs from Golden/\(table.fileName); regenerate only if the change is intended")
    }
  }

  @Test func generatingTwiceGivesIdenticalFiles() throws {
    let a = try Fixture.figures(.png)
    let b = try Fixture.figures(.png)
    #expect(a == b)
  }
}
