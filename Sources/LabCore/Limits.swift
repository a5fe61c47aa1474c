/// The documented range of every number a study file or the command line sets.
///
/// Both the study parser (`StudySpec+TOML.swift`) and the command-line
/// options' `validate()` check their numbers here, so `workers = 5000` in a
/// study and `hpolab run --workers 5000` are refused with the same range. The
/// ranges are chosen so that no arithmetic on them can overflow and no run can
/// ask for more memory than a laptop has (issue 18: `workers = [Int.max]`
/// trapped in the simulator, `seeds = 2³¹` asked for 68 GB):
///
/// | quantity | range |
/// |---|---|
/// | workers W | 1 … 4,096 |
/// | seed count (`seeds = N`) and seeds listed | 1 … 100,000 |
/// | evaluation budget | 1 … 1,000,000 |
/// | simulated hours | (0, 10,000] |
/// | node-hours (W × simulated hours) | (0, 1,000,000] |
/// | LHS `count` | 1 … the budget (1 … 1,000,000 without one) |
/// | BO `initial` | 0 … the budget (0 … 1,000,000 without one) |
/// | BO `raw-samples`, `restarts` | 1 … 65,536, 1 … 1,024 |
/// | SOO / BaMSOO arity `k` | 2 … 64 |
/// | overhead parameters (seconds) | 0 … 1,000,000 |
/// | runs in one study grid | 1 … 1,000,000 |
/// | `--jobs` threads | 1 … 4,096 |
///
/// Targets and every other real number must be finite.
public enum Limits {
  /// Parallel workers of one run.
  public static let workers = 1...4_096
  /// Seeds of one study (a count, or the length of a list).
  public static let seedCount = 1...100_000
  /// Real evaluations of one run.
  public static let budget = 1...1_000_000
  /// Simulated hours of one run (the lower bound is excluded: see ``checkHours(_:name:location:)``).
  public static let hours: ClosedRange<Double> = 0...10_000
  /// A run's compute budget in node-hours, W × simulated hours (the lower bound is excluded: see ``checkNodeHours(_:name:location:)``).
  public static let nodeHours: ClosedRange<Double> = 0...1_000_000
  /// SOO's and BaMSOO's arity K (the number of children of a split cell).
  public static let treeArity = 2...64
  /// Each number of an overhead model (`constant:S`, `linear:A,B`, `cubic:A,B`), in seconds.
  public static let overheadSeconds: ClosedRange<Double> = 0...1_000_000
  /// Runs in one study grid (algorithms × evaluators × workers × modes × seeds).
  public static let gridCells = 1...1_000_000
  /// Threads computing a study's runs at once.
  public static let jobs = 1...4_096
  /// BO's `raw-samples` (points scored per proposal before the local searches).
  public static let boRawSamples = 1...65_536
  /// BO's `restarts` (local searches of the acquisition function per proposal).
  public static let boRestarts = 1...1_024

  /// The evaluations a run may make when it sets no budget (a safety cap for hours-only runs).
  public static var evaluationCap: Int { budget.upperBound }

  /// Returns `value` when it lies in `range`, else throws `.invalidInput` "NAME must be in A…B, got V".
  /// - Parameter name: how the message names the value, e.g. `--workers` or `'workers' in [study]`.
  @discardableResult
  public static func check(
    _ value: Int, in range: ClosedRange<Int>, name: String, unit: String = "", location: LabError.Location? = nil
  ) throws -> Int {
    guard range.contains(value) else {
      throw LabError(
        .invalidInput, "\(name) must be in \(describe(range))\(unit.isEmpty ? "" : " \(unit)"), got \(value)",
        location: location)
    }
    return value
  }

  /// Returns `value` when it is finite and lies in `range`, else throws `.invalidInput`.
  @discardableResult
  public static func check(
    _ value: Double, in range: ClosedRange<Double>, name: String, unit: String = "", location: LabError.Location? = nil
  ) throws -> Double {
    guard value.isFinite, range.contains(value) else {
      throw LabError(
        .invalidInput,
        "\(name) must be a finite number in \(describe(range))\(unit.isEmpty ? "" : " \(unit)"), got \(value)",
        location: location)
    }
    return value
  }

  /// Simulated hours: finite, positive and at most ``hours``'s upper bound.
  @discardableResult
  public static func checkHours(_ value: Double, name: String, location: LabError.Location? = nil) throws -> Double {
    guard value.isFinite, value > 0, value <= hours.upperBound else {
      throw LabError(
        .invalidInput, "\(name) must be a finite number of hours in (0, \(group(Int(hours.upperBound)))], got \(value)",
        location: location)
    }
    return value
  }

  /// Returns `value` when it is a finite number of node-hours in (0, 1,000,000], else throws `.invalidInput`.
  @discardableResult
  public static func checkNodeHours(_ value: Double, name: String, location: LabError.Location? = nil) throws -> Double {
    guard value.isFinite, value > 0, value <= nodeHours.upperBound else {
      throw LabError(
        .invalidInput, "\(name) must be a finite number of node-hours in (0, \(group(Int(nodeHours.upperBound)))], got \(value)",
        location: location)
    }
    return value
  }

  /// Returns `value` when it is finite (targets, thresholds), else throws `.invalidInput`.
  @discardableResult
  public static func checkFinite(_ value: Double, name: String, location: LabError.Location? = nil) throws -> Double {
    guard value.isFinite else {
      throw LabError(.invalidInput, "\(name) must be a finite number, got \(value)", location: location)
    }
    return value
  }

  /// The integer option values the catalogues size memory by, checked against these ranges.
  ///
  /// LHS `count` lies in 1 … `budget` and BO `initial` in 0 … `budget` (up to
  /// ``budget``'s bound without one), BO `raw-samples` and `restarts` in
  /// ``boRawSamples`` and ``boRestarts``, SOO's and BaMSOO's `k` in ``treeArity``. Keys this function does
  /// not know, and values that are not integers, are left to the catalogue,
  /// which names the valid keys and types.
  /// - Parameter name: how the message names the option, e.g. `"lhs: option"`; the key is appended.
  public static func checkAlgorithmOptions(
    algorithm: String, options: [String: String], budget runBudget: Int?, location: (String) -> LabError.Location? = { _ in nil }
  ) throws {
    let designCap = runBudget ?? budget.upperBound
    var ranges: [String: (ClosedRange<Int>, String)] = [:]
    switch algorithm {
    case "lhs": ranges["count"] = (1...max(1, designCap), runBudget == nil ? "" : "(at most the budget)")
    case "bo":
      ranges["initial"] = (0...max(1, designCap), runBudget == nil ? "" : "(at most the budget)")
      ranges["raw-samples"] = (boRawSamples, "")
      ranges["restarts"] = (boRestarts, "")
    case "soo", "bamsoo": ranges["k"] = (treeArity, "")
    default: break
    }
    for key in options.keys.sorted() {
      guard let (range, note) = ranges[key], let text = options[key], let value = Int(text) else { continue }
      try check(value, in: range, name: "\(algorithm): option '\(key)'", unit: note, location: location(key))
    }
  }

  /// `1…4,096`.
  public static func describe(_ range: ClosedRange<Int>) -> String {
    "\(group(range.lowerBound))…\(group(range.upperBound))"
  }

  static func describe(_ range: ClosedRange<Double>) -> String {
    let whole = { (x: Double) in x == x.rounded() && abs(x) < 1e15 ? group(Int(x)) : "\(x)" }
    return "\(whole(range.lowerBound))…\(whole(range.upperBound))"
  }

  /// `1000000` → `1,000,000` (how messages write the ranges).
  public static func group(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(c)
    }
    return (value < 0 ? "-" : "") + out
  }
}
