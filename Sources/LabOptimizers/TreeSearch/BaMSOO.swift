import LabCore

/// Bayesian Multi-Scale Optimistic Optimization as a proposer: SOO whose leaves are evaluated only when a model's
/// upper confidence bound reaches the best score so far, and otherwise scored by the lower bound.
///
/// Wang, Shakibi, Jin and de Freitas (2014), "Bayesian multi-scale optimistic
/// optimization", AISTATS; algorithms 3.3 and A.1 of the seed report. A leaf centre x is
/// evaluated when UCB(x) = μ(x) + B_N σ(x) ≥ f⁺, with B_N = sqrt(2 log(π² N² / (6 η))) and
/// N the number of nodes; otherwise its score is LCB(x) and the leaf is reported by
/// ``takeApproximations()`` (an ``Approximation`` with value = lower = LCB). f⁺ is the best
/// score so far, evaluated *or* approximated, as in algorithm A.1.
///
/// Defaults follow the recorded run (`bamsoo_bis.json`): K = 3, η = 1, the recorded
/// inheritance rule (a child of an approximated leaf never inherits), and sweeps that start
/// while n ≤ budget (52 evaluations for a budget of 50). In the default sequential batching
/// the model is refitted before every decision on every result so far, so BaMSOO proposes
/// one point at a time; ``SweepBatching/sweep`` fits once per sweep and proposes the
/// sweep's evaluations together.
///
/// - Complexity: one model fit per decision (sequential) or per sweep.
public struct BaMSOO<Model: ConfidenceModel>: Proposer {
  private var engine: TreeSearchEngine<Model>
  public var name: String { "bamsoo" }
  /// True when a budget is set and may be overshot: it is checked only when a sweep starts, as recorded
  /// (see ``Proposer/ownsBudget``); false under `budget = strict`, where the simulator caps the run.
  public var ownsBudget: Bool { options.budget != nil && options.overshootsBudget }

  /// The options BaMSOO uses unless told otherwise: the recorded ones (n ≤ budget).
  public static func recordedOptions(budget: Int?) -> TreeSearchOptions {
    TreeSearchOptions(budget: budget, loopCondition: .atMostBudget)
  }

  /// - Parameters:
  ///   - model: gives the confidence bounds (a GP through ``PosteriorConfidence``, or ``RecordedConfidence``).
  ///   - eta: η ∈ (0, 1] of B_N (the recorded run used 1).
  /// - Throws: ``LabError`` `.invalidInput` for K < 2, a budget below 1, or η outside (0, 1].
  public init(space: SearchSpace, model: Model, eta: Double = 1, options: TreeSearchOptions) throws {
    engine = try TreeSearchEngine(space: space, options: options, model: model, eta: eta, algorithm: "bamsoo")
  }

  public var tree: PartitionTree { engine.tree }
  public var evaluations: Int { engine.evaluations }
  public var loop: Int { engine.loop }
  public var isFinished: Bool { engine.finished }
  /// f⁺, the best score so far (evaluated or approximated).
  public var bestScore: Double { engine.fPlus }
  public var options: TreeSearchOptions { engine.options }

  public mutating func propose(pending: [Point], using rng: inout SeededGenerator) throws -> Proposal? {
    try engine.propose(using: &rng)
  }

  public mutating func observe(_ observation: Observation) throws {
    try engine.observe(observation)
  }

  public mutating func takeApproximations() -> [Approximation] {
    engine.takeApproximations()
  }
}
