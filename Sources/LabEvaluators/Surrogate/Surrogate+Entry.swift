import LabCore

extension EvaluatorEntry {
  /// `surrogate:A`, `surrogate:B`: the campaign's fitted surrogate (accuracy, cost and noise).
  public static let surrogate = EvaluatorEntry(
    kind: "surrogate", form: "surrogate:CAMPAIGN",
    summary: "the campaign's fitted surrogate (`surrogate:A`, `surrogate:B`; accuracy, cost and run-to-run noise), in its space"
  ) { argument, _, context in
    let name = argument.map { "surrogate:\($0)" } ?? "surrogate"
    let surrogate = try SurrogateEvaluator.named(name, traces: context.traces.path, surrogates: context.surrogates)
    let campaign = try SurrogateEvaluator.campaign(named: name)
    return EvaluatorChoice(evaluator: surrogate, space: campaign.space, defaultMetric: MetricName.hellaswagAcc, direction: .maximize)
  }
}
