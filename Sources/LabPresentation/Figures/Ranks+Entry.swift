import LabCore
import LabPlot
import LabStudies

extension FigureEntry {
  /// Friedman average ranks with the Nemenyi critical difference.
  static let ranks = FigureEntry(
    kind: .ranks, summary: "Friedman average ranks with the Nemenyi critical difference", sources: [.study]
  ) { plotter in
    guard case .study(let spec, _, _) = plotter.source else { throw plotter.needsStudy(.ranks) }
    guard let database = plotter.database else { throw LabError(.internalInconsistency, "a study source without a database") }
    let report = try StudyReport(study: spec.name, database: database)
    guard let friedman = report.friedman else {
      throw LabError(.invalidInput, "study '\(spec.name)' has no Friedman test (it needs two algorithms and two complete blocks)")
    }
    let data = try RanksData(friedman: friedman, algorithms: report.rankedAlgorithms, subtitle: "study \(spec.name)")
    return [try Figures.ranks(data, style: plotter.style)]
  }
}
