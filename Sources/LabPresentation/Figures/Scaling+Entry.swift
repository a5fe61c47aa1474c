import LabCore
import LabPlot

extension FigureEntry {
  /// Time-to-target and speed-up against workers, synchronous against asynchronous.
  static let scaling = FigureEntry(
    kind: .scaling, summary: "time to target and speed-up against workers, sync against async", sources: [.study]
  ) { plotter in
    guard case .study(let spec, _, _) = plotter.source else { throw plotter.needsStudy(.scaling) }
    return try plotter.perEvaluator(.scaling) { runs, _, subtitle, name in
      let evaluator = runs.first?.spec.evaluator ?? ""
      guard let target = spec.evaluators.first(where: { $0.name == evaluator })?.target else {
        throw LabError(.invalidInput, "evaluator '\(evaluator)' of study '\(spec.name)' sets no target: no time-to-target to scale")
      }
      guard Set(runs.map(\.spec.workers)).count > 1 else {
        throw LabError(.invalidInput, "study '\(spec.name)' runs a single worker count: nothing to scale")
      }
      return try Figures.scaling(try ScalingData.summarizing(runs, target: target, subtitle: subtitle), style: plotter.style, name: name)
    }
  }
}
