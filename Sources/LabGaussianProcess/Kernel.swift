// Notation
//   x, x' ∈ [0, 1]^d      inputs in the unit cube
//   λ_l = 1/ℓ_l²           inverse squared length-scale of dimension l (ARD: one per dimension)
//   r² = Σ_l λ_l (x_l − x'_l)²   the scaled squared distance
//   s                      output scale (signal variance), in standardised units
//   k(x, x') = s · m(r²)   with m the unit-variance kernel profile below
//   m'(r²)                 derivative of the profile with respect to r² (not r)
//
//   Matérn-5/2: m = (1 + √5 r + 5r²/3) e^{−√5 r},  m' = −(5/6)(1 + √5 r) e^{−√5 r}
//   RBF:        m = e^{−r²/2},                     m' = −m/2
//
// Rasmussen and Williams (2006), "Gaussian Processes for Machine Learning", eq. 4.17 and 4.14.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A stationary covariance profile, written as a function of the scaled squared distance r².
///
/// Both kernels are used with automatic relevance determination (one
/// length-scale per input dimension) or one shared length-scale.
public enum KernelKind: String, Sendable, Hashable, Codable, CaseIterable {
  /// Matérn ν = 5/2: twice differentiable sample paths (BoTorch's and Optuna's default).
  case matern52
  /// The squared exponential (radial basis function): infinitely smooth sample paths.
  case rbf

  /// The profile m(r²) and its derivative m'(r²) with respect to r².
  @inlinable
  public func profile(_ r2: Double) -> (value: Double, derivative: Double) {
    switch self {
    case .matern52:
      let r = (5 * r2).squareRoot()
      let e = exp(-r)
      return ((1 + r + (5.0 / 3.0) * r2) * e, -(5.0 / 6.0) * (1 + r) * e)
    case .rbf:
      let v = exp(-0.5 * r2)
      return (v, -0.5 * v)
    }
  }
}
