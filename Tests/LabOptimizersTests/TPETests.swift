import Foundation
import LabCore
import Testing

@testable import LabOptimizers

/// TPE against Optuna 5.0's own Parzen estimator: the expected numbers below were computed with
/// optuna.samplers._tpe.parzen_estimator._ParzenEstimator (prior weight 1, magic clip, no endpoints,
/// default_weights) on FloatDistribution(0, 1), in ~/.cache/hpolab/venv-peers (optuna 5.0.0, numpy 2.4.6).
@Suite struct TPETests {
  @Test func gammaIsOptunasDefault() {
    // min(ceil(0.1 n), 25), by hand.
    #expect([1, 9, 10, 11, 20, 21, 249, 250, 251, 1000].map(TPE.gamma) == [1, 1, 1, 2, 2, 3, 25, 25, 25, 25])
  }

  @Test func weightsRampBeforeTheNewest25() {
    #expect(ParzenEstimator.defaultWeights(3) == [1, 1, 1])
    // numpy.linspace(1/30, 1, 5) then 25 ones.
    let w = ParzenEstimator.defaultWeights(30)
    #expect(w.count == 30 && w[25...].allSatisfy { $0 == 1 })
    let ramp = [1.0 / 30, 0.275, 0.516_666_666_666_666_7, 0.758_333_333_333_333_3, 1]  // step (1 − 1/30)/4
    for (a, b) in zip(w, ramp) { #expect(abs(a - b) < 1e-12) }
  }

  @Test func bandwidthsAreOptunasNeighbourGapsWithTheMagicClip() {
    // Optuna: sigma [0.3 0.4 0.4] for a, [0.2 0.65 0.65] for b (the clip at 1/min(100, 3 + 2) = 0.2 raises 0.05).
    let a = ParzenEstimator.bandwidths([0.2, 0.5, 0.9])
    let b = ParzenEstimator.bandwidths([0.1, 0.15, 0.8])
    for (x, y) in zip(a + b, [0.3, 0.4, 0.4, 0.2, 0.65, 0.65]) { #expect(abs(x - y) < 1e-12) }
    // One observation at 0.7: the larger gap to the cube's ends, 0.7.
    #expect(ParzenEstimator.bandwidths([0.7]) == [0.7])
  }

  @Test func logDensityMatchesOptunasParzenEstimator() {
    let pe = ParzenEstimator(observations: [[0.2, 0.1], [0.5, 0.15], [0.9, 0.8]], dimension: 2)
    let queries: [[Double]] = [[0, 0.5], [0.3, 0.12], [0.95, 0.99], [0.5, 0.5]]
    let optuna = [-0.56088982, 0.64296027, -0.23251793, -0.0061683]
    for (q, e) in zip(queries, optuna) { #expect(abs(pe.logDensity(q) - e) < 1e-7, "\(q)") }
    let one = ParzenEstimator(observations: [[0.7]], dimension: 1)
    #expect(abs(one.logDensity([0.1]) - -0.13932168) < 1e-7 && abs(one.logDensity([0.7]) - 0.06989616) < 1e-7)
    let prior = ParzenEstimator(observations: [], dimension: 1)
    #expect(abs(prior.logDensity([0.1]) - -0.0390222) < 1e-7 && abs(prior.logDensity([0.5]) - 0.0409778) < 1e-7)
  }

  @Test func thirtyObservationsUseTheRampAndTheNewestKernelsCountMost() {
    // numpy.random.RandomState(0).rand(30).
    let o = [
      0.5488135, 0.71518937, 0.60276338, 0.54488318, 0.4236548, 0.64589411, 0.43758721, 0.891773, 0.96366276, 0.38344152,
      0.79172504, 0.52889492, 0.56804456, 0.92559664, 0.07103606, 0.0871293, 0.0202184, 0.83261985, 0.77815675, 0.87001215,
      0.97861834, 0.79915856, 0.46147936, 0.78052918, 0.11827443, 0.63992102, 0.14335329, 0.94466892, 0.52184832, 0.41466194,
    ]
    let pe = ParzenEstimator(observations: o.map { [$0] }, dimension: 1)
    let optuna = [0.02053852, -1.62850864, 0.41704839]
    for (q, e) in zip([0.05, 0.33, 0.77], optuna) { #expect(abs(pe.logDensity([q]) - e) < 1e-6, "\(q)") }
    let expectedSigma = [0.03125, 0.06929525, 0.03715765, 0.03125, 0.03125]
    for (s, e) in zip(pe.bandwidths.prefix(5).map { $0[0] }, expectedSigma) { #expect(abs(s - e) < 1e-7) }
  }

  @Test func samplesStayInTheCubeAndFollowTheGoodGroup() {
    var rng = SeededGenerator(seed: 3)
    let pe = ParzenEstimator(observations: [[0.1, 0.1], [0.12, 0.08]], dimension: 2)
    let draws = (0..<2000).map { _ in pe.sample(using: &rng) }
    #expect(draws.allSatisfy { $0.allSatisfy { $0 >= 0 && $0 <= 1 } })
    // Two of three kernels sit near (0.1, 0.1) with σ = 1/4 (the clip): most draws fall in the lower-left quarter.
    let near = draws.filter { $0[0] < 0.5 && $0[1] < 0.5 }.count
    #expect(near > 1000)
  }

  @Test func findsBraninsBasinWithinItsBudget() throws {
    // Branin's minimum is 0.397887 (Dixon and Szegő 1978); 60 evaluations of TPE from 10 random ones get within 1.
    let space = try SearchSpace([Parameter("x1", .float, lower: -5, upper: 10), Parameter("x2", .float, lower: 0, upper: 15)])
    func branin(_ x: [Double]) -> Double {
      let b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
      let a = x[1] - b * x[0] * x[0] + c * x[0] - 6
      return a * a + 10 * (1 - t) * cos(x[0]) + 10
    }
    for multivariate in [true, false] {
      var o = TPE.Options()
      o.multivariate = multivariate
      var tpe = try TPE(space: space, options: o)
      var rng = SeededGenerator(seed: 11)
      var best = Double.infinity
      for trial in 0..<60 {
        let p = try #require(try tpe.propose(pending: [], using: &rng))
        #expect(p.info["phase"] == (trial < 10 ? "startup" : "tpe"))
        let v = branin(p.point.base)
        best = min(best, v)
        try tpe.observe(Observation(trial: trial, point: p.point, result: .value(-v)))
      }
      #expect(best < 0.397887 + 1, "multivariate \(multivariate): best \(best)")
    }
  }
}
