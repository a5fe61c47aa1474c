import LabCore

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
