import LabCore
import LabData
import LabEvaluators
import LabPlot

extension FigureEntry {
  /// The surrogate of a campaign against its recordings: leave-one-run-out predictions with 90 % intervals.
  static let parity = FigureEntry(
    kind: .parity, summary: "the surrogate of a campaign against its recordings", sources: [.study, .recorded]
  ) { plotter in [try Figures.parity(try plotter.parityData(), style: plotter.style)] }
}

extension FigurePlotter {
  /// Leave-one-run-out predictions of the campaign's surrogate (its fitted hyperparameters, conditioned on the other runs).
  func parityData() throws -> ParityData {
    let campaign: Campaign
    if let name = command.campaign {
      campaign = try SurrogateEvaluator.campaign(named: name)
    } else if case .study(let spec, _, _) = source,
      let e = spec.evaluators.first(where: { $0.name.hasPrefix("surrogate:") })
    {
      campaign = try SurrogateEvaluator.campaign(named: e.name)
    } else if case .study(let spec, _, _) = source {
      throw LabError(.invalidInput, "study '\(spec.name)' uses no surrogate evaluator (pass --campaign NAME to draw one anyway)")
    } else {
      campaign = try SurrogateEvaluator.campaign(named: SurrogateValidation.goalsCampaign)
    }
    let modelFile = try SurrogateLocations.surrogates(command.surrogates).appendingPathComponent(SurrogateLocations.modelFileName(campaign))
    let spec = try SurrogateSpec.read(from: modelFile)
    let training = try SurrogateTrainingSet.load(campaign: campaign, directory: try SurrogateLocations.traces(command.traces))
    let metric = MetricName.hellaswagAcc
    let level = 0.9
    var points: [ParityData.Point] = []
    for run in SurrogateTrainingSet.runs(of: campaign) {
      let held = training.trials.filter { $0.run == run }
      guard !held.isEmpty else { continue }
      let model = try SurrogateModel(spec: spec, training: try SurrogateTrainingSet(campaign: campaign, trials: training.trials.filter { $0.run != run }))
      for t in held {
        guard let y = t.metrics[metric],
          let p = try model.predictive(Configuration(values: t.converted)).first(where: { $0.metric == metric })
        else { continue }
        let interval = p.interval(level)
        points.append(.init(recorded: y, predicted: p.median, lower: interval.lowerBound, upper: interval.upperBound, group: run))
      }
    }
    return ParityData(
      metric: metric, points: points,
      subtitle: "campaign \(campaign.name)\(campaign.model.isEmpty ? "" : " (\(campaign.model))"), each run predicted from the others; 90 % predictive intervals")
  }
}
