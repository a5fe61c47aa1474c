import LabCore
import LabData

/// The proposers hpolab knows by name, built from string options: what `hpolab run --algorithm`, studies and live mode use.
///
/// ```swift
/// var proposer = try ProposerCatalogue.make("lhs", options: ["count": "20"], space: .llama32_1B, budget: 50)
/// ```
///
/// Each algorithm is one ``ProposerEntry`` (declared beside its implementation);
/// ``standard`` lists them. Names, option keys, help texts, error messages and
/// the docs' option table (``markdownTable()``, in docs/optimisers.md) all come
/// from the entries. Unknown names and unknown option keys are errors that
/// list the valid ones.
///
/// SOO and BaMSOO default to the recorded settings, including `sequential`
/// batching, which proposes one point at a time: to keep W > 1 workers busy,
/// ask for `batching=sweep` (sync) or `batching=asyncSweep` (async) — the
/// catalogue does so itself when W > 1 and no batching is given.
public struct ProposerCatalogue: Sendable {
  /// The entries in their fixed order (the order of ``names``).
  public let entries: [ProposerEntry]

  /// A catalogue of `entries` (names must be distinct; a later duplicate is ignored).
  public init(_ entries: [ProposerEntry]) {
    var seen = Set<String>()
    self.entries = entries.filter { seen.insert($0.name).inserted }
  }

  /// Every optimiser hpolab ships: **add a new one here, with one line** (docs/extending.md).
  public static let standard = ProposerCatalogue([
    .random,
    .lhs,
    .bo,
    .soo,
    .bamsoo,
    .tpe,
    .cmaes,
  ])

  /// A copy with `entry` appended (a test or an experiment that registers its own proposer).
  public func adding(_ entry: ProposerEntry) -> ProposerCatalogue { ProposerCatalogue(entries + [entry]) }

  /// Every algorithm name, in order.
  public var names: [String] { entries.map(\.name) }
  /// The option keys each algorithm accepts, in order.
  public var optionNames: [String: [String]] {
    Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0.schema.names) })
  }
  /// The entry called `name`, if any.
  public func entry(named name: String) -> ProposerEntry? { entries.first { $0.name == name } }
  /// Whether `name` is a known algorithm.
  public func isKnown(_ name: String) -> Bool { entry(named: name) != nil }

  /// The error for an unknown algorithm name, listing the valid ones (`.notFound`, field `algorithm`).
  public func unknown(_ name: String) -> LabError {
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
  ///   option key (listing the valid keys) or a bad option value (naming the allowed ones); what the
  ///   algorithm's initialiser throws for combinations the schema cannot check.
  public func make(
    _ name: String, options: [String: String] = [:], space: SearchSpace, budget: Int?, workers: Int = 1,
    mode: ExecutionMode = .sync
  ) throws -> any Proposer {
    guard let entry = entry(named: name) else { throw unknown(name) }
    return try entry.make(options: options, space: space, budget: budget, workers: workers, mode: mode)
  }

  /// The docs' table of algorithms: name, summary and each option with its allowed values and default.
  public func markdownTable() -> String {
    var text = "| name | algorithm | options |\n|---|---|---|\n"
    for e in entries {
      let options = e.schema.options.map { "`\($0.name)`" }.joined(separator: ", ")
      text += "| `\(e.name)` | \(e.summary) | \(options.isEmpty ? "none" : options) |\n"
    }
    for e in entries where !e.schema.options.isEmpty || !e.notes.isEmpty {
      text += "\n### `\(e.name)`\n\n" + e.schema.markdownTable()
      if !e.notes.isEmpty { text += "\n" + e.notes + "\n" }
    }
    return text
  }

  /// The `--option` help: each algorithm with its option keys.
  public var optionHelp: String {
    entries.map { e in "\(e.name): \(e.schema.names.isEmpty ? "none" : e.schema.names.joined(separator: ", "))" }
      .joined(separator: "; ")
  }
}

extension ProposerCatalogue {
  /// Every algorithm name of ``standard``, in a fixed order.
  public static var names: [String] { standard.names }
  /// The option keys each algorithm of ``standard`` accepts.
  public static var optionNames: [String: [String]] { standard.optionNames }
  /// Whether `name` is an algorithm of ``standard``.
  public static func isKnown(_ name: String) -> Bool { standard.isKnown(name) }
  /// The error for an unknown algorithm name, listing ``standard``'s.
  public static func unknown(_ name: String) -> LabError { standard.unknown(name) }
  /// ``make(_:options:space:budget:workers:mode:)`` on ``standard``.
  public static func make(
    _ name: String, options: [String: String] = [:], space: SearchSpace, budget: Int?, workers: Int = 1,
    mode: ExecutionMode = .sync
  ) throws -> any Proposer {
    try standard.make(name, options: options, space: space, budget: budget, workers: workers, mode: mode)
  }
}
