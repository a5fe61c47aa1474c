// Training and evaluation durations of a recorded run, including campaign A's derived evaluation times.
//
// Notation
//   o_i   opening time of evaluated trial i (file order)
//   t_i   end of training of trial i (`end_training_time`, or `starting_time` in campaign A)
//   e_i   end of evaluation (`ending_time`; empty in campaign A)
//   training_i   = t_i − o_i
//   evaluation_i = e_i − t_i                     when recorded (campaign B)
//                = o_{i+1} − t_i                 derived, when the run was sequential (t_i ≤ o_{i+1} for all i)
//                = median of the derived values  for the last trial (also flagged derived)
//   Derived values include the optimiser's own overhead between trials: an upper bound on evaluation time.

import LabCore

/// How long one recorded trial trained and evaluated, and whether the evaluation time was derived.
public struct RecordedTiming: Sendable, Hashable, Codable {
  /// Training seconds (nil for approximated lines, which ran nothing).
  public var trainingSeconds: Double?
  /// Evaluation seconds, recorded or derived (nil when neither is possible).
  public var evaluationSeconds: Double?
  /// Whether ``evaluationSeconds`` was derived from the gap to the next trial rather than recorded.
  public var evaluationDerived: Bool

  public init(trainingSeconds: Double?, evaluationSeconds: Double?, evaluationDerived: Bool) {
    self.trainingSeconds = trainingSeconds
    self.evaluationSeconds = evaluationSeconds
    self.evaluationDerived = evaluationDerived
  }
}

extension RecordedTrial {
  /// Whether the evaluated trials of a run never overlapped: each started after the previous one finished training.
  public static func isSequential(_ trials: [RecordedTrial]) -> Bool {
    let evaluated = trials.filter { $0.state == .evaluated }
    for (a, b) in zip(evaluated, evaluated.dropFirst()) {
      guard let end = TraceTime.parse(a.endTrainingTime), let next = TraceTime.parse(b.openingTime), end <= next else {
        return false
      }
    }
    return true
  }

  /// The timing of every trial of one run, in the same order (see the notation block of this file).
  ///
  /// Campaign B records the end of evaluation. Campaign A does not: when the
  /// run was sequential, the evaluation time of a trial is the gap to the next
  /// trial's opening time, and the last trial gets the median of those gaps;
  /// all such values are flagged as derived. A run that was not sequential
  /// gets no evaluation time where none was recorded.
  /// - Complexity: O(n log n) for n trials.
  public static func timings(of trials: [RecordedTrial]) -> [RecordedTiming] {
    var result = trials.map {
      RecordedTiming(trainingSeconds: $0.trainingSeconds, evaluationSeconds: $0.evaluationSeconds, evaluationDerived: false)
    }
    let evaluated = trials.indices.filter { trials[$0].state == .evaluated && result[$0].evaluationSeconds == nil }
    guard !evaluated.isEmpty, isSequential(trials) else { return result }
    // Gaps to the next evaluated trial (in file order, whatever its own layout).
    let allEvaluated = trials.indices.filter { trials[$0].state == .evaluated }
    var derived: [Double] = []
    for (a, b) in zip(allEvaluated, allEvaluated.dropFirst()) where result[a].evaluationSeconds == nil {
      guard let end = TraceTime.parse(trials[a].endTrainingTime), let next = TraceTime.parse(trials[b].openingTime) else {
        continue
      }
      result[a].evaluationSeconds = next - end
      result[a].evaluationDerived = true
      derived.append(next - end)
    }
    if let median = median(derived) {
      for i in evaluated where result[i].evaluationSeconds == nil {
        result[i].evaluationSeconds = median
        result[i].evaluationDerived = true
      }
    }
    return result
  }

  /// The median of `values` (mean of the two middle ones for an even count), or nil when empty.
  static func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  }
}
