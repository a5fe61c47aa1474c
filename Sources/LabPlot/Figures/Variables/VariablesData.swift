// Plain input data of the figure catalogue, independent of how it was computed.
//
// Notation
//   x         evaluations (1, 2, …) or simulated hours, depending on the figure
//   median, q1, q3   the 50 %, 25 % and 75 % quantiles over seeds at each x
//   score     the optimised metric of a trial (e.g. hellaswag.acc, in [0, 1])
//   W         the number of parallel workers

import LabCore

/// Every hyperparameter's value trial after trial in one run (the seed report's figure 4.1b).
public struct VariablesData: Sendable, Hashable {
  /// One evaluated trial: its index, converted values and score.
  public struct Row: Sendable, Hashable {
    public var index: Int
    public var values: [Double]
    public var score: Double?
    public init(index: Int, values: [Double], score: Double?) {
      self.index = index
      self.values = values
      self.score = score
    }
  }
  public var metric: String
  public var parameters: [Parameter]
  public var rows: [Row]
  public var subtitle: String
  /// The metric's direction: the palette's bright end is the better score.
  public var direction: Direction = .maximize

  /// - Throws: `.invalidInput` when a row has a different number of values than there are parameters.
  public init(metric: String, parameters: [Parameter], rows: [Row], subtitle: String = "") throws {
    for r in rows where r.values.count != parameters.count {
      throw LabError(.invalidInput, "trial \(r.index) has \(r.values.count) values for \(parameters.count) parameters")
    }
    self.metric = metric
    self.parameters = parameters
    self.rows = rows
    self.subtitle = subtitle
  }

  /// The evaluated trials of a run in start order, with the configuration values trained with.
  public init(run: RunRecord) {
    let evaluated = run.trials.filter { $0.state == .completed || $0.state == .failed }
    let rows = evaluated.enumerated().map { i, t in
      Row(index: i + 1, values: t.configuration.values, score: t.state == .completed ? t.metrics[run.spec.metric] : nil)
    }
    self.metric = run.spec.metric
    self.parameters = run.spec.space.parameters
    self.rows = rows
    self.subtitle = RunLabel.describe(run.spec)
    self.direction = run.spec.direction
  }
}
