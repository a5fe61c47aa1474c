// Notation
//   u ∈ [0, 1]^d           points as the GP sees them (Point.unit); integers are relaxed here and truncated by the space
//   D = {(u_i, y_i)}       completed trials; y is the objective to MAXIMISE (Observation.value)
//   failed trials          enter D with y = min over successful y (the worst value seen), once one exists
//   P = {p_j}              pending points (running on other workers)
//   lie                    a made-up y for p_j: min / mean / max of y (constant liar) or μ(p_j) (kriging believer)

import LabCore
import LabGaussianProcess
import LabNumerics

/// What a made-up value for a pending point is, in the constant-liar strategy.
public enum ConstantLie: String, Sendable, Hashable, Codable, CaseIterable {
  /// The worst value observed (pessimistic: spreads the batch most).
  case min
  /// The mean of the values observed.
  case mean
  /// The best value observed (optimistic).
  case max
}

/// How ``BayesOptProposer`` accounts for points still being evaluated by other workers.
public enum PendingStrategy: Sendable, Hashable, Codable, CustomStringConvertible {
  /// Condition the GP on each pending point with a constant value (Ginsbourger, Le Riche and Carraro 2010).
  case constantLiar(ConstantLie)
  /// Condition the GP on each pending point with its own posterior mean (Ginsbourger et al. 2010).
  case krigingBeliever
  /// Multiply LogEI by a soft exclusion ball around each pending point (González et al. 2016).
  case localPenalization

  /// Parses `cl-min`, `cl-mean`, `cl-max`, `kb`, `lp`.
  /// - Throws: `.invalidInput`, listing the valid names.
  public init(named name: String) throws {
    switch name {
    case "cl-min": self = .constantLiar(.min)
    case "cl-mean": self = .constantLiar(.mean)
    case "cl-max": self = .constantLiar(.max)
    case "kb": self = .krigingBeliever
    case "lp": self = .localPenalization
    default:
      throw LabError(.invalidInput, "unknown pending-point strategy '\(name)'; valid: cl-min, cl-mean, cl-max, kb, lp")
    }
  }

  public var description: String {
    switch self {
    case .constantLiar(let lie): return "cl-\(lie.rawValue)"
    case .krigingBeliever: return "kb"
    case .localPenalization: return "lp"
    }
  }
}

/// Settings of ``BayesOptProposer``.
public struct BayesOptOptions: Sendable, Hashable, Codable {
  /// Latin-hypercube points proposed before the model is used (the recorded runs: 10).
  public var initialPoints: Int = 10
  /// The GP and its fit.
  public var gp: GPOptions = GPOptions()
  /// When the GP's hyperparameters are refitted; in between, new observations extend its Cholesky factor in O(n²).
  public var refit: GPRefitSchedule = GPRefitSchedule()
  /// The acquisition search.
  public var acquisition: AcquisitionOptions = AcquisitionOptions()
  /// How pending points are accounted for.
  public var pending: PendingStrategy = .krigingBeliever
  /// Two points closer than this (max-norm, unit cube) count as equal: never proposed while one is pending.
  public var duplicateTolerance: Double = 1e-9
  public init() {}

  /// The recorded BoTorch runs' settings: 10 LHS points, 5 restarts, 20 raw samples.
  public static var recorded: BayesOptOptions {
    var o = BayesOptOptions()
    o.acquisition = AcquisitionOptions(rawSamples: 20, restarts: 5)
    return o
  }
}

/// Bayesian optimisation as a proposer: Latin-hypercube points first, then the maximiser of LogEI under a GP.
///
/// Sequential BO is the case with no pending points; with pending points the
/// ``PendingStrategy`` decides how they shape the next proposal, and a
/// proposal never equals a pending point. Proposals carry
/// `info["phase"]` = `sampling` (design or random points) or `optimization`
/// (model-based), like the recorded traces.
///
/// - Failed trials are imputed with the worst value observed so far (the
///   model learns to avoid the region); before any success they are ignored.
/// - While fewer than two trials have completed after the design is used
///   up (many workers), proposals are uniform random points.
/// - The GP hyperparameters of each fit warm-start the next; fits follow
///   ``BayesOptOptions/refit`` (every step below 100 observations by default),
///   and in between each new observation extends the Cholesky factor.
///
/// References: Jones, Schonlau and Welch (1998), "Efficient global
/// optimization of expensive black-box functions", J. Global Optim. 13;
/// Ament et al. (2023) for LogEI; Balandat et al. (2020), "BoTorch", NeurIPS,
/// for the acquisition search; Ginsbourger et al. (2010), "Kriging is
/// well-suited to parallelize optimization", and González et al. (2016) for
/// pending points.
/// - Complexity: per model-based proposal, a GP fit (O(n³) per likelihood
///   evaluation) or, between fits, O(n²) per new observation and per pending
///   point; and one acquisition search (O((raw + restarts·iterations)·n²)).
public struct BayesOptProposer: Proposer, Sendable {
  public let space: SearchSpace
  public let options: BayesOptOptions
  public var name: String { "bo" }

  private var design: [[Double]]? = nil
  private var designUsed = 0
  private var inputs: [[Double]] = []
  private var results: [Double?] = []
  private var process: IncrementalGaussianProcess
  /// The GP of the last model-based proposal (nil before the first).
  public private(set) var lastModel: GaussianProcess? = nil

  /// - Throws: `.invalidInput` when `initialPoints` is negative or the acquisition search has no samples.
  public init(space: SearchSpace, options: BayesOptOptions = BayesOptOptions()) throws {
    guard options.initialPoints >= 0 else {
      throw LabError(.invalidInput, "bo: initialPoints must be ≥ 0, got \(options.initialPoints)")
    }
    guard options.acquisition.rawSamples >= 1, options.acquisition.restarts >= 1 else {
      throw LabError(
        .invalidInput,
        "bo: the acquisition search needs rawSamples ≥ 1 and restarts ≥ 1, got \(options.acquisition.rawSamples) and \(options.acquisition.restarts)"
      )
    }
    self.space = space
    self.options = options
    self.process = IncrementalGaussianProcess(options: options.gp, schedule: options.refit)
  }

  /// Hyperparameter fits so far (the rest of the model-based steps only extended the factor).
  public var fits: Int { process.fits }

  public mutating func propose(pending: [Point], using rng: inout SeededGenerator) throws -> Proposal? {
    let d = space.dimension
    let pendingUnits = pending.map(\.unit)
    if designUsed < options.initialPoints {
      if design == nil { design = latinHypercube(count: options.initialPoints, dimension: d, using: &rng) }
      while designUsed < options.initialPoints, let design {
        let u = design[designUsed]
        designUsed += 1
        if !isDuplicate(u, of: pendingUnits) { return Proposal(point: space.point(unit: u), info: ["phase": "sampling"]) }
      }
    }
    let (x, y) = trainingData()
    guard x.count >= 2 else {
      return Proposal(point: space.point(unit: randomPoint(avoiding: pendingUnits, using: &rng)), info: ["phase": "sampling"])
    }

    let gp = try process.update(x: x, y: y, using: &rng)
    lastModel = gp

    var acquisition: LogExpectedImprovement
    if pendingUnits.isEmpty {
      acquisition = LogExpectedImprovement(model: gp)
    } else {
      switch options.pending {
      case .constantLiar(let lie):
        let value: Double
        switch lie {
        case .min: value = y.min() ?? 0
        case .mean: value = y.reduce(0, +) / Double(y.count)
        case .max: value = y.max() ?? 0
        }
        let conditioned = try gp.conditioned(on: pendingUnits, values: [Double](repeating: value, count: pendingUnits.count))
        acquisition = LogExpectedImprovement(model: conditioned)
      case .krigingBeliever:
        let means = pendingUnits.map { gp.predictMean($0) }
        acquisition = LogExpectedImprovement(model: try gp.conditioned(on: pendingUnits, values: means))
      case .localPenalization:
        acquisition = LogExpectedImprovement(model: gp)
        acquisition.penalties = pendingUnits.map { p in
          let post = gp.predict(p)
          return LocalPenalty(
            center: p, mean: (post.mean - gp.outputMean) / gp.outputScale,
            standardDeviation: post.variance.squareRoot() / gp.outputScale)
        }
        acquisition.lipschitz = lipschitzEstimate(gp, using: &rng)
      }
    }

    let best = bestObservedInput(x: x, y: y)
    let candidates = AcquisitionOptimizer.maximize(
      acquisition, options: options.acquisition, extraStarts: best.map { [$0] } ?? [], using: &rng)
    for candidate in candidates where !isDuplicate(candidate.x, of: pendingUnits) {
      var u = candidate.x
      for l in 0..<d { u[l] = Swift.min(Swift.max(u[l], 0), 1) }
      return Proposal(point: space.point(unit: u), info: ["phase": "optimization"])
    }
    return Proposal(point: space.point(unit: randomPoint(avoiding: pendingUnits, using: &rng)), info: ["phase": "optimization"])
  }

  public mutating func observe(_ observation: Observation) throws {
    try validate(observation, proposer: name)
    guard observation.point.dimension == space.dimension else {
      throw LabError(
        .invalidInput,
        "bo: trial \(observation.trial) has a point of dimension \(observation.point.dimension), the space has \(space.dimension)")
    }
    inputs.append(observation.point.unit)
    results.append(observation.value)
  }

  // MARK: - Helpers

  /// Completed trials as GP data; failures imputed with the worst successful value (dropped while there is none).
  private func trainingData() -> (x: [[Double]], y: [Double]) {
    let successes = results.compactMap { $0 }
    guard let worst = successes.min() else { return ([], []) }
    var x: [[Double]] = []
    var y: [Double] = []
    x.reserveCapacity(inputs.count)
    y.reserveCapacity(inputs.count)
    for (u, r) in zip(inputs, results) {
      x.append(u)
      y.append(r ?? worst)
    }
    return (x, y)
  }

  private func bestObservedInput(x: [[Double]], y: [Double]) -> [Double]? {
    guard let i = y.indices.max(by: { y[$0] < y[$1] }) else { return nil }
    return x[i]
  }

  private func isDuplicate(_ u: [Double], of others: [[Double]]) -> Bool {
    others.contains { o in
      var far = false
      for l in 0..<u.count where abs(u[l] - o[l]) > options.duplicateTolerance {
        far = true
        break
      }
      return !far
    }
  }

  private func randomPoint(avoiding others: [[Double]], using rng: inout SeededGenerator) -> [Double] {
    while true {
      let u = (0..<space.dimension).map { _ in rng.uniform() }
      if !isDuplicate(u, of: others) { return u }
    }
  }

  /// 𝓛 = max ‖∇μ‖ over training points and 64 random points (standardised units); 10 when that is ~0 (González et al.).
  private func lipschitzEstimate(_ gp: GaussianProcess, using rng: inout SeededGenerator) -> Double {
    var work = PosteriorWorkspace(count: gp.count, dimension: gp.dimension)
    var best = 0.0
    var points = gp.trainingInputs
    for _ in 0..<64 { points.append((0..<gp.dimension).map { _ in rng.uniform() }) }
    for p in points {
      _ = gp.standardisedPosterior(p, workspace: &work, gradients: true)
      var norm2 = 0.0
      for g in work.meanGradient { norm2 += g * g }
      best = Swift.max(best, norm2.squareRoot())
    }
    return best < 1e-7 ? 10 : best
  }
}
