import LabCore

/// An evaluator that answers the same value and the same durations for every configuration: the engine benchmark's evaluator.
///
/// It lets the simulator be measured alone (`hpolab run --evaluator constant:1800`),
/// and gives tests a trial whose cost is known in advance. Its metric is
/// ``MetricName/value``; it draws nothing from the trial's generator.
/// - Complexity: O(1) per evaluation, no allocation (the metrics are shared).
public struct ConstantEvaluator: Evaluator {
  public let value: Double
  public let durations: Durations
  private let metrics: Metrics

  /// An evaluator answering `value` after `seconds` seconds of training (and no evaluation time).
  public init(value: Double = 0, seconds: Double = 1800) {
    self.value = value
    self.durations = Durations(training: seconds, evaluation: 0)
    self.metrics = Metrics([MetricName.value: value])
  }

  public var name: String { "constant:\(durations.training)" }
  public var metricNames: [String] { [MetricName.value] }

  public func evaluate(_ configuration: Configuration, at point: Point, trial: TrialID, using rng: inout SeededGenerator)
    throws -> Evaluation
  {
    Evaluation(outcome: .success(metrics), durations: durations, source: .function(name: "constant"))
  }
}
