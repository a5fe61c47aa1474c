import LabCore

extension EvaluatorEntry {
  /// `function:NAME`: an analytic test function with a known optimum, minimised over its own box.
  public static let function = EvaluatorEntry(
    kind: "function", form: "function:NAME",
    summary: "an analytic test function with a known optimum (\(TestFunction.names.joined(separator: ", "))), minimised over its box"
  ) { argument, _, _ in
    guard let name = argument, !name.isEmpty else {
      throw LabError(
        .invalidInput, "function needs a name: function:NAME; valid: \(TestFunction.names.joined(separator: ", "))",
        location: .init(field: "evaluator"))
    }
    let function = try TestFunction.named(name)
    return EvaluatorChoice(
      evaluator: try FunctionEvaluator(function: function), space: function.space, defaultMetric: MetricName.value,
      direction: .minimize)
  }
}
