import LabCore
import LabPlot

extension FigureEntry {
  /// Gantt chart of one run (for a study: its run with the most workers, asynchronous preferred).
  static let timeline = FigureEntry(
    kind: .timeline, summary: "which worker ran which trial when (a study: a representative run)", sources: [.study, .run]
  ) { plotter in
    let (id, record) = try plotter.representative(.timeline)
    var data = TimelineData(run: record)
    data.subtitle = "\(id): " + data.subtitle
    return [try Figures.timeline(data, style: plotter.style)]
  }
}
