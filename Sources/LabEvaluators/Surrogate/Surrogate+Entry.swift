import LabCore
import LabData

extension EvaluatorEntry {
  /// `surrogate:NAME`: the campaign's fitted surrogate (accuracy, cost and noise); NAME may be an alias (`surrogate:B`).
  public static let surrogate = EvaluatorEntry(
    kind: "surrogate", form: "surrogate:CAMPAIGN",
    summary: "the campaign's fitted surrogate (`surrogate:llama-3.2-1b`, or by alias `surrogate:B`; accuracy, cost and run-to-run noise), in its space"
  ) { argument, _, context in
    let name = argument.map { "surrogate:\($0)" } ?? "surrogate"
    let campaign: Campaign
    let surrogate: SurrogateEvaluator
    if let source = context.campaigns {
      campaign = try source.campaign(name)
      surrogate = try SurrogateEvaluator.load(campaign: campaign, training: try source.trainingSet(campaign), surrogates: context.surrogates)
    } else {
      campaign = try SurrogateEvaluator.campaign(named: name)
      surrogate = try SurrogateEvaluator.load(campaign: campaign, traces: context.traces.path, surrogates: context.surrogates)
    }
    let direction = campaign.metric(campaign.objective)?.direction ?? .maximize
    return EvaluatorChoice(evaluator: surrogate, space: campaign.space, defaultMetric: campaign.objective, direction: direction)
  }
}
