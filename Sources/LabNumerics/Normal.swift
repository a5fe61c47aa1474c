// Notation
//   φ(z) = exp(−z²/2)/√(2π)                 standard normal density
//   Φ(z) = ½ erfc(−z/√2)                    standard normal distribution function
//   erfcx(x) = exp(x²)·erfc(x)              the scaled complementary error function
//   h(z) = φ(z) + z·Φ(z)                    the expected-improvement function: EI = σ·h((μ − f*)/σ)
//   log h, log Φ                            computed without underflow for z → −∞
//
// References: Ament, Daulton, Eriksson, Balandat and Bakshy (2023), "Unexpected
// improvements to expected improvement for Bayesian optimization", NeurIPS —
// eq. (9) and appendix A.2 for log h; Abramowitz and Stegun 7.1.23 for the
// asymptotic series of erfc.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard normal functions that stay accurate in the far tails (pdf, cdf, log-cdf, erfcx, log of the EI function).
///
/// Every function is a pure function of its argument: no state, no allocation.
public enum Normal {
  /// 1/√(2π).
  public static let inverseSqrt2Pi = 0.398_942_280_401_432_7
  /// ½·log(2π).
  public static let halfLog2Pi = 0.918_938_533_204_672_8
  /// ½·log(π/2).
  public static let halfLogPiOver2 = 0.225_791_352_644_727_4

  /// φ(z), the density.
  @inlinable
  public static func pdf(_ z: Double) -> Double { inverseSqrt2Pi * exp(-0.5 * z * z) }

  /// log φ(z).
  @inlinable
  public static func logPDF(_ z: Double) -> Double { -0.5 * z * z - halfLog2Pi }

  /// Φ(z), the distribution function (accurate in relative terms in the lower tail, via erfc).
  @inlinable
  public static func cdf(_ z: Double) -> Double { 0.5 * erfc(-z * 0.707_106_781_186_547_5) }

  /// log Φ(z), finite down to z ≈ −1e154 (below, −z²/2 overflows to −∞).
  ///
  /// For z < −5 uses log Φ(z) = log(½·erfcx(−z/√2)) − z²/2, which never
  /// underflows; for z > 5, log1p(−Φ(−z)); in between, log of Φ directly.
  public static func logCDF(_ z: Double) -> Double {
    if z < -5 {
      let t = -z * 0.707_106_781_186_547_5
      return log(0.5 * erfcx(t)) - 0.5 * z * z
    }
    if z > 5 { return log1p(-0.5 * erfc(z * 0.707_106_781_186_547_5)) }
    return log(cdf(z))
  }

  /// erfcx(x) = exp(x²)·erfc(x), accurate to a few ulps for x ≥ 0 and finite up to x = ∞ (where it tends to 0 as 1/(x√π)).
  ///
  /// - x < 0: 2·exp(x²) − erfcx(−x) (overflows to +∞ below x ≈ −26.6).
  /// - 0 ≤ x < 25: exp(x²)·erfc(x), with x² split exactly (x² = hi + lo by an FMA) so that exp adds no error of its own beyond rounding.
  /// - x ≥ 25: the asymptotic series 1/(x√π) · Σ_k (−1)^k (2k−1)!!/(2x²)^k, truncated when terms fall below 1e−17.
  public static func erfcx(_ x: Double) -> Double {
    if x.isNaN { return x }
    if x < 0 {
      let hi = x * x
      let lo = fma(x, x, -hi)
      return 2 * exp(hi) * exp(lo) - erfcx(-x)
    }
    if x < 25 {
      let hi = x * x
      let lo = fma(x, x, -hi)
      return exp(hi) * exp(lo) * erfc(x)
    }
    if x.isInfinite { return 0 }
    let inv2x2 = 0.5 / (x * x)
    var term = 1.0
    var sum = 1.0
    var k = 1.0
    while k < 30 {
      term *= -(2 * k - 1) * inv2x2
      sum += term
      if abs(term) < 1e-17 { break }
      k += 1
    }
    return sum / (x * 1.772_453_850_905_516)
  }

  /// h(z) = φ(z) + z·Φ(z), the expected-improvement function (underflows to 0 below z ≈ −38).
  @inlinable
  public static func eiFunction(_ z: Double) -> Double { pdf(z) + z * cdf(z) }

  /// log h(z), finite for every finite z, following Ament et al. (2023), eq. (9).
  ///
  /// - z > −1: log(φ(z) + zΦ(z)) directly.
  /// - −1/√ε < z ≤ −1: log h(z) = −z²/2 − ½log(2π) + log1mexp(log(erfcx(−z/√2)·|z|) + ½log(π/2)),
  ///   using φ(z) + zΦ(z) = φ(z)·(1 − |z|·√(π/2)·erfcx(|z|/√2)).
  /// - z ≤ −1/√ε: the asymptote −z²/2 − ½log(2π) − 2·log|z|, where the bracket is 1/z² to working precision.
  public static func logEIFunction(_ z: Double) -> Double {
    if z > -1 { return log(eiFunction(z)) }
    let a = -z
    if a < 67_108_864 {  // 1/√ε = 2^26
      let r = log(erfcx(a * 0.707_106_781_186_547_5) * a) + halfLogPiOver2
      return -0.5 * z * z - halfLog2Pi + log1mexp(r)
    }
    return -0.5 * z * z - halfLog2Pi - 2 * log(a)
  }

  /// d/dz log h(z) = Φ(z)/h(z), computed as exp(log Φ(z) − log h(z)) so that it stays finite where both underflow.
  ///
  /// Tends to |z| as z → −∞ and to 1/z as z → +∞.
  public static func logEIFunctionDerivative(_ z: Double) -> Double {
    if z > -1 {
      let c = cdf(z)
      return c / (pdf(z) + z * c)
    }
    return exp(logCDF(z) - logEIFunction(z))
  }

  /// log(1 − eˣ) for x < 0, accurate near 0 and for large |x| (Mächler, 2012).
  @inlinable
  public static func log1mexp(_ x: Double) -> Double {
    x > -0.693_147_180_559_945_3 ? log(-expm1(x)) : log1p(-exp(x))
  }
}
