// Notation
//   X ∈ [0,1]^{n×d}      training inputs (row i = x_i), stored row-major in `inputs`
//   y ∈ ℝⁿ               training outputs in the caller's scale
//   ȳ, σ_y               their mean and standard deviation; ỹ = (y − ȳ)/σ_y is what the GP models
//   λ ∈ ℝ^d, s, σ_n²     inverse squared length-scales, output scale, noise variance (standardised units)
//   K = s·M(X, X) + σ_n² I   the training covariance (n × n), K + δI = L Lᵀ (δ: Cholesky jitter), L row-packed
//   m                    constant prior mean of ỹ: 0, or m̂ = 1ᵀK⁻¹ỹ / 1ᵀK⁻¹1 (generalised least squares, profiled out)
//   α = K⁻¹ (ỹ − m)      posterior weights
//   k(x) ∈ ℝⁿ            k_j = s·m(r²(x, x_j))   (m(·) here is the kernel profile, see Kernel.swift)
//   w(x) = L⁻¹k(x)       the whitened covariances
//   posterior (latent f, standardised):  μ̃(x) = m + k·α,  ṽ(x) = s − w·w
//   original scale:       μ = ȳ + σ_y μ̃,  v = σ_y² ṽ
//   log p(ỹ | θ) = −½ (ỹ − m)ᵀα − Σ log L_ii − (n/2) log 2π
//
// Fitting (θ, the likelihood gradient, the prior): GaussianProcess+Fitting.swift and LikelihoodWorkspace.swift.
// Prediction: GaussianProcess+Prediction.swift. Adding points at fixed θ: GaussianProcess+Updating.swift.

import LabCore
import LabNumerics

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A Gaussian-process regression model on the unit cube: constant mean, ARD Matérn-5/2 or RBF kernel, homoscedastic noise.
///
/// Outputs are standardised (ȳ, σ_y); hyperparameters are fitted by maximising
/// the log marginal likelihood plus a prior (``GPPrior/optuna``) with analytic
/// gradients and the bounded quasi-Newton ``BoundedMinimizer``
/// (``fit(x:y:options:warmStart:using:)``). Between fits the model grows by
/// one point in O(n²) (``appending(_:value:)``), keeping its Cholesky factor.
/// Predictions are returned in the caller's scale; variances are those of the
/// latent function (without the noise term).
///
/// ```swift
/// var rng = SeededGenerator(seed: 1)
/// let gp = try GaussianProcess.fit(x: [[0.1], [0.5], [0.9]], y: [1, 2, 0], using: &rng)
/// let (mean, variance) = gp.predict([0.4])
/// ```
///
/// All linear algebra goes through LabNumerics' fixed-order kernels, so a model
/// gives the same bits on every CPU.
///
/// Reference: Rasmussen and Williams (2006), "Gaussian Processes for Machine
/// Learning", MIT Press, algorithm 2.1 and section 5.4.1.
/// - Complexity: fitting O(n³) per likelihood evaluation (Cholesky and inverse)
///   plus O(n²d); appending a point O(n² + n·d); prediction O(n·d + n²) per point.
public struct GaussianProcess: Sendable {
  /// Number of training points n.
  public var count: Int { outputs.count }
  /// Input dimension d.
  public let dimension: Int
  /// Training inputs, row-major n × d.
  public internal(set) var inputs: [Double]
  /// Training outputs in the caller's scale.
  public internal(set) var outputs: [Double]
  /// The sample mean ȳ subtracted before modelling.
  public internal(set) var outputMean: Double
  /// The scale σ_y divided by before modelling (1 when the outputs are constant).
  public internal(set) var outputScale: Double
  /// The fitted (or given) hyperparameters.
  public let hyperparameters: GPHyperparameters
  /// The kernel profile.
  public let kernel: KernelKind
  /// The jitter the Cholesky factorisation needed (0 normally; positive with duplicate inputs and tiny noise).
  public var jitter: Double { factor.jitter }
  /// The log marginal likelihood log p(ỹ | θ) of the standardised outputs at the hyperparameters.
  public internal(set) var logMarginalLikelihood: Double
  /// The constant prior mean m of the standardised outputs (0 unless fitted).
  public internal(set) var constantMean: Double
  /// Whether m is fitted (generalised least squares) each time the weights are recomputed, or held fixed.
  public internal(set) var fitsConstantMean: Bool
  /// α = K⁻¹(ỹ − m).
  @usableFromInline internal var alpha: [Double]
  /// L, row-packed.
  @usableFromInline internal var factor: PackedCholesky
  /// √λ_l per dimension.
  @usableFromInline internal let sqrtLambda: [Double]
  /// Training inputs scaled by √λ (row-major n × d), so that r² is a plain squared distance.
  @usableFromInline internal var scaledInputs: [Double]

  // MARK: - Construction

  /// A GP conditioned on (`x`, `y`) with the given hyperparameters (no fitting).
  ///
  /// - Parameters:
  ///   - standardisation: (ȳ, σ_y) to use; nil computes them from `y`.
  ///   - constantMean: the prior mean of the standardised outputs; nil fits it by generalised least squares.
  /// - Throws: ``LabError`` `.invalidInput` for empty, ragged or non-finite data; `.numerical` when K stays singular.
  public init(
    x: [[Double]], y: [Double], hyperparameters: GPHyperparameters, kernel: KernelKind = .matern52,
    standardisation: (mean: Double, scale: Double)? = nil, constantMean: Double? = 0
  ) throws {
    let d = try GaussianProcess.validate(x: x, y: y)
    guard hyperparameters.inverseSquaredLengthScales.count == d else {
      throw LabError(
        .invalidInput,
        "GaussianProcess: \(hyperparameters.inverseSquaredLengthScales.count) length-scales for \(d) input dimensions")
    }
    let (mean, scale) = standardisation ?? GaussianProcess.standardisation(of: y)
    var work = GaussianProcess.workspace(x: x, y: y, dimension: d, mean: mean, scale: scale)
    let factor = try work.factor(hyperparameters: hyperparameters, kernel: kernel)
    self.init(
      dimension: d, inputs: work.inputs, outputs: y, outputMean: mean, outputScale: scale,
      hyperparameters: hyperparameters, kernel: kernel, factor: factor, constantMean: constantMean)
  }

  /// The memberwise construction shared by the public initialisers: scales the inputs and computes α, m and log p.
  init(
    dimension: Int, inputs: [Double], outputs: [Double], outputMean: Double, outputScale: Double,
    hyperparameters: GPHyperparameters, kernel: KernelKind, factor: PackedCholesky, constantMean: Double?
  ) {
    self.dimension = dimension
    self.inputs = inputs
    self.outputs = outputs
    self.outputMean = outputMean
    self.outputScale = outputScale
    self.hyperparameters = hyperparameters
    self.kernel = kernel
    self.factor = factor
    self.fitsConstantMean = constantMean == nil
    self.constantMean = constantMean ?? 0
    self.alpha = []
    self.logMarginalLikelihood = 0
    let root = hyperparameters.inverseSquaredLengthScales.map { $0.squareRoot() }
    self.sqrtLambda = root
    var scaled = inputs
    for i in scaled.indices { scaled[i] *= root[i % dimension] }
    self.scaledInputs = scaled
    updateWeights()
  }

  /// Recomputes m (when fitted), α and log p(ỹ | θ) from the factor and the standardised outputs. O(n²).
  mutating func updateWeights() {
    let n = count
    let y = outputs.map { ($0 - outputMean) / outputScale }
    var m = constantMean
    if fitsConstantMean {
      var a = y
      var o = [Double](repeating: 1, count: n)
      factor.solve(&a)
      factor.solve(&o)
      var num = 0.0
      var den = 0.0
      for i in 0..<n {
        num += a[i]
        den += o[i]
      }
      m = den > 0 ? num / den : 0
    }
    let centred = y.map { $0 - m }
    var a = centred
    factor.solve(&a)
    var logDet = 0.0
    var quad = 0.0
    for i in 0..<n {
      logDet += log(factor[i, i])
      quad += centred[i] * a[i]
    }
    constantMean = m
    alpha = a
    logMarginalLikelihood = -0.5 * quad - logDet - 0.5 * Double(n) * log(2 * Double.pi)
  }

  /// The training inputs as rows.
  public var trainingInputs: [[Double]] {
    (0..<count).map { i in Array(inputs[(i * dimension)..<((i + 1) * dimension)]) }
  }

  // MARK: - Validation and standardisation

  static func validate(x: [[Double]], y: [Double]) throws -> Int {
    guard !x.isEmpty else { throw LabError(.invalidInput, "GaussianProcess: no training points") }
    guard x.count == y.count else {
      throw LabError(.invalidInput, "GaussianProcess: \(x.count) inputs but \(y.count) outputs")
    }
    let d = x[0].count
    guard d > 0 else { throw LabError(.invalidInput, "GaussianProcess: inputs have no coordinates") }
    for (i, row) in x.enumerated() {
      guard row.count == d else {
        throw LabError(.invalidInput, "GaussianProcess: input \(i) has \(row.count) coordinates, expected \(d)")
      }
      guard row.allSatisfy(\.isFinite) else {
        throw LabError(.invalidInput, "GaussianProcess: input \(i) is not finite: \(row)")
      }
    }
    if let i = y.firstIndex(where: { !$0.isFinite }) {
      throw LabError(.invalidInput, "GaussianProcess: output \(i) is not finite (\(y[i]))")
    }
    return d
  }

  /// (ȳ, σ_y) with σ_y the population standard deviation, or 1 when the outputs are (numerically) constant.
  public static func standardisation(of y: [Double]) -> (mean: Double, scale: Double) {
    let n = Double(y.count)
    let mean = y.reduce(0, +) / n
    var ss = 0.0
    for v in y { ss += (v - mean) * (v - mean) }
    let sd = (ss / n).squareRoot()
    return (mean, sd > 1e-12 * max(1, abs(mean)) ? sd : 1)
  }

  /// The likelihood workspace of (`x`, `y`): the rows of `x` flattened row-major, `y` standardised by (`mean`, `scale`).
  static func workspace(x: [[Double]], y: [Double], dimension d: Int, mean: Double, scale: Double) -> LikelihoodWorkspace {
    var flat = [Double]()
    flat.reserveCapacity(x.count * d)
    for row in x { flat.append(contentsOf: row) }
    return LikelihoodWorkspace(inputs: flat, count: x.count, dimension: d, y: y.map { ($0 - mean) / scale })
  }
}
