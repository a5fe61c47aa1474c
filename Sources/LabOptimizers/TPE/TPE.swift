// Notation
//   n          successful observations (failed trials are ignored, as Optuna ignores FAIL trials)
//   γ(n)       min(⌈0.1·n⌉, 25): the size of the good group (Optuna's default_gamma)
//   l, g       Parzen estimators of the good group and of the rest (plus pending points under the constant liar)
//   C          candidates drawn from l per proposal (Optuna: n_ei_candidates = 24)
//   score(u)   log l(u) − log g(u), which orders candidates as EI does (Bergstra et al. 2011, §4.1)

import LabCore

/// The tree-structured Parzen estimator (TPE) of Bergstra et al. (2011), with the defaults of Optuna 5.0's `TPESampler`.
///
/// Until `startup` results are in, proposals are uniform. Then the
/// successful observations are split by value into the best γ(n) and the
/// rest; a Parzen estimator is fitted to each (``ParzenEstimator``), `candidates`
/// points are drawn from the good one, and the one with the largest
/// log l − log g is proposed. Observations are "larger is better".
///
/// - `multivariate` (Optuna 5.0's default for one objective): one joint
///   estimator over all coordinates (Falkner et al. 2018); otherwise each
///   coordinate is chosen independently with its own 1-D estimators, as the
///   original TPE.
/// - `constantLiar` (Optuna 5.0's default): pending points join the bad
///   group, so parallel workers are steered away from each other's points;
///   they do not count towards n or γ(n).
/// - Integer parameters are relaxed to the unit cube and truncated by the
///   space on conversion, as for every hpolab optimiser (Optuna would use a
///   discretised kernel instead).
/// - Failed trials are dropped (Optuna ignores FAIL trials); non-finite values are refused.
/// - Never stops by itself: the simulator's budget ends the run.
///
/// References: Bergstra, Bardenet, Bengio and Kégl (2011), "Algorithms for
/// hyper-parameter optimization", NeurIPS; Watanabe (2023), "Tree-structured
/// Parzen estimator: understanding its algorithm components and their roles
/// for better empirical performance", arXiv:2304.11127.
/// - Complexity: O(C·n·d) per proposal (the log densities) plus O(d·n log n) to fit.
public struct TPE: Proposer, Sendable {
  /// TPE's settings; the defaults are Optuna 5.0's.
  public struct Options: Sendable, Hashable {
    /// Uniform proposals before the first model-based one (Optuna: `n_startup_trials = 10`).
    public var startup: Int = 10
    /// Candidates drawn from l per proposal (Optuna: `n_ei_candidates = 24`).
    public var candidates: Int = 24
    /// One joint estimator (true) or one per coordinate (false).
    public var multivariate: Bool = true
    /// Pending points join the bad group.
    public var constantLiar: Bool = true
    /// The prior kernel's weight before normalisation (Optuna: 1).
    public var priorWeight: Double = 1
    public init() {}
  }

  public let space: SearchSpace
  public let options: Options
  public var name: String { "tpe" }

  /// Successful observations: (trial, unit point, value), in the order told.
  private var observed: [(trial: TrialID, unit: [Double], value: Double)] = []

  /// - Throws: `.invalidInput` when `startup` is negative, `candidates` below 1 or the prior weight not positive.
  public init(space: SearchSpace, options: Options = Options()) throws {
    guard options.startup >= 0 else { throw LabError(.invalidInput, "tpe: startup must be ≥ 0, got \(options.startup)") }
    guard options.candidates >= 1 else { throw LabError(.invalidInput, "tpe: candidates must be ≥ 1, got \(options.candidates)") }
    guard options.priorWeight > 0, options.priorWeight.isFinite else {
      throw LabError(.invalidInput, "tpe: the prior weight must be a positive number, got \(options.priorWeight)")
    }
    self.space = space
    self.options = options
  }

  /// Optuna's `default_gamma`: min(⌈0.1·n⌉, 25).
  public static func gamma(_ n: Int) -> Int { min((n + 9) / 10, 25) }

  public mutating func propose(pending: [Point], using rng: inout SeededGenerator) throws -> Proposal? {
    let d = space.dimension
    guard observed.count >= options.startup, !observed.isEmpty else {
      return Proposal(point: space.point(unit: (0..<d).map { _ in rng.uniform() }), info: ["phase": "startup"])
    }
    // The good group: the γ(n) best, ties to the earlier trial; both groups in trial order.
    let ranked = observed.indices.sorted { a, b in
      observed[a].value != observed[b].value ? observed[a].value > observed[b].value : observed[a].trial < observed[b].trial
    }
    let nGood = Self.gamma(observed.count)
    let goodSet = Set(ranked.prefix(nGood))
    let byTrial = observed.indices.sorted { observed[$0].trial < observed[$1].trial }
    let good = byTrial.filter { goodSet.contains($0) }.map { observed[$0].unit }
    var bad = byTrial.filter { !goodSet.contains($0) }.map { observed[$0].unit }
    if options.constantLiar { bad += pending.map(\.unit) }

    if options.multivariate {
      let l = ParzenEstimator(observations: good, dimension: d, priorWeight: options.priorWeight)
      let g = ParzenEstimator(observations: bad, dimension: d, priorWeight: options.priorWeight)
      return Proposal(point: space.point(unit: Self.best(l: l, g: g, candidates: options.candidates, using: &rng)), info: ["phase": "tpe"])
    }
    var unit = [Double](repeating: 0, count: d)
    for i in 0..<d {
      let l = ParzenEstimator(observations: good.map { [$0[i]] }, dimension: 1, priorWeight: options.priorWeight)
      let g = ParzenEstimator(observations: bad.map { [$0[i]] }, dimension: 1, priorWeight: options.priorWeight)
      unit[i] = Self.best(l: l, g: g, candidates: options.candidates, using: &rng)[0]
    }
    return Proposal(point: space.point(unit: unit), info: ["phase": "tpe"])
  }

  /// The candidate drawn from l with the largest log l − log g (the first on ties).
  static func best(l: ParzenEstimator, g: ParzenEstimator, candidates: Int, using rng: inout SeededGenerator) -> [Double] {
    var bestPoint: [Double] = []
    var bestScore = -Double.infinity
    for _ in 0..<candidates {
      let u = l.sample(using: &rng)
      let score = l.logDensity(u) - g.logDensity(u)
      if bestPoint.isEmpty || score > bestScore {
        bestPoint = u
        bestScore = score
      }
    }
    return bestPoint
  }

  public mutating func observe(_ observation: Observation) throws {
    try validate(observation, proposer: name)
    guard observation.point.dimension == space.dimension else {
      throw LabError(
        .invalidInput,
        "tpe: trial \(observation.trial) has a point of dimension \(observation.point.dimension), the space has \(space.dimension)")
    }
    guard let value = observation.value else { return }
    observed.append((observation.trial, observation.point.unit, value))
  }
}
