import LabCore

/// Evaluates an analytic ``TestFunction`` at a configuration: metric `value` (to be minimised), a constant duration.
///
/// The function is evaluated at the configuration's values, which for the
/// functions' all-`.float` spaces are the base coordinates. Optional
/// Gaussian observation noise is drawn from the per-trial generator, so
/// results do not depend on completion order. Callers use
/// `Direction.minimize` for the `value` metric.
/// - Complexity: the function's own cost, O(d) for the catalogue.
public struct FunctionEvaluator: Evaluator, Sendable {
  public let function: TestFunction
  /// The duration reported for every trial.
  public let durations: Durations
  /// Standard deviation of additive Gaussian noise (0: deterministic).
  public let noise: Double

  /// - Throws: `.invalidInput` when the noise or a duration is negative or not finite.
  public init(function: TestFunction, durations: Durations = Durations(training: 60, evaluation: 0), noise: Double = 0) throws {
    guard noise.isFinite, noise >= 0 else {
      throw LabError(.invalidInput, "function:\(function.name): noise must be finite and ≥ 0, got \(noise)")
    }
    guard durations.training.isFinite, durations.evaluation.isFinite, durations.training >= 0, durations.evaluation >= 0 else {
      throw LabError(.invalidInput, "function:\(function.name): durations must be finite and ≥ 0, got \(durations)")
    }
    self.function = function
    self.durations = durations
    self.noise = noise
  }

  public var name: String { "function:\(function.name)" }
  public var metricNames: [String] { [MetricName.value] }

  /// - Throws: `.invalidInput` when the configuration has the wrong number of values.
  public func evaluate(_ configuration: Configuration, at point: Point, trial: TrialID, using rng: inout SeededGenerator) throws
    -> Evaluation
  {
    guard configuration.values.count == function.dimension else {
      throw LabError(
        .invalidInput,
        "\(name): trial \(trial) has \(configuration.values.count) values, the function takes \(function.dimension)")
    }
    var v = function.value(configuration.values)
    if noise > 0 { v += noise * rng.normal() }
    return Evaluation(
      outcome: .success(Metrics([MetricName.value: v])), durations: durations, source: .function(name: function.name))
  }
}
