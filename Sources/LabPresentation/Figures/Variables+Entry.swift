import LabCore
import LabPlot

extension FigureEntry {
  /// Every hyperparameter against trial index for one run (for a study: its run with the fewest workers).
  static let variables = FigureEntry(
    kind: .variables, summary: "every hyperparameter against trial index (a study: a representative run)", sources: [.study, .run]
  ) { plotter in
    let (id, record) = try plotter.representative(.variables)
    var data = VariablesData(run: record)
    data.subtitle = "\(id): " + data.subtitle
    return [try Figures.variables(data, style: plotter.style)]
  }
}
