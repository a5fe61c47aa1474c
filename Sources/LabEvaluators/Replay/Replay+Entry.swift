import LabCore
import LabData

extension EvaluatorEntry {
  /// `replay:RUN`: the recorded run's own metrics and durations for the configurations it trained.
  public static let replay = EvaluatorEntry(
    kind: "replay", form: "replay:RUN",
    summary: "``ReplayEvaluator`` over `TRACES/RUN.json` (or the run imported into `--db`): what the recorded run measured, in the run's campaign space",
    options: [
      OptionSpec(
        "absent", "what a point the recording never trained gets", .choice(ReplayEvaluator.AbsentPolicy.names), default: "error")
    ]
  ) { argument, options, context in
    guard let run = argument, !run.isEmpty else {
      let runs = ReplayEvaluator.availableRuns(in: context.traces)
      throw LabError(.invalidInput, "replay needs a run: replay:RUN; valid runs: \(runs.joined(separator: ", "))", location: .init(field: "evaluator"))
    }
    let policy = try EvaluatorCatalogue.absentPolicy(options.keyword("absent") ?? "error", run: run, context: context)
    let replay = try ReplayEvaluator.load(run: run, from: context.traces, source: context.campaigns, absent: policy)
    let objective = replay.campaign.objective
    return EvaluatorChoice(
      evaluator: replay, space: replay.space, defaultMetric: objective,
      direction: replay.campaign.metric(objective)?.direction ?? .maximize)
  }
}
