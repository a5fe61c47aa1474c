import Foundation
import LabCore
import LabData
import LabPlot
import Testing
import LabTestSupport

/// A fresh folder under the system's temporary folder, or `LABPLOT_KEEP/<name>` to keep the files for a look.
func outputFolder(_ name: String) throws -> URL {
  if let keep = ProcessInfo.processInfo.environment["LABPLOT_KEEP"], !keep.isEmpty {
    return URL(fileURLWithPath: keep).appendingPathComponent(name)
  }
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("labplot-\(name)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// The eight bytes every PNG file starts with.
let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

@Suite(.enabled(if: Gnuplot.isAvailable, "gnuplot is not on PATH: install the Debian package gnuplot (apt-get install gnuplot-nox)"))
struct FigureRenderingTests {
  @Test func everyCatalogueFigureRendersToANonEmptyPNGWithoutWarnings() throws {
    let folder = try outputFolder("png")
    let writer = FigureWriter(folder: folder, gnuplot: try Gnuplot.locate())
    let figures = try Fixture.figures(.png)
    // One figure per catalogue entry, named after it.
    #expect(figures.map(\.name) == FigureKind.allCases.map(\.rawValue))
    for figure in figures {
      let written = try writer.write(figure)
      let rendered = try #require(written.rendered)
      let bytes = [UInt8](try Data(contentsOf: rendered))
      #expect(bytes.count > 10_000, "\(figure.name).png is suspiciously small: \(bytes.count) bytes")
      #expect(Array(bytes.prefix(8)) == pngSignature, "\(figure.name).png lacks the PNG signature")
      #expect(written.warnings.isEmpty, "gnuplot warned on \(figure.name): \(written.warnings)")
    }
  }

  @Test func theRecordedCampaignsScoresRenderOneRowPerCampaign() throws {
    let folder = try Fixtures.traceFolder()
    var trials: [RecordedTrial] = []
    for name in ["lhs", "bo", "soo", "lhs_bis", "bo_bis", "soo_bis", "bamsoo_bis"] {
      trials += try TraceParser.parse(contentsOf: folder.appendingPathComponent("\(name).json")).trials
    }
    let figure = try Figures.scores(ScoresData(recorded: trials, subtitle: "recorded A100 runs"), style: .standard(.png))
    #expect(figure.script.contains("set multiplot layout 2,2"))
    // The key names each algorithm once: lhs, bo, soo (campaign A), then bamsoo.
    #expect(figure.script.components(separatedBy: "keyentry").count - 1 == 4)
    let written = try FigureWriter(folder: try outputFolder("recorded"), gnuplot: try Gnuplot.locate()).write(figure)
    #expect(written.warnings.isEmpty, "gnuplot warned: \(written.warnings)")
  }

  @Test(arguments: [FigureFormat.svg, .pdf])
  func vectorFormatsRenderWithTheirOwnSignature(format: FigureFormat) throws {
    let folder = try outputFolder(format.rawValue)
    let writer = FigureWriter(folder: folder, gnuplot: try Gnuplot.locate())
    let figure = try Fixture.figures(format)[0]
    let rendered = try #require(try writer.write(figure).rendered)
    #expect(rendered.lastPathComponent == "convergence.\(format.rawValue)")
    let head = String(decoding: try Data(contentsOf: rendered).prefix(64), as: UTF8.self)
    #expect(head.contains(format == .svg ? "<?xml" : "%PDF"))
  }

  @Test func aScriptErrorBecomesAnExternalErrorCarryingGnuplotsMessage() throws {
    let folder = try outputFolder("bad")
    var figure = try Fixture.figures(.png)[6]
    figure.script += "plot 'no-such-file.dat' using 1:2\n"
    let writer = FigureWriter(folder: folder, gnuplot: try Gnuplot.locate())
    let error = try #require(throws: LabError.self) { try writer.write(figure) }
    #expect(error.code == .external)
    #expect(error.message.contains("gnuplot failed (exit status 1)"))
    #expect(error.message.contains("no-such-file.dat"), "gnuplot's own message is kept: \(error.message)")
    #expect(error.location?.file?.hasSuffix("ranks.gp") == true)
  }
}

@Suite struct GnuplotLocationTests {
  @Test func aPathWithoutGnuplotGivesAnErrorNamingTheDebianPackage() throws {
    let empty = try outputFolder("empty-path")
    let error = try #require(throws: LabError.self) { try Gnuplot.locate(path: empty.path) }
    #expect(error.code == .notFound)
    #expect(error.message.contains("gnuplot not found"))
    #expect(error.message.contains(empty.path), "the folders searched are named")
    #expect(error.message.contains("apt-get install gnuplot-nox"))
  }

  @Test func aMissingExecutableFailsBeforeAnyFileIsRendered() throws {
    let folder = try outputFolder("missing-exe")
    let writer = FigureWriter(folder: folder, gnuplot: Gnuplot(executable: folder.appendingPathComponent("no-gnuplot")))
    let error = try #require(throws: LabError.self) { try writer.write(try Fixture.figures(.png)[6]) }
    #expect(error.code == .notFound)
    #expect(error.message.contains("'gnuplot'"))
    // Data and script are written first, so they can be rendered later by hand.
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("ranks.dat").path))
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("ranks.gp").path))
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("ranks.png").path))
  }

  @Test func writingWithoutGnuplotLeavesDataAndScriptOnly() throws {
    let folder = try outputFolder("no-render")
    let written = try FigureWriter(folder: folder, gnuplot: nil).write(try Fixture.figures(.svg)[3])
    #expect(written.rendered == nil)
    let script = try String(contentsOf: written.script, encoding: .utf8)
    #expect(script.contains("set output \"timeline.svg\""))
    #expect(script.contains("\"timeline.dat\""))
  }
}
