import LabCore
import LabData

/// Simultaneous Optimistic Optimization as a proposer: sweeps over the depths of a K-ary partition, expanding at
/// each depth the best open leaf if it beats every leaf expanded higher up in the same sweep.
///
/// Munos (2011), "Optimistic optimization of a deterministic function without the
/// knowledge of its smoothness", NeurIPS 24; algorithm 3.2 of the seed report. By
/// default it behaves exactly as the recorded runs (`soo.json`, `soo_bis.json`): the
/// inheritance rule of ``InheritanceRule/recorded``, the widest normalised dimension split
/// into K = 3 parts with ties to the lowest index, ties between leaves to the first created,
/// each sweep visiting depths 0 … (the depth of the tree when it starts), and the budget
/// checked only when a sweep starts (n < budget), so that a run may overshoot it —
/// `soo_bis.json` has 51 evaluations for a budget of 50.
///
/// Proposals carry `depth`, `depth_id`, `loop` and `score_state` in their `info`, like the
/// traces. `propose` returns `nil` while the current batch (see ``SweepBatching``) waits for
/// its results, and when the run is over and nothing is pending.
///
/// ```swift
/// var soo = try SOO(space: .llama32_1B, options: TreeSearchOptions(budget: 50))
/// while let p = try soo.propose(pending: [], using: &rng) { … observe … }
/// ```
/// - Complexity: O(nodes at a depth) per selection, O(K·d) per split.
public struct SOO: Proposer {
  private var engine: TreeSearchEngine<NoModel>
  public var name: String { "soo" }
  /// True when a budget is set and may be overshot: it is checked only when a sweep starts, as recorded
  /// (see ``Proposer/ownsBudget``); false under `budget = strict`, where the simulator caps the run.
  public var ownsBudget: Bool { options.budget != nil && options.overshootsBudget }

  /// - Throws: ``LabError`` `.invalidInput` for K < 2 or a budget below 1.
  public init(space: SearchSpace, options: TreeSearchOptions = TreeSearchOptions()) throws {
    engine = try TreeSearchEngine(space: space, options: options, model: nil, eta: 1, algorithm: "soo")
  }

  /// The partition built so far.
  public var tree: PartitionTree { engine.tree }
  /// Real evaluations proposed so far.
  public var evaluations: Int { engine.evaluations }
  /// The current sweep number (the traces' `loop`).
  public var loop: Int { engine.loop }
  /// Whether the run is over (budget reached when a sweep would start).
  public var isFinished: Bool { engine.finished }
  public var options: TreeSearchOptions { engine.options }

  public mutating func propose(pending: [Point], using rng: inout SeededGenerator) throws -> Proposal? {
    try engine.propose(using: &rng)
  }

  /// - Throws: ``LabError`` `.invalidInput` for a non-finite value or a point that is not a pending centre.
  ///   A failed trial is not an error: the leaf gets the worst value seen so far.
  public mutating func observe(_ observation: Observation) throws {
    try engine.observe(observation)
  }
}
