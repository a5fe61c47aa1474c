import LabCore
import LabNumerics
import Testing

@testable import LabGaussianProcess

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Deterministic pseudo-random points in [0, 1]^d (SplitMix64 through SeededGenerator).
func randomPoints(_ n: Int, _ d: Int, seed: UInt64) -> [[Double]] {
  var rng = SeededGenerator(seed: seed)
  return (0..<n).map { _ in (0..<d).map { _ in rng.uniform() } }
}

func branin(_ u: [Double]) -> Double {
  let x = -5 + 15 * u[0]
  let y = 15 * u[1]
  let b = 5.1 / (4 * Double.pi * Double.pi)
  let c = 5 / Double.pi
  let t = 1 / (8 * Double.pi)
  return (y - b * x * x + c * x - 6) * (y - b * x * x + c * x - 6) + 10 * (1 - t) * cos(x) + 10
}

@Suite struct IncrementalGaussianProcessTests {
  /// Growing a GP point by point at fixed hyperparameters gives the posterior of the GP built on all points at once.
  ///
  /// Independent check: the batch GP refactors K from scratch (a different order of operations),
  /// so agreement to 1e-9 means the appended rows are the Cholesky rows of K.
  @Test func appendingEqualsRefactoring() throws {
    let x = randomPoints(40, 2, seed: 3)
    let y = x.map(branin)
    let h = GPHyperparameters(inverseSquaredLengthScales: [6, 3], outputScale: 1.3, noise: 1e-4)
    var grown = try GaussianProcess(x: Array(x.prefix(25)), y: Array(y.prefix(25)), hyperparameters: h, constantMean: nil)
    grown = try grown.appending(Array(x[25...]), values: Array(y[25...])).model
    let whole = try GaussianProcess(x: x, y: y, hyperparameters: h, constantMean: nil)
    #expect(abs(grown.logMarginalLikelihood - whole.logMarginalLikelihood) < 1e-8 * abs(whole.logMarginalLikelihood))
    for p in randomPoints(30, 2, seed: 9) {
      let a = grown.predict(p)
      let b = whole.predict(p)
      #expect(abs(a.mean - b.mean) < 1e-8 * max(1, abs(b.mean)))
      #expect(abs(a.variance - b.variance) < 1e-8 * max(1, b.variance))
    }
  }

  /// The batch posterior (one blocked solve for many points) equals the one-point posterior.
  @Test func batchPredictionEqualsSinglePredictions() throws {
    let x = randomPoints(60, 3, seed: 5)
    let y = x.map { $0[0] * $0[0] - sin(6 * $0[1]) + $0[2] }
    let h = GPHyperparameters(inverseSquaredLengthScales: [4, 5, 2], outputScale: 1, noise: 1e-3)
    let gp = try GaussianProcess(x: x, y: y, hyperparameters: h)
    let queries = randomPoints(21, 3, seed: 8)  // 21: two full blocks of 8 and a remainder of 5
    let batch = gp.predict(batch: queries)
    for (c, q) in queries.enumerated() {
      let one = gp.predict(q)
      #expect(abs(batch.means[c] - one.mean) < 1e-12 * max(1, abs(one.mean)))
      #expect(abs(batch.variances[c] - one.variance) < 1e-10 * max(1, one.variance))
    }
  }

  /// A point the model predicts well has a small surprise; one far from its prediction a large one.
  @Test func surpriseSeparatesExpectedFromUnexpectedValues() throws {
    let x = randomPoints(30, 1, seed: 11)
    let y = x.map { sin(6 * $0[0]) }
    let h = GPHyperparameters(inverseSquaredLengthScales: [20], outputScale: 1, noise: 1e-4)
    let gp = try GaussianProcess(x: x, y: y, hyperparameters: h)
    let expected = try gp.appending([[0.5]], values: [sin(3)]).surprises[0]
    let unexpected = try gp.appending([[0.5]], values: [sin(3) + 1]).surprises[0]
    #expect(expected < 1)
    #expect(unexpected > 100)
  }

  /// The mean-only prediction is the mean of the full prediction.
  @Test func meanOnlyPredictionEqualsTheFullMean() throws {
    let x = randomPoints(30, 2, seed: 21)
    let gp = try GaussianProcess(
      x: x, y: x.map(branin), hyperparameters: GPHyperparameters(inverseSquaredLengthScales: [5, 5], outputScale: 1, noise: 1e-4),
      constantMean: nil)
    for p in randomPoints(10, 2, seed: 22) { #expect(abs(gp.predictMean(p) - gp.predict(p).mean) < 1e-12 * max(1, abs(gp.predictMean(p)))) }
  }

  /// The schedule refits by the rule: every step below `everyStepBelow`, then at 50 % growth (20 → 30 points), not in between.
  @Test func scheduleRefitsOnGrowthOnly() throws {
    var model = IncrementalGaussianProcess(
      options: GPOptions(), schedule: GPRefitSchedule(everyStepBelow: 0, growth: 0.5, surpriseLimit: nil))
    let x = randomPoints(31, 2, seed: 30)
    let y = x.map(branin)
    var rng = SeededGenerator(seed: 1)
    _ = try model.update(x: Array(x.prefix(20)), y: Array(y.prefix(20)), using: &rng)
    #expect(model.fits == 1 && model.countAtFit == 20)
    let grown = try model.update(x: Array(x.prefix(29)), y: Array(y.prefix(29)), using: &rng)
    #expect(model.fits == 1, "29 < 1.5 · 20: no refit")
    #expect(grown.count == 29)
    _ = try model.update(x: Array(x.prefix(30)), y: Array(y.prefix(30)), using: &rng)
    #expect(model.fits == 2 && model.countAtFit == 30, "30 ≥ 1.5 · 20: refit")
    var every = IncrementalGaussianProcess(options: GPOptions(), schedule: .everyStep)
    _ = try every.update(x: Array(x.prefix(20)), y: Array(y.prefix(20)), using: &rng)
    _ = try every.update(x: Array(x.prefix(21)), y: Array(y.prefix(21)), using: &rng)
    #expect(every.fits == 2)
  }
}
