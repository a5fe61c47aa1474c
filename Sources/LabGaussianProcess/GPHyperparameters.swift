/// The hyperparameters of a ``GaussianProcess``, in standardised output units.
public struct GPHyperparameters: Sendable, Hashable, Codable {
  /// λ_l = 1/ℓ_l², one per input dimension (all equal when the kernel is not ARD).
  public var inverseSquaredLengthScales: [Double]
  /// The signal variance s.
  public var outputScale: Double
  /// The noise variance σ_n².
  public var noise: Double

  public init(inverseSquaredLengthScales: [Double], outputScale: Double, noise: Double) {
    self.inverseSquaredLengthScales = inverseSquaredLengthScales
    self.outputScale = outputScale
    self.noise = noise
  }

  /// ℓ_l = 1/√λ_l, in unit-cube units.
  public var lengthScales: [Double] { inverseSquaredLengthScales.map { 1 / $0.squareRoot() } }

  /// Optuna's starting point: λ = 1, s = 1, σ_n² = 1.
  public static func defaults(dimension: Int) -> GPHyperparameters {
    GPHyperparameters(inverseSquaredLengthScales: [Double](repeating: 1, count: dimension), outputScale: 1, noise: 1)
  }
}
