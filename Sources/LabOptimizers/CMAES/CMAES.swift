// Notation
//   u ∈ [0, 1]^d    the unit cube CMA-ES searches (the space converts; integers are truncated)
//   λ, σ₀           population size (default 4 + ⌊3 ln d⌋) and initial step size (default 1/6, Optuna's min range / 6)
//   g               the generation a proposal was drawn in (its tag); CMAState.generation counts updates
//   f               −value: CMA-ES minimises

import LabCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// CMA-ES (Hansen 2016) on the unit cube, asked one point at a time, with the generation rule of Optuna's `CmaEsSampler`.
///
/// **Generations under workers.** Every proposal is drawn from the current
/// distribution and tagged with its generation. A generation is updated as
/// soon as λ of its members have *succeeded*, in the order they are told;
/// members of an older generation that finish later, and failed trials, are
/// not used for the update (they still count for the run's best). Proposals
/// are never withheld, so no worker waits for a generation: with W = λ in
/// sync mode each batch is exactly one generation; with W < λ a generation
/// spans several batches; with W > λ (or async, where a generation is told
/// as its members finish) some members are drawn beyond λ and the first λ
/// successes decide. `population = workers` sets λ = max(W, 4 + ⌊3 ln d⌋), so
/// that one generation fills the workers.
///
/// **Bounds** (`bounds = resample`, the default, as the `cmaes` library): a draw
/// outside the cube is redrawn, up to 100 times, and then clipped; the clipped
/// point is what is evaluated and told. `bounds = mirror` reflects each
/// coordinate back into [0, 1] instead. A point equal to a pending one is
/// redrawn (so no point is proposed twice while pending).
///
/// **Restarts** (`restarts = ipop`, off by default): when one of the `cmaes`
/// library's stopping rules fires (``CMAState/shouldStop``), CMA-ES restarts
/// from a uniform mean with σ₀ and λ doubled (Auger and Hansen 2005). A state
/// that stops being finite is restarted with the same λ in either case.
///
/// Differences from Optuna: no random start-up trial (Optuna's first trial is
/// random only so that it can infer the search space); integers are relaxed,
/// not handled by a margin.
///
/// References: Hansen (2016), "The CMA evolution strategy: a tutorial",
/// arXiv:1604.00772; Auger and Hansen (2005), "A restart CMA evolution
/// strategy with increasing population size", CEC.
/// - Complexity: O(d²) per proposal; O(λ·d² + d³) per generation update.
public struct CMAES: Proposer, Sendable {
  /// How draws outside the unit cube are handled.
  public enum BoundHandling: String, Sendable, Hashable, CaseIterable {
    /// Redraw up to 100 times, then clip (the `cmaes` library's rule).
    case resample
    /// Reflect each coordinate into [0, 1].
    case mirror
  }

  /// What happens when a run of CMA-ES has converged.
  public enum RestartRule: String, Sendable, Hashable, CaseIterable {
    /// Keep going (Optuna's default).
    case none
    /// Restart with a doubled population from a uniform mean (IPOP-CMA-ES).
    case ipop
  }

  /// CMA-ES's settings.
  public struct Options: Sendable, Hashable {
    /// λ; `nil`: 4 + ⌊3 ln d⌋.
    public var population: Int? = nil
    /// σ₀, as a fraction of the unit cube.
    public var sigma0: Double = 1.0 / 6
    public var bounds: BoundHandling = .resample
    public var restarts: RestartRule = .none
    public init() {}
  }

  public let space: SearchSpace
  public let options: Options
  public var name: String { "cmaes" }
  /// The λ of the first run: 4 + ⌊3 ln d⌋ unless given.
  public let initialPopulation: Int

  private var state: CMAState
  /// The generation tag of the state (unique across restarts).
  private var tag = 0
  /// Outstanding proposals: unit point → tag.
  private var outstanding: [[Double]: Int] = [:]
  /// Successful members of the current tag, in the order told.
  private var members: [(x: [Double], f: Double)] = []
  /// Restarts so far.
  public private(set) var restartCount = 0

  /// The default population size, 4 + ⌊3 ln d⌋ (Hansen 2016, eq. 48).
  public static func defaultPopulation(dimension d: Int) -> Int { 4 + Int((3 * log(Double(d))).rounded(.down)) }

  /// - Throws: `.invalidInput` for λ < 2 or σ₀ outside (0, 1].
  public init(space: SearchSpace, options: Options = Options()) throws {
    let lambda = options.population ?? Self.defaultPopulation(dimension: space.dimension)
    guard lambda >= 2 else { throw LabError(.invalidInput, "cmaes: the population must be at least 2, got \(lambda)") }
    guard options.sigma0 > 0, options.sigma0 <= 1 else {
      throw LabError(.invalidInput, "cmaes: sigma0 must lie in (0, 1], got \(options.sigma0)")
    }
    self.space = space
    self.options = options
    initialPopulation = lambda
    state = CMAState(mean: [Double](repeating: 0.5, count: space.dimension), sigma: options.sigma0, lambda: lambda)
  }

  /// λ of the current run (doubles at each IPOP restart).
  public var population: Int { state.lambda }
  /// Completed generation updates since the last restart.
  public var generation: Int { state.generation }

  public mutating func propose(pending: [Point], using rng: inout SeededGenerator) throws -> Proposal? {
    let taken = Set(pending.map(\.unit))
    var u = draw(using: &rng)
    var tries = 0
    while taken.contains(u) && tries < 100 {
      u = draw(using: &rng)
      tries += 1
    }
    if taken.contains(u) {
      // A collapsed distribution on a pending point: fall back to a uniform draw.
      u = (0..<space.dimension).map { _ in rng.uniform() }
    }
    outstanding[u] = tag
    return Proposal(point: space.point(unit: u), info: ["generation": String(tag), "population": String(state.lambda)])
  }

  /// One draw from N(m, σ²C) brought into the cube by the bound rule.
  private func draw(using rng: inout SeededGenerator) -> [Double] {
    let d = space.dimension
    func sample() -> [Double] {
      let y = state.sampleY((0..<d).map { _ in rng.normal() })
      return (0..<d).map { state.mean[$0] + state.sigma * y[$0] }
    }
    switch options.bounds {
    case .resample:
      for _ in 0..<100 {
        let x = sample()
        if x.allSatisfy({ $0 >= 0 && $0 <= 1 }) { return x }
      }
      return sample().map { min(max($0, 0), 1) }
    case .mirror:
      return sample().map(Self.mirror)
    }
  }

  /// x reflected into [0, 1] (period 2: 1.2 → 0.8, −0.3 → 0.3, 2.5 → 0.5).
  static func mirror(_ x: Double) -> Double {
    guard x.isFinite else { return 0.5 }
    let r = x - 2 * (x / 2).rounded(.down)  // in [0, 2)
    return r <= 1 ? r : 2 - r
  }

  public mutating func observe(_ observation: Observation) throws {
    try validate(observation, proposer: name)
    guard observation.point.dimension == space.dimension else {
      throw LabError(
        .invalidInput,
        "cmaes: trial \(observation.trial) has a point of dimension \(observation.point.dimension), the space has \(space.dimension)")
    }
    let u = observation.point.unit
    guard let drawnIn = outstanding.removeValue(forKey: u) else { return }
    guard drawnIn == tag, let value = observation.value else { return }
    members.append((u, -value))
    guard members.count == state.lambda else { return }
    state.tell(members)
    members = []
    tag += 1
    outstanding = outstanding.filter { $0.value == tag }  // older members can no longer be used
    if !state.isFinite {
      restart(lambda: state.lambda, mean: [Double](repeating: 0.5, count: space.dimension))
    } else if options.restarts == .ipop && state.shouldStop {
      restartCount += 1
      restart(lambda: min(state.lambda * 2, 1 << 16), mean: nil)
    }
  }

  /// Starts a fresh run with `lambda`, from `mean` or (nil) a uniform mean drawn from a stream of the restart count.
  private mutating func restart(lambda: Int, mean: [Double]?) {
    var rng = SeededGenerator.stream(0x636D_6165_735F_6970, UInt64(restartCount))
    let m = mean ?? (0..<space.dimension).map { _ in rng.uniform() }
    state = CMAState(mean: m, sigma: options.sigma0, lambda: lambda)
  }
}
