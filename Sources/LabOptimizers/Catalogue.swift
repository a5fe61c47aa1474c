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
/// | `bo` | Bayesian optimisation (GP + LogEI) | see ``ProposerCatalogue/optionNames`` |
/// | `soo` | SOO (Munos 2011) | see ``ProposerCatalogue/optionNames`` |
/// | `bamsoo` | BaMSOO (Wang et al. 2014) | see ``ProposerCatalogue/optionNames`` |
///
/// Unknown names and unknown option keys are errors that list the valid ones.
public enum ProposerCatalogue {
  /// Every algorithm name, in a fixed order.
  public static let names = ["random", "lhs", "bo", "soo", "bamsoo"]

  /// The option keys each algorithm accepts.
  public static let optionNames: [String: [String]] = [
    "random": [],
    "lhs": ["count"],
    "bo": [],
    "soo": [],
    "bamsoo": [],
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
  /// - Throws: `.notFound` for an unknown name (listing the valid ones); `.invalidInput` for an unknown
  ///   option key (listing the valid keys) or a bad option value; `.unsupported` for an algorithm
  ///   whose implementation has not landed in this build.
  public static func make(_ name: String, options: [String: String] = [:], space: SearchSpace, budget: Int?) throws
    -> any Proposer
  {
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
    default:
      throw LabError(.unsupported, "algorithm '\(name)' is not available yet in this build; available: random, lhs")
    }
  }

  /// Parses an integer option, naming the algorithm and the key when it is not one.
  static func integer(_ text: String?, key: String, algorithm: String) throws -> Int? {
    guard let text else { return nil }
    guard let value = Int(text) else {
      throw LabError(.invalidInput, "\(algorithm): option '\(key)' must be an integer, got '\(text)'", location: .init(field: "options.\(key)"))
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
