import ArgumentParser
import Foundation
import LabCore
import LabData
import LabPlot
import LabPresentation

/// `hpolab plot`: Draw figures of studies and runs with gnuplot.
struct PlotCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plot",
    abstract: "Draw figures of studies and runs with gnuplot.",
    discussion: """
      Writes FIGURE.dat, FIGURE.gp and FIGURE.png|svg|pdf into the output folder; rerun \
      'gnuplot FIGURE.gp' there to restyle a figure by hand.

      Figures (and what they are drawn from):
      \(FigureCatalogue.helpLines.map { "  " + $0 }.joined(separator: "\n"))
        all: every figure that applies, skipping the others with a reason

      Examples:
        hpolab plot all --study smoke --db lab.sqlite
        hpolab plot timeline --run smoke-0042 --format svg
        hpolab plot scores --traces traces/a100
        hpolab plot parity --campaign B
        hpolab plot variables --study paper --algorithm bo --seed 3
      """)

  @Argument(help: "The figure: \(FigureCatalogue.names.joined(separator: ", ")), or all.")
  var figure: String

  @Option(help: "The study whose runs to draw (as stored by 'hpolab study run').")
  var study: String?

  @Option(name: .customLong("run"), help: "The stored run to draw.")
  var runID: String?

  @Option(help: "The folder of recorded traces (scores and parity without --study/--run; default: $HPOLAB_TRACES, else traces/a100, else ../shared/traces/a100).")
  var traces: String?

  @Option(help: "The campaign (name or alias, e.g. llama-3.2-1b or B) for parity, and to restrict the recorded scores.")
  var campaign: String?

  @Option(help: "The folder of fitted surrogate files (parity; default: surrogates).")
  var surrogates: String?

  @Option(help: "With --study: draw the timeline and variables of this algorithm's run (its study label).")
  var algorithm: String?

  @Option(help: "With --study: draw the timeline and variables of the run with this seed.")
  var seed: UInt64?

  @OptionGroup var database: DatabaseOptions

  @Option(help: "The output folder (default: plots/STUDY, plots/run-ID or plots/recorded).")
  var out: String?

  @Option(
    help: "The rendered format: png, svg or pdf.", completion: .list(FigureFormat.allCases.map(\.rawValue)),
    transform: { text in
      guard let format = FigureFormat(rawValue: text) else { throw ValidationError("unknown format '\(text)'; valid: png, svg, pdf") }
      return format
    })
  var format: FigureFormat = .png

  @Flag(help: "Write the data files and gnuplot scripts only; do not run gnuplot.")
  var noRender = false

  func validate() throws {
    guard figure == "all" || FigureKind(rawValue: figure) != nil else {
      throw ValidationError("unknown figure '\(figure)'; valid: \(FigureCatalogue.names.joined(separator: ", ")), all")
    }
    if study != nil && runID != nil { throw ValidationError("give --study or --run, not both") }
    if study == nil && runID == nil, let entry = FigureKind(rawValue: figure).flatMap(FigureCatalogue.entry),
      !entry.sources.contains(.recorded)
    {
      throw ValidationError("figure '\(figure)' needs --study NAME or --run ID")
    }
    if study == nil && (algorithm != nil || seed != nil) {
      throw ValidationError("--algorithm and --seed choose a run of a study: give --study NAME too")
    }
    if let campaign, (try? CampaignCatalogue.shipped.campaign(named: campaign)) == nil {
      throw ValidationError("unknown campaign '\(campaign)'; valid: \(CampaignCatalogue.shipped.validNames)")
    }
  }

  func run() throws {
    try runReportingErrors {
      let request = FigurePlotter.Request(
        study: study, runID: runID, database: database.db, traces: traces, campaign: campaign, surrogates: surrogates,
        algorithm: algorithm, seed: seed)
      let gnuplot = noRender ? nil : try Gnuplot.locate()
      let plotter = try FigurePlotter(request, style: .standard(format), note: printError)
      let writer = FigureWriter(folder: URL(fileURLWithPath: out ?? plotter.defaultFolder), gnuplot: gnuplot)
      // Written unbuffered, so that paths and skip notes (standard error) interleave in order.
      try plotter.draw(figure, with: writer) { FileHandle.standardOutput.write(Data(($0.path + "\n").utf8)) }
    }
  }
}

extension FigureFormat: ExpressibleByArgument {}
