// Plain input data of the figure catalogue, independent of how it was computed.
//
// Notation
//   x         evaluations (1, 2, …) or simulated hours, depending on the figure
//   median, q1, q3   the 50 %, 25 % and 75 % quantiles over seeds at each x
//   score     the optimised metric of a trial (e.g. hellaswag.acc, in [0, 1])
//   W         the number of parallel workers

import LabCore

/// One summarised best-so-far curve: the median over seeds with its interquartile band at each x.
public struct ConvergenceSeries: Sendable, Hashable {
  /// What the curve is (an algorithm name, e.g. `bo`).
  public var label: String
  /// The panel it belongs to (e.g. `W = 4`); nil for a one-panel figure.
  public var panel: String?
  /// The execution mode when a panel mixes both (synchronous curves are dashed); nil otherwise.
  public var mode: ExecutionMode?
  public var x: [Double]
  public var median: [Double]
  public var q1: [Double]
  public var q3: [Double]

  /// A series; the four arrays must have the same length.
  /// - Throws: `.invalidInput` naming the series when lengths differ.
  public init(
    label: String, panel: String? = nil, mode: ExecutionMode? = nil, x: [Double], median: [Double], q1: [Double], q3: [Double]
  ) throws {
    self.mode = mode
    guard median.count == x.count, q1.count == x.count, q3.count == x.count else {
      throw LabError(
        .invalidInput,
        "convergence series '\(label)' has \(x.count) x values but \(median.count) medians, \(q1.count) first and \(q3.count) third quartiles")
    }
    self.label = label
    self.panel = panel
    self.x = x
    self.median = median
    self.q1 = q1
    self.q3 = q3
  }
}

/// Points drawn on top of summarised curves, e.g. the recorded real run of an algorithm.
public struct PointSeries: Sendable, Hashable {
  public var label: String
  public var panel: String?
  public var x: [Double]
  public var y: [Double]

  /// - Throws: `.invalidInput` when `x` and `y` differ in length.
  public init(label: String, panel: String? = nil, x: [Double], y: [Double]) throws {
    guard x.count == y.count else {
      throw LabError(.invalidInput, "point series '\(label)' has \(x.count) x values but \(y.count) y values")
    }
    self.label = label
    self.panel = panel
    self.x = x
    self.y = y
  }
}

/// The unit of a convergence figure's horizontal axis.
public enum ConvergenceAxis: String, Sendable, Hashable {
  /// Number of evaluated trials.
  case evaluations
  /// Simulated wall-clock hours since the run started.
  case hours
}

/// Best-so-far curves of several algorithms, possibly in one panel per worker count.
public struct ConvergenceData: Sendable, Hashable {
  /// The metric whose best-so-far value is drawn (e.g. `hellaswag.acc`).
  public var metric: String
  public var axis: ConvergenceAxis
  public var series: [ConvergenceSeries]
  /// Individual runs drawn as points (the recorded real runs).
  public var recorded: [PointSeries]
  /// What the figure compares, e.g. `study paper, 10 seeds, W = 1`.
  public var subtitle: String
  /// Whether the metric is maximised (curves rise) or minimised (curves fall); places the key where curves are not.
  public var direction: Direction

  public init(
    metric: String, axis: ConvergenceAxis, series: [ConvergenceSeries], recorded: [PointSeries] = [], subtitle: String = "",
    direction: Direction = .maximize
  ) {
    self.direction = direction
    self.metric = metric
    self.axis = axis
    self.series = series
    self.recorded = recorded
    self.subtitle = subtitle
  }

  /// The panels in order of first appearance (one nil panel when no series names one).
  public var panels: [String?] {
    var out: [String?] = []
    for p in series.map(\.panel) + recorded.map(\.panel) where !out.contains(p) { out.append(p) }
    return out.isEmpty ? [nil] : out
  }
}

/// Time-to-target and speed-up of one algorithm under one execution mode, for each worker count.
public struct ScalingSeries: Sendable, Hashable {
  public var algorithm: String
  public var mode: ExecutionMode
  public var workers: [Int]
  /// Median hours to reach the target (NaN: never reached by half of the seeds), with quartiles.
  public var hoursMedian: [Double]
  public var hoursQ1: [Double]
  public var hoursQ3: [Double]
  /// Speed-up over one worker: median hours at W = 1 divided by median hours at W.
  public var speedUp: [Double]

  /// - Throws: `.invalidInput` when the arrays differ in length or a worker count is below 1.
  public init(
    algorithm: String, mode: ExecutionMode, workers: [Int], hoursMedian: [Double], hoursQ1: [Double], hoursQ3: [Double],
    speedUp: [Double]
  ) throws {
    let n = workers.count
    guard hoursMedian.count == n, hoursQ1.count == n, hoursQ3.count == n, speedUp.count == n else {
      throw LabError(.invalidInput, "scaling series '\(algorithm) \(mode.rawValue)' has arrays of different lengths")
    }
    guard workers.allSatisfy({ $0 >= 1 }) else {
      throw LabError(.invalidInput, "scaling series '\(algorithm) \(mode.rawValue)' has a worker count below 1: \(workers)")
    }
    self.algorithm = algorithm
    self.mode = mode
    self.workers = workers
    self.hoursMedian = hoursMedian
    self.hoursQ1 = hoursQ1
    self.hoursQ3 = hoursQ3
    self.speedUp = speedUp
  }

  /// `algorithm · mode`, the series' legend.
  public var label: String { "\(algorithm) · \(mode.rawValue)" }
}

/// How time-to-target and speed-up change with the number of workers.
public struct ScalingData: Sendable, Hashable {
  public var metric: String
  public var target: Double
  /// Whether the target is reached from below (maximised metric) or from above.
  public var direction: Direction
  public var series: [ScalingSeries]
  public var subtitle: String
  public init(metric: String, target: Double, series: [ScalingSeries], subtitle: String = "", direction: Direction = .maximize) {
    self.direction = direction
    self.metric = metric
    self.target = target
    self.series = series
    self.subtitle = subtitle
  }
}

/// One trial as a bar on its worker's row.
public struct TimelineBar: Sendable, Hashable {
  public var trial: TrialID
  public var worker: Int
  /// Seconds since the run started.
  public var start: Double
  public var end: Double
  /// The optimised metric, nil for a failed trial.
  public var score: Double?
  public var state: TrialState
  public init(trial: TrialID, worker: Int, start: Double, end: Double, score: Double?, state: TrialState) {
    self.trial = trial
    self.worker = worker
    self.start = start
    self.end = end
    self.score = score
    self.state = state
  }
}

/// A Gantt chart of one run: which worker ran which trial when.
public struct TimelineData: Sendable, Hashable {
  public var metric: String
  public var workers: Int
  public var bars: [TimelineBar]
  public var subtitle: String
  /// The metric's direction: the palette's bright end is the better score.
  public var direction: Direction

  public init(metric: String, workers: Int, bars: [TimelineBar], subtitle: String = "", direction: Direction = .maximize) {
    self.direction = direction
    self.metric = metric
    self.workers = workers
    self.bars = bars
    self.subtitle = subtitle
  }

  /// The bars of a run's trials that occupied a worker (approximated trials use none and are left out).
  public init(run: RunRecord) {
    let bars = run.trials.filter { $0.worker >= 0 && ($0.state == .completed || $0.state == .failed || $0.state == .interrupted) }
      .map { t in
        TimelineBar(
          trial: t.id, worker: t.worker, start: t.start, end: t.end,
          score: t.state == .completed ? t.metrics[run.spec.metric] : nil, state: t.state)
      }
    let workers = max(run.spec.workers, (bars.map(\.worker).max() ?? -1) + 1)
    self.init(metric: run.spec.metric, workers: workers, bars: bars, subtitle: RunLabel.describe(run.spec), direction: run.spec.direction)
  }

  /// Fraction of the worker-time between 0 and the last end that no trial used, in [0, 1].
  public var idleFraction: Double {
    let makespan = bars.map(\.end).max() ?? 0
    guard makespan > 0, workers > 0 else { return 0 }
    let busy = bars.reduce(0) { $0 + max(0, $1.end - $1.start) }
    return max(0, 1 - busy / (makespan * Double(workers)))
  }
}

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

/// Every evaluated trial of several runs with both benchmark scores.
public struct ScoresData: Sendable, Hashable {
  /// One run's trials: evaluation index, HellaSwag and MMLU accuracy.
  public struct Run: Sendable, Hashable {
    public var label: String
    /// The row of panels it is drawn in (e.g. `campaign B (Llama-3.2-1B)`); nil: the single row.
    public var group: String?
    public var index: [Int]
    public var hellaswag: [Double]
    public var mmlu: [Double]
    public init(label: String, group: String? = nil, index: [Int], hellaswag: [Double], mmlu: [Double]) {
      self.label = label
      self.group = group
      self.index = index
      self.hellaswag = hellaswag
      self.mmlu = mmlu
    }
  }
  public var runs: [Run]
  public var subtitle: String
  public init(runs: [Run], subtitle: String = "") {
    self.runs = runs
    self.subtitle = subtitle
  }

  /// The completed trials of each run, labelled `labels[i]` (default: the algorithm), numbered in start order.
  public init(runs: [RunRecord], labels: [String]? = nil, subtitle: String = "") {
    self.runs = runs.enumerated().map { i, run in
      var r = Run(label: labels?[safe: i] ?? run.spec.algorithm, index: [], hellaswag: [], mmlu: [])
      var n = 0
      for t in run.trials where t.state == .completed || t.state == .failed {
        n += 1
        guard t.state == .completed, let h = t.metrics[MetricName.hellaswagAcc], let m = t.metrics[MetricName.mmluAcc] else { continue }
        r.index.append(n)
        r.hellaswag.append(h)
        r.mmlu.append(m)
      }
      return r
    }
    self.subtitle = subtitle
  }

  /// The evaluated lines of recorded runs, grouped by run in order of first appearance, one row per campaign.
  public init(recorded: [RecordedTrial], subtitle: String = "") {
    var order: [String] = []
    var byRun: [String: Run] = [:]
    var count: [String: Int] = [:]
    for t in recorded where t.state == .evaluated {
      if byRun[t.run] == nil {
        order.append(t.run)
        byRun[t.run] = Run(label: t.run, group: "campaign \(t.campaign.rawValue) (\(t.campaign.model))", index: [], hellaswag: [], mmlu: [])
      }
      count[t.run, default: 0] += 1
      guard let h = t.metrics[MetricName.hellaswagAcc], let m = t.metrics[MetricName.mmluAcc] else { continue }
      byRun[t.run]?.index.append(count[t.run] ?? 0)
      byRun[t.run]?.hellaswag.append(h)
      byRun[t.run]?.mmlu.append(m)
    }
    self.runs = order.compactMap { byRun[$0] }
    self.subtitle = subtitle
  }
}

/// Friedman average ranks of algorithms over problems with the Nemenyi critical difference (Demšar, 2006).
public struct RanksData: Sendable, Hashable {
  public var algorithms: [String]
  /// Average rank of each algorithm (1 = best).
  public var ranks: [Double]
  public var criticalDifference: Double
  /// Significance level of the critical difference (e.g. 0.05).
  public var alpha: Double
  /// Number of problems (seeds × settings) the ranks average over.
  public var problems: Int
  public var subtitle: String

  /// - Throws: `.invalidInput` when `ranks` and `algorithms` differ in length, or the critical difference is negative.
  public init(algorithms: [String], ranks: [Double], criticalDifference: Double, alpha: Double = 0.05, problems: Int, subtitle: String = "") throws {
    guard algorithms.count == ranks.count, !algorithms.isEmpty else {
      throw LabError(.invalidInput, "ranks figure needs one rank per algorithm: \(algorithms.count) algorithms, \(ranks.count) ranks")
    }
    guard criticalDifference >= 0 else {
      throw LabError(.invalidInput, "critical difference must be non-negative, got \(criticalDifference)")
    }
    self.algorithms = algorithms
    self.ranks = ranks
    self.criticalDifference = criticalDifference
    self.alpha = alpha
    self.problems = problems
    self.subtitle = subtitle
  }

  /// Maximal groups of algorithms (by indices sorted by rank) whose ranks differ by less than the critical difference.
  ///
  /// The bars of a critical-difference diagram: each group is a run of consecutive
  /// algorithms in rank order; groups contained in another are dropped.
  public var cliques: [[Int]] {
    let order = ranks.indices.sorted { (ranks[$0], $0) < (ranks[$1], $1) }
    var groups: [Range<Int>] = []
    for i in order.indices {
      var j = i
      while j + 1 < order.count, ranks[order[j + 1]] - ranks[order[i]] < criticalDifference { j += 1 }
      if j > i, !groups.contains(where: { $0.lowerBound <= i && $0.upperBound > j }) { groups.append(i..<(j + 1)) }
    }
    return groups.map { r in r.map { order[$0] } }
  }
}

/// Surrogate predictions against recorded values, with prediction intervals.
public struct ParityData: Sendable, Hashable {
  /// One recorded trial and what the model predicted for it.
  public struct Point: Sendable, Hashable {
    public var recorded: Double
    public var predicted: Double
    public var lower: Double
    public var upper: Double
    /// The group it is drawn in (e.g. the recorded run).
    public var group: String
    public init(recorded: Double, predicted: Double, lower: Double, upper: Double, group: String) {
      self.recorded = recorded
      self.predicted = predicted
      self.lower = lower
      self.upper = upper
      self.group = group
    }
  }
  public var metric: String
  public var points: [Point]
  public var subtitle: String
  public init(metric: String, points: [Point], subtitle: String = "") {
    self.metric = metric
    self.points = points
    self.subtitle = subtitle
  }

  /// Fraction of points whose recorded value lies inside its interval.
  public var coverage: Double {
    guard !points.isEmpty else { return .nan }
    return Double(points.filter { $0.lower <= $0.recorded && $0.recorded <= $0.upper }.count) / Double(points.count)
  }
}

/// Short human descriptions of runs for subtitles.
public enum RunLabel {
  /// e.g. `bo, replay:campaign-B, W = 4 async, seed 7`.
  public static func describe(_ spec: RunSpec) -> String {
    "\(spec.algorithm), \(spec.evaluator), W = \(spec.workers) \(spec.mode.rawValue), seed \(spec.seed)"
  }

  /// A readable metric name: `hellaswag.acc` → `HellaSwag accuracy`.
  public static func metric(_ name: String) -> String {
    switch name {
    case MetricName.hellaswagAcc: return "HellaSwag accuracy"
    case MetricName.hellaswagAccNorm: return "HellaSwag normalised accuracy"
    case MetricName.mmluAcc: return "MMLU accuracy"
    case MetricName.value: return "objective value"
    default: return name
    }
  }
}

extension Array {
  subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
