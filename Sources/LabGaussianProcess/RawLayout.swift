// Notation: θ = [log λ (d, or 1 when not ARD), log s, log(σ_n² − σ_min²) (absent when the noise is fixed)], and its search box.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where each hyperparameter sits in the raw vector θ, and the search box.
internal struct RawLayout: Sendable {
  let dimension: Int
  let lengthCount: Int
  let fitsNoise: Bool
  let count: Int
  let lower: [Double]
  let upper: [Double]
  let minimumNoise: Double
  let fixedNoise: Double?

  init(dimension d: Int, options: GPOptions) {
    dimension = d
    lengthCount = options.ard ? d : 1
    fitsNoise = options.fixedNoise == nil
    count = lengthCount + 1 + (fitsNoise ? 1 : 0)
    minimumNoise = options.minimumNoise
    fixedNoise = options.fixedNoise
    // λ ∈ [1e-4, 4e4] (ℓ from 0.005 to 100 unit-cube widths), s ∈ [1e-3, 1e3], σ_n² − min ∈ [1e-9, 10].
    let hvarfner = options.prior == .hvarfner
    var lo = [Double](repeating: log(1e-4), count: lengthCount)
    var hi = [Double](repeating: log(hvarfner ? 1600 : 4e4), count: lengthCount)
    lo.append(hvarfner ? 0 : log(1e-3))
    hi.append(hvarfner ? 0 : log(1e3))
    if fitsNoise {
      lo.append(log(hvarfner ? 1e-4 : 1e-9))
      hi.append(log(10.0))
    }
    lower = lo
    upper = hi
  }

  func raw(from h: GPHyperparameters) -> [Double] {
    var r = [Double]()
    if lengthCount == dimension {
      r = h.inverseSquaredLengthScales.map { log($0) }
    } else {
      r = [log(h.inverseSquaredLengthScales.reduce(0, +) / Double(max(dimension, 1)))]
    }
    r.append(log(h.outputScale))
    if fitsNoise { r.append(log(max(h.noise - 0.99 * minimumNoise, 1e-9))) }
    for i in 0..<count { r[i] = min(max(r[i], lower[i]), upper[i]) }
    return r
  }

  func hyperparameters(from r: [Double]) -> GPHyperparameters {
    let lambda = lengthCount == dimension ? (0..<dimension).map { exp(r[$0]) } : [Double](repeating: exp(r[0]), count: dimension)
    let noise = fitsNoise ? exp(r[lengthCount + 1]) + minimumNoise : (fixedNoise ?? minimumNoise)
    return GPHyperparameters(inverseSquaredLengthScales: lambda, outputScale: exp(r[lengthCount]), noise: noise)
  }
}
