import LabCore
import Testing

@testable import LabOptimizers

/// CMA-ES against the `cmaes` library (CyberAgentAILab, v0.13.1, in ~/.cache/hpolab/venv-peers), an
/// independent implementation of Hansen (2016): the expected numbers below are its `CMA` object's fields.
@Suite struct CMAESTests {
  @Test func strategyParametersForTwoDimensionsAreTheTutorials() {
    let s = CMAState(mean: [0.5, 0.5], sigma: 1.0 / 6, lambda: CMAES.defaultPopulation(dimension: 2))
    #expect(s.lambda == 6 && s.mu == 3)
    let expected: [(Double, Double)] = [
      (s.muEff, 2.0286114646100617), (s.c1, 0.1548153998964136), (s.cMu, 0.057859085071916304),
      (s.cSigma, 0.44620498737831715), (s.dSigma, 1.4462049873783172), (s.cc, 0.6245545390268264), (s.chiN, 1.254272742818995),
    ]
    for (a, b) in expected { #expect(abs(a - b) < 1e-12) }
    let w = [0.63704257, 0.28457026, 0.07838717, -0.28638378, -0.76495809, -1.15598178]
    for (a, b) in zip(s.weights, w) { #expect(abs(a - b) < 1e-8) }
    // d = 6: λ = 4 + ⌊3 ln 6⌋ = 9, and the middle weight is exactly 0.
    let s6 = CMAState(mean: [Double](repeating: 0.5, count: 6), sigma: 1.0 / 6, lambda: CMAES.defaultPopulation(dimension: 6))
    #expect(s6.lambda == 9 && s6.weights[4] == 0)
    #expect(abs(s6.weights[0] - 0.49373838) < 1e-8 && abs(s6.weights[8] - -0.74506986) < 1e-8)
  }

  @Test func oneGenerationUpdatesMeanStepSizeAndCovarianceAsCmaesDoes() {
    var s = CMAState(mean: [0.5, 0.5], sigma: 1.0 / 6, lambda: 6)
    let xs: [[Double]] = [[0.4, 0.6], [0.55, 0.45], [0.7, 0.7], [0.3, 0.35], [0.5, 0.52], [0.62, 0.41]]
    let f = { (x: [Double]) in (x[0] - 0.2) * (x[0] - 0.2) + 3 * (x[1] - 0.3) * (x[1] - 0.3) }
    s.tell(xs.map { ($0, f($0)) })
    let expected: [(Double, Double)] = [
      (s.mean[0], 0.39622646), (s.mean[1], 0.38316026), (s.sigma, 0.16093335751316007),
      (s.covariance[0], 0.96539794), (s.covariance[1], 0.13170027), (s.covariance[2], 0.13170027), (s.covariance[3], 0.93600546),
      (s.pSigma[0], -0.7384165), (s.pSigma[1], -0.83139107), (s.pc[0], -0.82194772), (s.pc[1], -0.92543976),
    ]
    for (i, (a, b)) in expected.enumerated() { #expect(abs(a - b) < 1e-7, "field \(i): \(a) vs \(b)") }
  }

  @Test func jacobiFindsTheEigenpairsOfASymmetricMatrix() {
    // [[2, 1], [1, 2]]: eigenvalues 1 and 3, eigenvectors (1, −1)/√2 and (1, 1)/√2 (by hand).
    let e = SymmetricEigen([2, 1, 1, 2], order: 2)
    #expect(abs(e.values[0] - 1) < 1e-14 && abs(e.values[1] - 3) < 1e-14)
    #expect(abs(abs(e.vectors[0]) - 0.5.squareRoot()) < 1e-14 && abs(e.vectors[0] + e.vectors[2]) < 1e-14)
    // A 3×3 matrix: B·diag(λ)·Bᵀ rebuilds it, and B is orthonormal.
    let a: [Double] = [4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 1]
    let f = SymmetricEigen(a, order: 3)
    for i in 0..<3 {
      for j in 0..<3 {
        var r = 0.0, o = 0.0
        for k in 0..<3 {
          r += f.vectors[i * 3 + k] * f.values[k] * f.vectors[j * 3 + k]
          o += f.vectors[k * 3 + i] * f.vectors[k * 3 + j]
        }
        #expect(abs(r - a[i * 3 + j]) < 1e-13 && abs(o - (i == j ? 1 : 0)) < 1e-13)
      }
    }
    // Trace 8 and determinant 4·2.96 − 0.9 − 0.65 = 10.29 (cofactors, by hand): the eigenvalues' sum and product.
    #expect(abs(f.values.reduce(0, +) - 8) < 1e-13 && abs(f.values.reduce(1, *) - 10.29) < 1e-12)
  }

  @Test func mirroringReflectsIntoTheCube() {
    let cases: [(Double, Double)] = [(0.3, 0.3), (1.2, 0.8), (-0.3, 0.3), (2.5, 0.5), (-1.25, 0.75), (1, 1), (0, 0)]
    for (x, y) in cases { #expect(abs(CMAES.mirror(x) - y) < 1e-15, "\(x)") }
  }

  @Test(arguments: [CMAES.BoundHandling.resample, .mirror])
  func convergesOnASphereWithItsMinimumInsideTheCube(bounds: CMAES.BoundHandling) throws {
    // f = Σ (x_i − 0.3)², minimum 0 at 0.3 (by construction); 600 evaluations take CMA-ES below 1e-6 in 4-D.
    let space = try SearchSpace((0..<4).map { Parameter("x\($0)", .float, lower: 0, upper: 1) })
    var o = CMAES.Options()
    o.bounds = bounds
    var cma = try CMAES(space: space, options: o)
    #expect(cma.population == 8)
    var rng = SeededGenerator(seed: 5)
    var best = Double.infinity
    for trial in 0..<600 {
      let p = try #require(try cma.propose(pending: [], using: &rng))
      #expect(space.contains(p.point, tolerance: 0))
      let v = p.point.unit.reduce(0) { $0 + ($1 - 0.3) * ($1 - 0.3) }
      best = min(best, v)
      try cma.observe(Observation(trial: trial, point: p.point, result: .value(-v)))
    }
    #expect(best < 1e-6)
    #expect(cma.generation == 600 / 8)
  }

  @Test func aGenerationIsUpdatedByItsFirstLambdaSuccessesAndLateMembersAreDropped() throws {
    let space = try SearchSpace([Parameter("x", .float, lower: 0, upper: 1), Parameter("y", .float, lower: 0, upper: 1)])
    var cma = try CMAES(space: space)
    var rng = SeededGenerator(seed: 2)
    // Ten proposals of generation 0 (λ = 6): never withheld.
    let drawn = try (0..<10).map { _ in try #require(try cma.propose(pending: [], using: &rng)) }
    #expect(drawn.allSatisfy { $0.info["generation"] == "0" })
    // One failure does not count; the sixth success updates.
    try cma.observe(Observation(trial: 0, point: drawn[0].point, result: .failed(FailureReason("collapsed"))))
    for i in 1...5 { try cma.observe(Observation(trial: i, point: drawn[i].point, result: .value(Double(i)))) }
    #expect(cma.generation == 0)
    try cma.observe(Observation(trial: 6, point: drawn[6].point, result: .value(6)))
    #expect(cma.generation == 1)
    // Late members of generation 0 are ignored; the next proposal is of generation 1.
    for i in 7..<10 { try cma.observe(Observation(trial: i, point: drawn[i].point, result: .value(0))) }
    #expect(cma.generation == 1)
    #expect(try cma.propose(pending: [], using: &rng)?.info["generation"] == "1")
  }

  @Test func ipopRestartsWithADoubledPopulationOnAConstantObjective() throws {
    // A constant f triggers TolFun after 10 + ⌈30·2/6⌉ = 20 generations; IPOP then doubles λ.
    let space = try SearchSpace([Parameter("x", .float, lower: 0, upper: 1), Parameter("y", .float, lower: 0, upper: 1)])
    var o = CMAES.Options()
    o.restarts = .ipop
    var cma = try CMAES(space: space, options: o)
    var rng = SeededGenerator(seed: 9)
    for trial in 0..<(6 * 22) {
      let p = try #require(try cma.propose(pending: [], using: &rng))
      try cma.observe(Observation(trial: trial, point: p.point, result: .value(1)))
    }
    #expect(cma.restartCount == 1 && cma.population == 12)
  }
}
