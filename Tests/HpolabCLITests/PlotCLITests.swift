import Foundation
import Testing
import LabTestSupport
import LabData

/// Whether `gnuplot` is on this process's PATH (the rendering tests need it).
let gnuplotOnPath: Bool = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
  FileManager.default.isExecutableFile(atPath: "\($0)/gnuplot")
}

/// A study small enough for a debug build: 2 algorithms × Branin × W ∈ {1, 2} × async × 3 seeds × 8 evaluations.
let plotStudy = """
  [study]
  name = "plotcli"
  workers = [1, 2]
  modes = ["async"]
  seeds = 3
  budget = 8

  [[evaluator]]
  name = "function:branin"
  target = 20.0

  [[algorithm]]
  name = "random"

  [[algorithm]]
  name = "lhs"
  """

/// The eight bytes every PNG file starts with.
private let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

@Suite(.serialized) struct PlotCLITests {
  @Test(.enabled(if: gnuplotOnPath, "gnuplot is not on PATH: install the Debian package gnuplot (apt-get install gnuplot-nox)"))
  func plotAllDrawsEveryFigureThatAppliesAndSaysWhyTheOthersAreSkipped() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let toml = folder.appendingPathComponent("plotcli.toml")
    try Data(plotStudy.utf8).write(to: toml)
    let db = folder.appendingPathComponent("lab.sqlite").path
    let ran = try runHpolab(["study", "run", toml.path, "--db", db, "--jobs", "1"])
    #expect(ran.status == 0, "\(ran)")
    let out = folder.appendingPathComponent("figures").path
    let plotted = try runHpolab(["plot", "all", "--study", "plotcli", "--db", db, "--out", out])
    #expect(plotted.status == 0, "\(plotted)")
    // The study figures in catalogue order; scores need HellaSwag/MMLU and parity a surrogate.
    let names = ["convergence", "convergence-time", "scaling", "timeline", "variables", "ranks"]
    #expect(plotted.stdout == names.map { "\(out)/\($0).png\n" }.joined(), "\(plotted)")
    #expect(plotted.stderr.contains("skipped scores: figure 'scores': no evaluated trial with HellaSwag and MMLU scores"))
    #expect(plotted.stderr.contains("skipped parity: study 'plotcli' uses no surrogate evaluator"))
    for name in names {
      let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(name).png")))
      #expect(Array(bytes.prefix(8)) == pngSignature, "\(name).png")
      #expect(FileManager.default.fileExists(atPath: "\(out)/\(name).dat"))
      #expect(FileManager.default.fileExists(atPath: "\(out)/\(name).gp"))
    }
    // Branin is minimised: the scaling target reads "≤" and the data say so.
    let scaling = try String(contentsOfFile: "\(out)/scaling.dat", encoding: .utf8)
    #expect(scaling.hasPrefix("# scaling: hours to reach value ≤ 20.0000"))
    // --algorithm and --seed choose the run the variables figure shows.
    let chosen = try runHpolab(
      ["plot", "variables", "--study", "plotcli", "--db", db, "--algorithm", "lhs", "--seed", "2", "--out", out, "--no-render"])
    #expect(chosen.status == 0, "\(chosen)")
    let script = try String(contentsOfFile: "\(out)/variables.gp", encoding: .utf8)
    #expect(script.contains("lhs, function:branin, W = 1 async, seed 2"))
  }

  @Test(.enabled(if: gnuplotOnPath, "gnuplot is not on PATH: install the Debian package gnuplot (apt-get install gnuplot-nox)"))
  func theRecordedScoresFigureNeedsOnlyTheTraces() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try runHpolab(["plot", "scores", "--traces", try Fixtures.traceFolder().path, "--campaign", "B", "--format", "svg", "--out", folder.path])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout == folder.path + "/scores.svg\n")
    let data = try String(contentsOf: folder.appendingPathComponent("scores.dat"), encoding: .utf8)
    // Campaign B only: its four runs, in the campaign's order.
    #expect(data.components(separatedBy: "# block ").count - 1 == 4)
    #expect(data.contains("# block 0: lhs_bis [campaign llama-3.2-1b (Llama-3.2-1B)]"))
  }

  @Test func aMissingGnuplotIsAClearErrorNamingThePackage() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let empty = folder.appendingPathComponent("empty-bin")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    let traces = try Fixtures.traceFolder().path
    let result = try runHpolab(["plot", "scores", "--traces", traces, "--out", folder.path], environment: ["PATH": empty.path])
    #expect(result.status != 0)
    #expect(result.stderr.contains("gnuplot not found (searched PATH: \(empty.path))"), "\(result)")
    #expect(result.stderr.contains("apt-get install gnuplot-nox"))
    // --no-render needs no gnuplot: data and script are written, nothing rendered.
    let written = try runHpolab(
      ["plot", "scores", "--traces", traces, "--out", folder.path, "--no-render"], environment: ["PATH": empty.path])
    #expect(written.status == 0, "\(written)")
    #expect(written.stdout == folder.path + "/scores.gp\n")
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("scores.dat").path))
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("scores.png").path))
  }

  @Test(arguments: [
    (["plot", "timeline"], "figure 'timeline' needs --study NAME or --run ID"),
    (["plot", "gantt", "--run", "x"], "unknown figure 'gantt'; valid: convergence, convergence-time, scaling"),
    (["plot", "scores", "--format", "jpeg"], "unknown format 'jpeg'; valid: png, svg, pdf"),
    (["plot", "ranks", "--study", "a", "--run", "b"], "give --study or --run, not both"),
    (["plot", "variables", "--run", "r", "--seed", "3"], "--algorithm and --seed choose a run of a study: give --study NAME too"),
  ])
  func badRequestsAreArgumentErrorsSayingWhatIsValid(arguments: [String], message: String) throws {
    let result = try runHpolab(arguments)
    #expect(result.status == 64, "\(result)")
    #expect(result.stderr.contains(message), "\(result)")
  }

  @Test func anUnknownStudyIsNotFoundInTheDatabase() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("lab.sqlite").path
    let toml = folder.appendingPathComponent("plotcli.toml")
    try Data(plotStudy.utf8).write(to: toml)
    _ = try runHpolab(["study", "run", toml.path, "--db", db, "--jobs", "1"])
    let result = try runHpolab(["plot", "ranks", "--study", "nope", "--db", db, "--no-render", "--out", folder.path])
    #expect(result.status == 1)
    #expect(result.stderr.contains("nope"), "\(result)")
  }
}
