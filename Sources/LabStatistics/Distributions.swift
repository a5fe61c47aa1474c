// Notation
//   Φ(z)          standard normal cdf; sf(z) = 1 − Φ(z), computed as erfc(z/√2)/2 (no cancellation)
//   P(a, x)       regularised lower incomplete gamma γ(a, x)/Γ(a); Q = 1 − P
//   I_x(a, b)     regularised incomplete beta
//   χ²_ν          chi-square with ν degrees of freedom: sf(x) = Q(ν/2, x/2)
//   F(d1, d2)     Fisher F: sf(f) = I_{d2/(d2+d1 f)}(d2/2, d1/2)

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Distribution functions the tests need: normal, chi-square and F tails.
///
/// The incomplete gamma uses its power series below `a + 1` and a Lentz
/// continued fraction above (Press et al., *Numerical Recipes*, 3rd ed., §6.2);
/// the incomplete beta uses its continued fraction with the symmetry swap
/// (§6.4). Accuracy is about 1e-13 relative in the ranges tests use.
public enum Distributions {
  /// Φ(z), the standard normal cdf.
  public static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

  /// 1 − Φ(z), accurate in the upper tail.
  public static func normalSF(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }

  /// P(X > x) for X ~ χ² with `degrees` degrees of freedom.
  public static func chiSquareSF(_ x: Double, degrees: Double) -> Double {
    guard x > 0 else { return 1 }
    return regularizedGammaQ(degrees / 2, x / 2)
  }

  /// P(X > f) for X ~ F(d1, d2).
  public static func fSF(_ f: Double, d1: Double, d2: Double) -> Double {
    guard f > 0 else { return 1 }
    return regularizedBeta(d2 / (d2 + d1 * f), a: d2 / 2, b: d1 / 2)
  }

  /// Q(a, x) = Γ(a, x)/Γ(a).
  public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
    precondition(a > 0, "regularizedGammaQ needs a > 0")
    if x <= 0 { return 1 }
    let logPrefix = -x + a * log(x) - lgamma(a)
    if x < a + 1 {
      // Series: P = e^{-x} x^a / Γ(a+1) · Σ x^n / ((a+1)…(a+n)).
      var term = 1.0 / a
      var sum = term
      var ap = a
      for _ in 0..<10_000 {
        ap += 1
        term *= x / ap
        sum += term
        if abs(term) < abs(sum) * 1e-16 { break }
      }
      return max(0, 1 - sum * exp(logPrefix))
    }
    // Continued fraction for Q (modified Lentz).
    let tiny = 1e-300
    var b = x + 1 - a
    var c = 1 / tiny
    var d = 1 / b
    var h = d
    for i in 1..<10_000 {
      let an = -Double(i) * (Double(i) - a)
      b += 2
      d = an * d + b
      if abs(d) < tiny { d = tiny }
      c = b + an / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-16 { break }
    }
    return exp(logPrefix) * h
  }

  /// I_x(a, b), the regularised incomplete beta function.
  public static func regularizedBeta(_ x: Double, a: Double, b: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
    if x > (a + 1) / (a + b + 2) {
      return 1 - regularizedBeta(1 - x, a: b, b: a)
    }
    return exp(logFront) * betaContinuedFraction(x, a: a, b: b) / a
  }

  private static func betaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
    let tiny = 1e-300
    var c = 1.0
    var d = 1 - (a + b) * x / (a + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    for m in 1..<10_000 {
      let m = Double(m)
      let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
      d = 1 + even * d
      if abs(d) < tiny { d = tiny }
      c = 1 + even / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      h *= d * c
      let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
      d = 1 + odd * d
      if abs(d) < tiny { d = tiny }
      c = 1 + odd / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-16 { break }
    }
    return h
  }
}
