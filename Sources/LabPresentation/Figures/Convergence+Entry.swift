import LabCore
import LabPlot

extension FigureEntry {
  /// Best-so-far against evaluations: median and interquartile band per algorithm, recorded runs as points.
  static let convergence = FigureEntry(
    kind: .convergence, summary: "best so far against evaluations, median and quartiles over seeds",
    sources: [.study, .run]
  ) { plotter in try plotter.convergence(.evaluations, kind: .convergence) }

  /// Best-so-far against simulated hours, one panel per worker count.
  static let convergenceTime = FigureEntry(
    kind: .convergenceTime, summary: "best so far against simulated hours, one panel per worker count",
    sources: [.study, .run]
  ) { plotter in try plotter.convergence(.hours, kind: .convergenceTime) }
}

extension FigurePlotter {
  /// The convergence figures along `axis` (one per evaluator of a study).
  func convergence(_ axis: ConvergenceAxis, kind: FigureKind) throws -> [Figure] {
    try perEvaluator(kind) { runs, recorded, subtitle, name in
      try Figures.convergence(
        try ConvergenceData.summarizing(runs, axis: axis, recorded: recorded, subtitle: subtitle), style: style, name: name)
    }
  }
}
