// Checks a parsed trace line against physics and its campaign: times in order, points inside the space,
// converted values that follow from the base values, metrics inside their declared range, LCB ≤ UCB.
//
// Notation
//   x_i   base value of parameter i (solution.base_value[i]), c_i its converted value
//   conv  the campaign's conversion (int(x) / round(x), x, 10^x)
//   c_i is consistent when c_i = conv(x_i) exactly for integers, and |c_i − conv(x_i)| ≤ 1e-12·max(1, |c_i|)
//   otherwise (the 369 recorded lines agree bit for bit; the tolerance only absorbs another writer's last digit)

import LabCore

/// The campaign-aware checks of one trace line (called by ``TraceParser``, ``ForeignTrial``), each failing with file, line and field.
public enum TraceValidation {
  /// Relative tolerance of the converted-value check for real parameters.
  static let conversionTolerance = 1e-12

  /// The longest echo of an input value in an error message.
  public static let maxEcho = 200

  /// `text` cut to ``maxEcho`` characters (with `…` and the original length when cut).
  public static func clip(_ text: String) -> String {
    guard text.count > maxEcho else { return text }
    return String(text.prefix(maxEcho)) + "… (\(text.utf8.count) bytes)"
  }

  /// The dotted path and key of the first object that names a key twice, if any (Python's json keeps the last,
  /// this reader used to keep the first: a repeated key is ambiguous, so it is refused).
  static func duplicateKey(in value: JSONValue, path: String = "") -> (path: String, key: String)? {
    switch value {
    case .object(let members):
      var seen = Set<String>()
      for (key, _) in members where !seen.insert(key).inserted { return (path.isEmpty ? key : "\(path).\(key)", key) }
      for (key, item) in members {
        if let found = duplicateKey(in: item, path: path.isEmpty ? key : "\(path).\(key)") { return found }
      }
      return nil
    case .array(let items):
      for (i, item) in items.enumerated() {
        if let found = duplicateKey(in: item, path: "\(path)[\(i)]") { return found }
      }
      return nil
    default: return nil
    }
  }

  /// Throws (through `fail`) unless the trial's times are in order and its values fit `campaign`.
  static func check(_ t: RecordedTrial, campaign: Campaign?, endTrainingKey: String, fail: (String?, String) -> LabError) throws {
    // Times: opening ≤ end of training ≤ end of evaluation, where recorded.
    let opening = TraceTime.parse(t.openingTime)
    let endTraining = TraceTime.parse(t.endTrainingTime)
    let ending = TraceTime.parse(t.endingTime)
    if let a = opening, let b = endTraining, b < a {
      throw fail("timing.\(endTrainingKey)", "end of training \(t.endTrainingTime) is before the opening time \(t.openingTime) (negative duration)")
    }
    if let b = endTraining ?? opening, let c = ending, c < b {
      let other = endTraining != nil ? "the end of training \(t.endTrainingTime)" : "the opening time \(t.openingTime)"
      throw fail("timing.ending_time", "ending time \(t.endingTime) is before \(other) (negative duration)")
    }
    if let ucb = t.ucb, let lcb = t.lcb, lcb > ucb {
      throw fail("score.LCB", "lower confidence bound \(PythonNumber.repr(lcb)) is above the upper bound \(PythonNumber.repr(ucb))")
    }
    for name in [MetricName.hellaswagAccStderr, MetricName.hellaswagAccNormStderr, MetricName.mmluAccStderr] {
      if let v = t.metrics[name], v < 0 {
        throw fail(seedField(name), "standard error \(PythonNumber.repr(v)) is negative")
      }
    }
    guard let campaign else { return }
    let space = campaign.space
    for (i, p) in space.parameters.enumerated() where i < t.base.count && i < t.converted.count {
      let x = t.base[i]
      guard x >= p.lower && x <= p.upper else {
        throw fail(
          "solution.base_value[\(i)]",
          "\(p.name) = \(PythonNumber.repr(x)) is outside campaign \(campaign.name)'s range [\(PythonNumber.repr(p.lower)), \(PythonNumber.repr(p.upper))]")
      }
      let expected = p.convert(x, integers: space.integerConversion)
      let c = t.converted[i]
      let consistent = p.kind == .int ? c == expected : Swift.abs(c - expected) <= conversionTolerance * Swift.max(1, Swift.abs(c))
      guard consistent else {
        throw fail(
          "solution.converted_values[\(i)]",
          "\(p.name) = \(PythonNumber.repr(c)) does not follow from base value \(PythonNumber.repr(x)) (campaign \(campaign.name) gives \(PythonNumber.repr(expected)))")
      }
    }
    guard t.state == .evaluated else { return }
    for name in [MetricName.hellaswagAcc, MetricName.hellaswagAccNorm, MetricName.mmluAcc] {
      guard let value = t.metrics[name] else { continue }
      guard let metric = campaign.metric(name) else {
        throw fail(
          seedField(name),
          "metric '\(name)' is not declared by campaign \(campaign.name) (its metrics: \(campaign.metrics.map(\.name).joined(separator: ", ")))")
      }
      guard metric.accepts(value) else {
        throw fail(seedField(name), "\(name) = \(PythonNumber.repr(value)) is outside its declared range \(rangeText(metric))")
      }
    }
  }

  /// `[lower, upper]` of a metric, `-inf` / `inf` where unbounded.
  public static func rangeText(_ m: CampaignMetric) -> String {
    "[\(m.lower.map(PythonNumber.repr) ?? "-inf"), \(m.upper.map(PythonNumber.repr) ?? "inf")]"
  }

  /// The seed format's field holding metric `name`.
  static func seedField(_ name: String) -> String {
    switch name {
    case MetricName.hellaswagAcc: return "score.hellaswag.acc,none"
    case MetricName.hellaswagAccStderr: return "score.hellaswag.acc_stderr,none"
    case MetricName.hellaswagAccNorm: return "score.hellaswag.acc_norm,none"
    case MetricName.hellaswagAccNormStderr: return "score.hellaswag.acc_norm_stderr,none"
    case MetricName.mmluAcc: return "score.mmlu.acc,none"
    case MetricName.mmluAccStderr: return "score.mmlu.acc_stderr,none"
    default: return name
    }
  }
}
