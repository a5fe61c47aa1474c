import LabCore

/// The proposers hpolab knows by name, built from string options: what `hpolab run --algorithm` and studies use.
///
/// ```swift
/// var proposer = try ProposerCatalogue.make("lhs", options: ["count": "20"], space: .llama32_1B, budget: 50)
/// ```
///
/// | name | algorithm | options (string values) |
/// |---|---|---|
/// | `random` | random search (Bergstra and Bengio 2012) | none |
/// | `lhs` | Latin hypercube design (McKay et al. 1979) | `count` (default: the budget, or 50) |
/// | `bo` | Bayesian optimisation, GP + LogEI (Jones et al. 1998; Ament et al. 2023) | `initial` (LHS points, 10), `pending` (`cl-min`, `cl-mean`, `cl-max`, `kb`, `lp`; default `kb`), `kernel` (`matern52`, `rbf`), `raw-samples`, `restarts` |
/// | `soo` | SOO (Munos 2011) | `k` (arity, 3), `inheritance` (`recorded`, `strict`), `batching` (`sequential`, `sweep`, `asyncSweep`), `depth-limit` (`unlimited`, `sqrt`, or an integer), `budget` (`recorded`: the last sweep may overshoot, as the recorded runs did; `strict`: a hard cap, for comparisons at equal budgets) |
/// | `bamsoo` | BaMSOO (Wang et al. 2014) | the options of `soo`, plus `eta` (η ∈ (0, 1], 1) |
///
/// SOO and BaMSOO default to the recorded settings, including `sequential`
/// batching, which proposes one point at a time: to keep W > 1 workers busy,
/// ask for `batching=sweep` (sync) or `batching=asyncSweep` (async) —
/// `hpolab run` does so itself when W > 1 and no batching is given.
///
/// Unknown names and unknown option keys are errors that list the valid ones.
public enum ProposerCatalogue {
  /// Every algorithm name, in a fixed order.
  public static let names = ["random", "lhs", "bo", "soo", "bamsoo"]

  /// The option keys each algorithm accepts.
  public static let optionNames: [String: [String]] = [
    "random": [],
    "lhs": ["count"],
    "bo": ["initial", "pending", "kernel", "raw-samples", "restarts"],
    "soo": ["k", "inheritance", "batching", "depth-limit", "budget"],
    "bamsoo": ["k", "inheritance", "batching", "depth-limit", "eta", "budget"],
  ]

  /// Whether `name` is a known algorithm (available or not yet).
  public static func isKnown(_ name: String) -> Bool { names.contains(name) }

  /// The error for an unknown algorithm name, listing the valid ones.
  public static func unknown(_ name: String) -> LabError {
    LabError(.notFound, "unknown algorithm '\(name)'; valid: \(names.joined(separator: ", "))", location: .init(field: "algorithm"))
  }

  /// The proposer called `name` over `space`, configured by `options`.
  /// - Parameters:
  ///   - budget: the run's evaluation budget, which some algorithms size themselves by (LHS's design, SOO's sweeps).
  ///   - workers: the number of workers the proposer will feed; with more than one, SOO and BaMSOO
  ///     default to `batching = sweep` (sync) or `asyncSweep` (async) instead of the recorded
  ///     one-expansion-at-a-time, which would leave all but two workers idle.
  ///   - mode: how the workers are driven.
  /// - Throws: `.notFound` for an unknown name (listing the valid ones); `.invalidInput` for an unknown
  ///   option key (listing the valid keys) or a bad option value; what the algorithm's initialiser
  ///   throws for values out of range (e.g. K < 2, η outside (0, 1]).
  public static func make(
    _ name: String, options given: [String: String] = [:], space: SearchSpace, budget: Int?, workers: Int = 1,
    mode: ExecutionMode = .sync
  ) throws -> any Proposer {
    var options = given
    if (name == "soo" || name == "bamsoo") && workers > 1 && options["batching"] == nil {
      options["batching"] = mode == .sync ? "sweep" : "asyncSweep"
    }
    guard let valid = optionNames[name] else { throw unknown(name) }
    for key in options.keys.sorted() where !valid.contains(key) {
      throw LabError(
        .invalidInput,
        "\(name): unknown option '\(key)'; valid: \(valid.isEmpty ? "none" : valid.joined(separator: ", "))",
        location: .init(field: "options.\(key)"))
    }
    switch name {
    case "random":
      return RandomSearch(space: space)
    case "lhs":
      let count = try integer(options["count"], key: "count", algorithm: name) ?? budget ?? 50
      return try LatinHypercubeSearch(space: space, count: count)
    case "bo":
      var o = BayesOptOptions()
      if let n = try integer(options["initial"], key: "initial", algorithm: name) { o.initialPoints = n }
      if let p = options["pending"] { o.pending = try PendingStrategy(named: p) }
      if let kind = try choice(options["kernel"], key: "kernel", algorithm: name, as: KernelKind.self) { o.gp.kernel = kind }
      if let n = try integer(options["raw-samples"], key: "raw-samples", algorithm: name) { o.acquisition.rawSamples = n }
      if let n = try integer(options["restarts"], key: "restarts", algorithm: name) { o.acquisition.restarts = n }
      return try BayesOptProposer(space: space, options: o)
    case "soo":
      return try SOO(space: space, options: try treeOptions(options, base: TreeSearchOptions(budget: budget), algorithm: name))
    case "bamsoo":
      let eta = try real(options["eta"], key: "eta", algorithm: name) ?? 1
      let o = try treeOptions(options, base: BaMSOO<PosteriorConfidence<GaussianProcessModel>>.recordedOptions(budget: budget), algorithm: name)
      return try BaMSOO(space: space, budget: budget, eta: eta, options: o)
    default:
      throw unknown(name)
    }
  }

  /// SOO's and BaMSOO's options over `base`.
  static func treeOptions(_ options: [String: String], base: TreeSearchOptions, algorithm: String) throws -> TreeSearchOptions {
    var o = base
    if let k = try integer(options["k"], key: "k", algorithm: algorithm) { o.arity = k }
    if let rule = try choice(options["inheritance"], key: "inheritance", algorithm: algorithm, as: InheritanceRule.self) {
      o.inheritance = rule
    }
    if let batching = try choice(options["batching"], key: "batching", algorithm: algorithm, as: SweepBatching.self) {
      o.batching = batching
    }
    if let rule = try choice(options["budget"], key: "budget", algorithm: algorithm, as: BudgetRule.self) {
      o.overshootsBudget = rule == .recorded
    }
    if let text = options["depth-limit"] {
      switch text {
      case "unlimited": o.depthLimit = .unlimited
      case "sqrt": o.depthLimit = .squareRoot
      default:
        guard let c = Int(text), c >= 0 else {
          throw LabError(
            .invalidInput, "\(algorithm): depth-limit must be unlimited, sqrt or a non-negative integer, got '\(text)'",
            location: .init(field: "options.depth-limit"))
        }
        o.depthLimit = .constant(c)
      }
    }
    return o
  }

  /// Parses an integer option, naming the algorithm and the key when it is not one.
  static func integer(_ text: String?, key: String, algorithm: String) throws -> Int? {
    guard let text else { return nil }
    guard let value = Int(text) else {
      throw LabError(.invalidInput, "\(algorithm): option '\(key)' must be an integer, got '\(text)'", location: .init(field: "options.\(key)"))
    }
    return value
  }

  /// Parses an option that names one case of `E`, listing the valid names when it names none.
  static func choice<E: RawRepresentable & CaseIterable>(
    _ text: String?, key: String, algorithm: String, as _: E.Type
  ) throws -> E? where E.RawValue == String {
    guard let text else { return nil }
    guard let value = E(rawValue: text) else {
      throw LabError(
        .invalidInput, "\(algorithm): unknown \(key) '\(text)'; valid: \(E.allCases.map(\.rawValue).joined(separator: ", "))",
        location: .init(field: "options.\(key)"))
    }
    return value
  }

  /// Parses a real option, naming the algorithm and the key when it is not a finite number.
  static func real(_ text: String?, key: String, algorithm: String) throws -> Double? {
    guard let text else { return nil }
    guard let value = Double(text), value.isFinite else {
      throw LabError(.invalidInput, "\(algorithm): option '\(key)' must be a finite number, got '\(text)'", location: .init(field: "options.\(key)"))
    }
    return value
  }
}

/// How SOO and BaMSOO treat the evaluation budget (catalogue option `budget`).
public enum BudgetRule: String, Sendable, Hashable, CaseIterable {
  /// Checked only when a sweep starts, so the last sweep may overshoot (`soo_bis.json`: 51 evaluations for 50).
  case recorded
  /// A hard cap: the simulator starts no evaluation beyond the budget.
  case strict
}
