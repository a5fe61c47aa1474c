import LabCore
import LabOptimizers

// Test-only: the older string vocabulary (`inherit`, `h_max`, `batching=async`, `max_idle_sweeps`)
// that the tree-search tests were written against. The library has one vocabulary, that of
// ``ProposerCatalogue`` (`inheritance`, `depth-limit`, `batching=asyncSweep`), which the CLI,
// the study files and docs/treesearch.md use; this parser lives here so that it cannot leak back.

extension TreeSearchOptions {
  /// The option keys ``init(parsing:algorithm:budget:)`` accepts (BaMSOO also takes `eta`, see ``BaMSOO/make(options:space:budget:)``).
  static let keys = ["k", "inherit", "batching", "h_max", "max_idle_sweeps"]

  /// Options from strings, as studies and `hpolab run` pass them.
  ///
  /// `k` (integer ≥ 2, default 3); `inherit` = `recorded` | `strict`; `batching` =
  /// `sequential` | `sweep` | `async` (or `asyncSweep`); `h_max` = `none` | `sqrt` | an integer;
  /// `max_idle_sweeps` (integer ≥ 1). Unknown keys are left to the caller.
  /// - Throws: ``LabError`` `.invalidInput` naming the algorithm, the key and the value.
  init(parsing options: [String: String], algorithm: String, budget: Int?, loopCondition: LoopCondition) throws {
    func bad(_ key: String, _ value: String, _ valid: String) -> LabError {
      LabError(
        .invalidInput, "\(algorithm): option '\(key)' must be \(valid), got '\(value)'", location: .init(field: "options.\(key)"))
    }
    self.init(budget: budget, loopCondition: loopCondition)
    if let v = options["k"] {
      guard let k = Int(v), k >= 2 else { throw bad("k", v, "an integer ≥ 2") }
      arity = k
    }
    if let v = options["inherit"] {
      guard let rule = InheritanceRule(rawValue: v) else { throw bad("inherit", v, "'recorded' or 'strict'") }
      inheritance = rule
    }
    if let v = options["batching"] {
      switch v {
      case "sequential": batching = .sequential
      case "sweep": batching = .sweep
      case "async", "asyncSweep": batching = .asyncSweep
      default: throw bad("batching", v, "'sequential', 'sweep' or 'async'")
      }
    }
    if let v = options["h_max"] {
      switch v {
      case "none": depthLimit = .unlimited
      case "sqrt": depthLimit = .squareRoot
      default:
        guard let h = Int(v), h >= 0 else { throw bad("h_max", v, "'none', 'sqrt' or an integer ≥ 0") }
        depthLimit = .constant(h)
      }
    }
    if let v = options["max_idle_sweeps"] {
      guard let m = Int(v), m >= 1 else { throw bad("max_idle_sweeps", v, "an integer ≥ 1") }
      maxIdleSweeps = m
    }
  }
}

extension SOO {
  /// The option keys SOO accepts.
  static var optionKeys: [String] { TreeSearchOptions.keys }

  /// SOO from string options (see ``TreeSearchOptions/init(parsing:algorithm:budget:loopCondition:)``); sweeps start while n < budget.
  static func make(options: [String: String], space: SearchSpace, budget: Int?) throws -> SOO {
    try SOO(space: space, options: TreeSearchOptions(parsing: options, algorithm: "soo", budget: budget, loopCondition: .belowBudget))
  }
}

extension BaMSOO where Model == PosteriorConfidence<GaussianProcessModel> {
  /// The option keys BaMSOO accepts: SOO's and `eta`.
  static var optionKeys: [String] { TreeSearchOptions.keys + ["eta"] }

  /// BaMSOO on hpolab's GP from string options (SOO's keys and `eta` ∈ (0, 1], default 1); sweeps start while n ≤ budget, as recorded.
  static func make(options: [String: String], space: SearchSpace, budget: Int?) throws -> Self {
    var eta = 1.0
    if let v = options["eta"] {
      guard let e = Double(v), e > 0, e <= 1 else {
        throw LabError(.invalidInput, "bamsoo: option 'eta' must be a number in (0, 1], got '\(v)'", location: .init(field: "options.eta"))
      }
      eta = e
    }
    let o = try TreeSearchOptions(parsing: options, algorithm: "bamsoo", budget: budget, loopCondition: .atMostBudget)
    return try Self(space: space, budget: budget, eta: eta, options: o)
  }
}
