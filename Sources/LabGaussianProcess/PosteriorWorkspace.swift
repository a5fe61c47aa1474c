/// Scratch buffers for ``GaussianProcess/standardisedPosterior(_:workspace:gradients:)``, allocated once per search.
public struct PosteriorWorkspace: Sendable {
  /// k(x): covariances with the training points.
  public var k: [Double]
  /// s·m'(r²) per training point (for gradients).
  public var dk: [Double]
  /// L⁻¹k after a call; K⁻¹k after a call with `gradients: true`.
  public var v: [Double]
  /// ∇μ̃ (standardised units) after a call with `gradients: true`.
  public var meanGradient: [Double]
  /// ∇ṽ (standardised units) after a call with `gradients: true`.
  public var varianceGradient: [Double]
  /// x·√λ for the point being evaluated.
  public var scaledPoint: [Double]
  /// Buffers for a GP of `count` training points in `dimension` dimensions.
  public init(count: Int, dimension: Int) {
    k = [Double](repeating: 0, count: count)
    dk = k
    v = k
    meanGradient = [Double](repeating: 0, count: dimension)
    varianceGradient = meanGradient
    scaledPoint = meanGradient
  }
}
