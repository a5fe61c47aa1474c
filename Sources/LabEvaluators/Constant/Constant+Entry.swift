import LabCore
import LabData

extension EvaluatorEntry {
  /// `constant[:SECONDS]`: every trial scores 0 and takes SECONDS (default 1800), over campaign B's space.
  public static let constant = EvaluatorEntry(
    kind: "constant", form: "constant[:SECONDS]",
    summary: "``ConstantEvaluator``: every trial scores 0 and takes SECONDS (default 1800; engine benchmarks), over campaign B's space"
  ) { argument, _, _ in
    let seconds: Double
    if let argument {
      guard let s = Double(argument), s.isFinite, s >= 0 else {
        throw LabError(
          .invalidInput, "constant:SECONDS needs a finite non-negative number of seconds, got '\(argument)'",
          location: .init(field: "evaluator"))
      }
      seconds = s
    } else {
      seconds = 1800
    }
    return EvaluatorChoice(
      evaluator: ConstantEvaluator(value: 0, seconds: seconds), space: .llama32_1B, defaultMetric: MetricName.value,
      direction: .maximize)
  }
}
