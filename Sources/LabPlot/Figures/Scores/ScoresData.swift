// Plain input data of the figure catalogue, independent of how it was computed.
//
// Notation
//   x         evaluations (1, 2, …) or simulated hours, depending on the figure
//   median, q1, q3   the 50 %, 25 % and 75 % quantiles over seeds at each x
//   score     the optimised metric of a trial (e.g. hellaswag.acc, in [0, 1])
//   W         the number of parallel workers

import LabCore
import LabData

/// Every evaluated trial of several runs with both benchmark scores.
public struct ScoresData: Sendable, Hashable {
  /// One run's trials: evaluation index, HellaSwag and MMLU accuracy.
  public struct Run: Sendable, Hashable {
    public var label: String
    /// The row of panels it is drawn in (e.g. `campaign llama-3.2-1b (Llama-3.2-1B)`); nil: the single row.
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
        let group = t.campaign.map { "campaign \($0.name)\($0.model.isEmpty ? "" : " (\($0.model))")" }
        byRun[t.run] = Run(label: t.run, group: group, index: [], hellaswag: [], mmlu: [])
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
