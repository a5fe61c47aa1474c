import LabCore
import LabEvaluators
import LabNumerics
import Testing

@testable import LabOptimizers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small settings so that debug-build tests take seconds: 64 raw samples, 3 local searches.
func fastOptions(initial: Int = 6, pending: PendingStrategy = .krigingBeliever) -> BayesOptOptions {
  var o = BayesOptOptions()
  o.initialPoints = initial
  o.acquisition = AcquisitionOptions(rawSamples: 64, restarts: 3)
  o.pending = pending
  return o
}

/// Runs sequential BO on `function` (minimised) and returns the best value found.
func runSequential(_ function: TestFunction, seed: UInt64, budget: Int, options: BayesOptOptions) throws -> (
  best: Double, proposals: [Proposal]
) {
  var bo = try BayesOptProposer(space: function.space, options: options)
  var rng = SeededGenerator.stream(seed, StreamPurpose.proposer.rawValue)
  var best = Double.infinity
  var proposals: [Proposal] = []
  for trial in 0..<budget {
    let p = try #require(try bo.propose(pending: [], using: &rng))
    proposals.append(p)
    let v = function.value(function.space.configuration(for: p.point).values)
    best = min(best, v)
    try bo.observe(Observation(trial: trial, point: p.point, result: .value(-v)))
  }
  return (best, proposals)
}

@Suite struct LogEITests {
  /// Where EI is representable LogEI equals log(σ·h(z)); its gradient matches finite differences, with and without penalties.
  @Test func logEIEqualsLogOfEIAndItsGradientIsExact() throws {
    var rng = SeededGenerator(seed: 9)
    let x = (0..<12).map { _ in [rng.uniform(), rng.uniform(), rng.uniform()] }
    let y = x.map { -(($0[0] - 0.3) * ($0[0] - 0.3)) - 0.5 * ($0[1] - 0.6) * ($0[1] - 0.6) + 0.1 * $0[2] }
    let gp = try GaussianProcess.fit(x: x, y: y, using: &rng)
    var acq = LogExpectedImprovement(model: gp)
    var work = PosteriorWorkspace(count: gp.count, dimension: 3)
    var g = [Double](repeating: 0, count: 3)
    for _ in 0..<10 {
      let at = [rng.uniform(), rng.uniform(), rng.uniform()]
      let p = gp.predict(at)
      let mean = (p.mean - gp.outputMean) / gp.outputScale
      let sigma = (p.variance / (gp.outputScale * gp.outputScale)).squareRoot()
      let z = (mean - acq.incumbent) / sigma
      let ei = sigma * (Normal.pdf(z) + z * Normal.cdf(z))
      let value = acq.evaluate(at, workspace: &work, gradient: &g)
      if ei > 1e-300 { #expect(abs(value - log(ei)) < 1e-9 * max(1, abs(value))) }
    }
    acq.penalties = [LocalPenalty(center: [0.3, 0.6, 0.5], mean: 0.5, standardDeviation: 0.2)]
    acq.lipschitz = 3
    let at = [0.41, 0.37, 0.66]
    let value = acq.evaluate(at, workspace: &work, gradient: &g)
    #expect(abs(acq.values(at: [at])[0] - value) < 1e-9)
    for i in 0..<3 {
      let fd = centralDifference(at, i, 1e-6) { pt in
        var w = PosteriorWorkspace(count: gp.count, dimension: 3)
        var scratch = [Double](repeating: 0, count: 3)
        return acq.evaluate(pt, workspace: &w, gradient: &scratch)
      }
      #expect(abs(fd - g[i]) <= 1e-5 * max(1, abs(fd)), "∂/∂x\(i): \(g[i]) vs \(fd)")
    }
  }

  /// Next to a poor training point, where EI underflows to 0, LogEI stays finite and still ranks points.
  @Test func logEIStaysFiniteAndMonotoneWhereEIUnderflows() throws {
    let h = GPHyperparameters(inverseSquaredLengthScales: [4], outputScale: 1, noise: 1e-10)
    let gp = try GaussianProcess(x: [[0.0], [1.0]], y: [0, 1], hyperparameters: h)
    let acq = LogExpectedImprovement(model: gp)
    var work = PosteriorWorkspace(count: 2, dimension: 1)
    var g = [0.0]
    var previous = -Double.infinity
    var underflowed = 0
    // Moving away from the poor point x = 0 towards the incumbent x = 1 raises both μ and σ: LogEI must grow.
    for x in [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 0.2, 0.3] {
      let p = gp.predict([x])
      let sigma = (p.variance / (gp.outputScale * gp.outputScale)).squareRoot()
      let z = ((p.mean - gp.outputMean) / gp.outputScale - acq.incumbent) / sigma
      if sigma * Normal.eiFunction(z) == 0 { underflowed += 1 }
      let v = acq.evaluate([x], workspace: &work, gradient: &g)
      #expect(v.isFinite && v > previous, "LogEI at \(x) = \(v)")
      #expect(g[0] > 0, "gradient at \(x) = \(g[0])")
      previous = v
    }
    #expect(underflowed >= 3, "the test must reach the region where plain EI underflows")
  }
}

@Suite struct BayesOptProposerTests {
  /// On Branin, 8 LHS + 22 BO steps get within 0.05 of the optimum on at least 7 of 8 fixed seeds.
  @Test func reachesBraninsOptimumOnMostSeeds() throws {
    var hits = 0
    var regrets: [Double] = []
    for seed in UInt64(1)...8 {
      let r = try runSequential(TestFunction.branin, seed: seed, budget: 30, options: fastOptions(initial: 8))
      let regret = TestFunction.branin.regret(r.best)
      regrets.append(regret)
      if regret < 0.05 { hits += 1 }
    }
    #expect(hits >= 7, "regrets: \(regrets)")
  }

  /// The design points are tagged `sampling`, the model's proposals `optimization`; all lie in the space.
  @Test func proposalsCarryTheirPhaseAndStayInTheBox() throws {
    let r = try runSequential(TestFunction.himmelblau, seed: 3, budget: 9, options: fastOptions(initial: 5))
    #expect(r.proposals.prefix(5).allSatisfy { $0.info["phase"] == "sampling" })
    #expect(r.proposals.dropFirst(5).allSatisfy { $0.info["phase"] == "optimization" })
    #expect(r.proposals.allSatisfy { TestFunction.himmelblau.space.contains($0.point) })
  }

  /// A seed fully defines the run: two runs with the same seed propose identical points.
  @Test func sameSeedSameProposals() throws {
    let a = try runSequential(TestFunction.branin, seed: 42, budget: 10, options: fastOptions(initial: 5))
    let b = try runSequential(TestFunction.branin, seed: 42, budget: 10, options: fastOptions(initial: 5))
    #expect(a.proposals == b.proposals)
  }

  /// With the point BO would propose marked pending, every strategy proposes something else.
  @Test(arguments: [
    PendingStrategy.constantLiar(.min), .constantLiar(.mean), .constantLiar(.max), .krigingBeliever, .localPenalization,
  ])
  func pendingStrategiesNeverProposeAPendingPoint(strategy: PendingStrategy) throws {
    let f = TestFunction.branin
    var bo = try BayesOptProposer(space: f.space, options: fastOptions(initial: 5, pending: strategy))
    var rng = SeededGenerator(seed: 7)
    for trial in 0..<8 {
      let p = try #require(try bo.propose(pending: [], using: &rng))
      try bo.observe(Observation(trial: trial, point: p.point, result: .value(-f.value(p.point.base))))
    }
    var probe = bo
    var probeRng = rng
    let favourite = try #require(try probe.propose(pending: [], using: &probeRng)).point
    var pending = [favourite]
    for _ in 0..<3 {
      var copy = rng
      let next = try #require(try bo.propose(pending: pending, using: &copy)).point
      for q in pending {
        let gap = zip(next.unit, q.unit).map { abs($0 - $1) }.max() ?? 0
        #expect(gap > 1e-6, "\(strategy) proposed \(next), pending \(q)")
      }
      pending.append(next)
    }
  }

  /// Duplicate design points and repeated observations (a singular kernel matrix) do not stop the proposer.
  @Test func duplicateObservationsAreHandled() throws {
    let f = TestFunction.branin
    var bo = try BayesOptProposer(space: f.space, options: fastOptions(initial: 0))
    let p = f.space.point(unit: [0.3, 0.3])
    let q = f.space.point(unit: [0.7, 0.2])
    for trial in 0..<6 {
      let point = trial.isMultiple(of: 2) ? p : q
      try bo.observe(Observation(trial: trial, point: point, result: .value(-f.value(point.base))))
    }
    var rng = SeededGenerator(seed: 1)
    let next = try #require(try bo.propose(pending: [], using: &rng))
    #expect(f.space.contains(next.point))
    #expect(next.info["phase"] == "optimization")
  }

  /// A failed trial is imputed with the worst value seen, so the model steers away from it; before any success it is ignored.
  @Test func failedTrialsAreImputedWithTheWorstValue() throws {
    let f = TestFunction.branin
    var bo = try BayesOptProposer(space: f.space, options: fastOptions(initial: 0))
    var rng = SeededGenerator(seed: 2)
    let bad = f.space.point(unit: [0.9, 0.9])
    try bo.observe(Observation(trial: 0, point: bad, result: .failed(FailureReason("collapsed"))))
    // Nothing to model yet: a random point, tagged sampling.
    #expect(try bo.propose(pending: [], using: &rng)?.info["phase"] == "sampling")
    let good = [f.space.point(unit: [0.2, 0.5]), f.space.point(unit: [0.5, 0.2]), f.space.point(unit: [0.5, 0.5])]
    for (i, p) in good.enumerated() { try bo.observe(Observation(trial: i + 1, point: p, result: .value(-f.value(p.base)))) }
    _ = try bo.propose(pending: [], using: &rng)
    let model = try #require(bo.lastModel)
    #expect(model.count == 4)
    let worst = good.map { -f.value($0.base) }.min() ?? 0
    #expect(model.outputs[0] == worst)
  }

  /// A non-finite value is rejected, and the message names the proposer and the trial.
  @Test func nonFiniteObservationIsRejectedNamingTheTrial() throws {
    var bo = try BayesOptProposer(space: TestFunction.branin.space)
    let p = TestFunction.branin.space.point(unit: [0.5, 0.5])
    do {
      try bo.observe(Observation(trial: 17, point: p, result: .value(.infinity)))
      Issue.record("expected an error")
    } catch let error as LabError {
      #expect(error.code == .invalidInput)
      #expect(error.message.contains("trial 17"))
      #expect(error.message.hasPrefix("bo:"))
    }
  }

  /// Strategy names parse, and an unknown one lists the valid names.
  @Test func pendingStrategyNamesRoundTrip() throws {
    for s in [PendingStrategy.constantLiar(.min), .constantLiar(.mean), .constantLiar(.max), .krigingBeliever, .localPenalization] {
      #expect(try PendingStrategy(named: s.description) == s)
    }
    #expect(throws: LabError.self) { try PendingStrategy(named: "qei") }
  }
}
