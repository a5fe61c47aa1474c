import LabCore
import LabNumerics
import LabOptimizers
import Testing

@testable import LabGaussianProcess

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Central finite difference of `f` along coordinate `i` of `x`, step `h`.
func centralDifference(_ x: [Double], _ i: Int, _ h: Double, _ f: ([Double]) -> Double) -> Double {
  var a = x
  var b = x
  a[i] += h
  b[i] -= h
  return (f(a) - f(b)) / (2 * h)
}

@Suite struct BayesOptGPTests {
  /// Two training points in 1-D, known hyperparameters: the posterior equals the 2 × 2 closed form.
  @Test(arguments: KernelKind.allCases)
  func posteriorMatchesTheClosedFormOnTwoPoints(kernel: KernelKind) throws {
    let h = GPHyperparameters(inverseSquaredLengthScales: [4], outputScale: 1.5, noise: 0.01)
    let x: [[Double]] = [[0.2], [0.7]]
    let y = [1.0, -1.0]  // standardised already: mean 0, population sd 1
    let gp = try GaussianProcess(x: x, y: y, hyperparameters: h, kernel: kernel)
    #expect(gp.outputMean == 0 && gp.outputScale == 1)
    func k(_ a: Double, _ b: Double) -> Double { 1.5 * kernel.profile(4 * (a - b) * (a - b)).value }
    let k11 = k(0.2, 0.2) + 0.01
    let k22 = k(0.7, 0.7) + 0.01
    let k12 = k(0.2, 0.7)
    let det = k11 * k22 - k12 * k12
    let inv = [[k22 / det, -k12 / det], [-k12 / det, k11 / det]]
    let xs = 0.45
    let ks = [k(xs, 0.2), k(xs, 0.7)]
    let alpha = [inv[0][0] * y[0] + inv[0][1] * y[1], inv[1][0] * y[0] + inv[1][1] * y[1]]
    let mean = ks[0] * alpha[0] + ks[1] * alpha[1]
    let quad = ks[0] * (inv[0][0] * ks[0] + inv[0][1] * ks[1]) + ks[1] * (inv[1][0] * ks[0] + inv[1][1] * ks[1])
    let variance = 1.5 - quad
    let p = gp.predict([xs])
    #expect(abs(p.mean - mean) < 1e-12)
    #expect(abs(p.variance - variance) < 1e-12)
    let batch = gp.predict(batch: [[xs], [0.2]])
    #expect(abs(batch.means[0] - mean) < 1e-12)
    #expect(abs(batch.variances[0] - variance) < 1e-12)
    let lml = -0.5 * (y[0] * alpha[0] + y[1] * alpha[1]) - 0.5 * log(det) - log(2 * Double.pi)
    #expect(abs(gp.logMarginalLikelihood - lml) < 1e-12)

    // With the constant mean fitted: m̂ = 1ᵀK⁻¹y / 1ᵀK⁻¹1, mean m̂ + k·K⁻¹(y − m̂).
    let yv = [2.0, 0.5]
    let fitted = try GaussianProcess(
      x: x, y: yv, hyperparameters: h, kernel: kernel, standardisation: (0, 1), constantMean: nil)
    let m = (inv[0][0] * yv[0] + inv[0][1] * yv[1] + inv[1][0] * yv[0] + inv[1][1] * yv[1])
      / (inv[0][0] + inv[0][1] + inv[1][0] + inv[1][1])
    #expect(abs(fitted.constantMean - m) < 1e-12 && abs(m) > 0.1)
    let c = [yv[0] - m, yv[1] - m]
    let beta = [inv[0][0] * c[0] + inv[0][1] * c[1], inv[1][0] * c[0] + inv[1][1] * c[1]]
    #expect(abs(fitted.predict([xs]).mean - (m + ks[0] * beta[0] + ks[1] * beta[1])) < 1e-12)
  }

  /// Outputs in another scale are standardised and predictions come back in that scale.
  @Test func predictionsAreInTheCallersScale() throws {
    let h = GPHyperparameters(inverseSquaredLengthScales: [4], outputScale: 1.5, noise: 0.01)
    let a = try GaussianProcess(x: [[0.2], [0.7]], y: [1, -1], hyperparameters: h)
    let b = try GaussianProcess(x: [[0.2], [0.7]], y: [105, 95], hyperparameters: h)
    #expect(b.outputMean == 100 && b.outputScale == 5)
    let pa = a.predict([0.3])
    let pb = b.predict([0.3])
    #expect(abs(pb.mean - (100 + 5 * pa.mean)) < 1e-10)
    #expect(abs(pb.variance - 25 * pa.variance) < 1e-10)
  }

  /// The analytic gradient of −(log marginal likelihood + log prior) matches central differences to 1e-5 (relative).
  @Test(arguments: [
    (KernelKind.matern52, true, GPPrior.optuna), (.rbf, true, .optuna), (.matern52, false, .optuna),
    (.matern52, true, .hvarfner), (.rbf, false, .hvarfner), (.matern52, true, .none),
  ], [true, false])
  func marginalLikelihoodGradientMatchesFiniteDifferences(settings: (KernelKind, Bool, GPPrior), fitsMean: Bool) {
    let (kernel, ard, prior) = settings
    var rng = SeededGenerator(seed: 11)
    let n = 12
    let d = 3
    var flat: [Double] = []
    var y: [Double] = []
    for _ in 0..<n {
      let x = (0..<d).map { _ in rng.uniform() }
      flat += x
      y.append(sin(6 * x[0]) + x[1] * x[1] - 0.5 * x[2] + 0.05 * rng.normal())
    }
    let (m, s) = GaussianProcess.standardisation(of: y)
    let ys = y.map { ($0 - m) / s }
    var options = GPOptions(kernel: kernel, ard: ard, prior: prior)
    options.fitsConstantMean = fitsMean
    let layout = RawLayout(dimension: d, options: options)
    var work = LikelihoodWorkspace(inputs: flat, count: n, dimension: d, y: ys)
    let raw = (0..<layout.count).map { i in [0.3, -0.7, 1.1, 0.2, -3.0][i % 5] }
    var g = [Double](repeating: 0, count: layout.count)
    let f0 = work.objective(raw: raw, layout: layout, options: options, gradient: &g)
    #expect(f0.isFinite)
    var scratch = g
    for i in 0..<layout.count {
      let fd = centralDifference(raw, i, 1e-6) { r in work.objective(raw: r, layout: layout, options: options, gradient: &scratch) }
      #expect(abs(fd - g[i]) <= 1e-5 * max(1, abs(fd)), "θ[\(i)]: analytic \(g[i]) vs finite difference \(fd)")
    }
  }

  /// Posterior mean and variance gradients with respect to x match central differences.
  @Test func posteriorGradientsMatchFiniteDifferences() throws {
    var rng = SeededGenerator(seed: 5)
    let x = (0..<15).map { _ in (0..<4).map { _ in rng.uniform() } }
    let y = x.map { $0[0] * 3 - $0[1] * $0[2] + cos(4 * $0[3]) }
    let gp = try GaussianProcess.fit(x: x, y: y, using: &rng)
    let at = [0.31, 0.52, 0.77, 0.14]
    let p = gp.predictWithGradient(at)
    for i in 0..<4 {
      let fm = centralDifference(at, i, 1e-6) { gp.predict($0).mean }
      let fv = centralDifference(at, i, 1e-6) { gp.predict($0).variance }
      #expect(abs(fm - p.meanGradient[i]) <= 1e-6 * max(1, abs(fm)))
      #expect(abs(fv - p.varianceGradient[i]) <= 1e-6 * max(1, abs(fv)))
    }
  }

  /// A fitted GP interpolates a smooth function: small error at held-out points, and the fit beats the default hyperparameters.
  @Test func fittingRaisesTheMarginalLikelihoodAndPredictsWell() throws {
    var rng = SeededGenerator(seed: 3)
    let f: ([Double]) -> Double = { 10 * sin(3 * $0[0]) + 5 * $0[1] * $0[1] }
    let x = latinHypercube(count: 25, dimension: 2, using: &rng)
    let y = x.map(f)
    let gp = try GaussianProcess.fit(x: x, y: y, using: &rng)
    let defaults = try GaussianProcess(x: x, y: y, hyperparameters: .defaults(dimension: 2))
    #expect(gp.logMarginalLikelihood > defaults.logMarginalLikelihood)
    var worst = 0.0
    for _ in 0..<20 {
      let t = [rng.uniform(), rng.uniform()]
      worst = max(worst, abs(gp.predict(t).mean - f(t)))
    }
    #expect(worst < 0.2, "largest held-out error \(worst) on a function of range ~15")
  }

  /// Duplicate inputs with no noise make K singular; the GP still factors it (jitter) and predicts.
  @Test func duplicateInputsAreHandled() throws {
    let h = GPHyperparameters(inverseSquaredLengthScales: [1, 1], outputScale: 1, noise: 0)
    let x: [[Double]] = [[0.5, 0.5], [0.5, 0.5], [0.1, 0.9]]
    let gp = try GaussianProcess(x: x, y: [1, 1, 0], hyperparameters: h)
    #expect(gp.jitter > 0)
    #expect(gp.predict([0.5, 0.5]).mean.isFinite)
    var rng = SeededGenerator(seed: 1)
    let fitted = try GaussianProcess.fit(x: x + x, y: [1, 1, 0, 1, 1.1, 0], using: &rng)
    #expect(fitted.predict([0.4, 0.6]).mean.isFinite)
  }

  /// Bad training data is an error that says what is wrong.
  @Test func badTrainingDataIsRejected() {
    var rng = SeededGenerator(seed: 1)
    #expect(throws: LabError.self) { try GaussianProcess.fit(x: [], y: [], using: &rng) }
    do {
      _ = try GaussianProcess.fit(x: [[0.1], [0.2]], y: [1, .nan], using: &rng)
      Issue.record("expected an error")
    } catch let error as LabError {
      #expect(error.code == .invalidInput)
      #expect(error.message.contains("output 1"))
    } catch { Issue.record("unexpected \(error)") }
  }
}
