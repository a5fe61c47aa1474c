// Notation
//   x ∈ ∏ [lo_i, hi_i]    a point in the function's own box (the `.float` parameters of its SearchSpace)
//   f(x)                   the value, to be MINIMISED
//   f* = min f, X* = argmin f    known exactly (or to the digits the literature gives)
//   regret(v) = v − f*     simple regret of a value v
//
// Definitions follow Surjanovic and Bingham, "Virtual Library of Simulation
// Experiments: Test Functions and Datasets" (sfu.ca/~ssurjano), and BoTorch's
// `botorch/test_functions/synthetic.py`.

import LabCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An analytic test function with its box, its known minimum and where it is attained, so that regret is a property.
///
/// ```swift
/// let branin = try TestFunction.named("branin")
/// branin.value([Double.pi, 2.275])    // 0.397887…
/// branin.regret(0.5)                  // 0.102112…
/// ```
public struct TestFunction: Sendable {
  /// The catalogue name (`branin`, `hartmann6`, …).
  public let name: String
  /// The box: one `.float` parameter per coordinate, named `x1`, `x2`, ….
  public let space: SearchSpace
  /// The minimum value f*.
  public let optimum: Double
  /// Points where f* is attained (base scale = the function's own coordinates).
  public let optimizers: [[Double]]
  private let function: @Sendable ([Double]) -> Double

  /// - Throws: `.invalidSearchSpace` for bad bounds (never for the catalogue's functions).
  public init(
    name: String, lower: [Double], upper: [Double], optimum: Double, optimizers: [[Double]],
    _ function: @escaping @Sendable ([Double]) -> Double
  ) throws {
    self.name = name
    self.space = try SearchSpace(
      zip(lower, upper).enumerated().map { i, b in Parameter("x\(i + 1)", .float, lower: b.0, upper: b.1) })
    self.optimum = optimum
    self.optimizers = optimizers
    self.function = function
  }

  /// f(x), x in the function's own coordinates.
  public func value(_ x: [Double]) -> Double { function(x) }

  /// Simple regret v − f*.
  public func regret(_ value: Double) -> Double { value - optimum }

  /// The input dimension.
  public var dimension: Int { space.dimension }

  // MARK: - Catalogue

  /// Every function of the catalogue, in a fixed order.
  public static let all: [TestFunction] = [
    branin, himmelblau, hartmann6, ackley5, rosenbrock5, levy5, loraLandscape,
  ]

  /// The catalogue's names, in order.
  public static var names: [String] { all.map(\.name) }

  /// The function called `name`.
  /// - Throws: `.notFound`, listing the valid names.
  public static func named(_ name: String) throws -> TestFunction {
    if let f = all.first(where: { $0.name == name }) { return f }
    throw LabError(.notFound, "unknown test function '\(name)'; valid: \(names.joined(separator: ", "))")
  }

  private static func make(
    _ name: String, _ lower: [Double], _ upper: [Double], _ optimum: Double, _ optimizers: [[Double]],
    _ f: @escaping @Sendable ([Double]) -> Double
  ) -> TestFunction {
    guard let t = try? TestFunction(name: name, lower: lower, upper: upper, optimum: optimum, optimizers: optimizers, f)
    else { fatalError("catalogue function \(name) has valid bounds") }
    return t
  }

  /// Branin–Hoo on [−5, 10] × [0, 15]: three global minima, f* = 5/(4π) = 0.397887….
  public static let branin = make(
    "branin", [-5, 0], [10, 15], 5 / (4 * Double.pi),
    [[-Double.pi, 12.275], [Double.pi, 2.275], [3 * Double.pi, 2.475]]
  ) { x in
    let b = 5.1 / (4 * Double.pi * Double.pi)
    let c = 5 / Double.pi
    let t = 1 / (8 * Double.pi)
    let u = x[1] - b * x[0] * x[0] + c * x[0] - 6
    return u * u + 10 * (1 - t) * cos(x[0]) + 10
  }

  /// Himmelblau on [−5, 5]²: four global minima with f* = 0.
  public static let himmelblau = make(
    "himmelblau", [-5, -5], [5, 5], 0,
    [
      [3, 2], [-2.805_118_086_952_745, 3.131_312_518_250_573], [-3.779_310_253_377_747, -3.283_185_991_286_170],
      [3.584_428_340_330_492, -1.848_126_526_964_404],
    ]
  ) { x in
    let a = x[0] * x[0] + x[1] - 11
    let b = x[0] + x[1] * x[1] - 7
    return a * a + b * b
  }

  /// Hartmann-6 on [0, 1]^6: f* = −3.32237 (six digits, as published), one global minimum.
  public static let hartmann6 = make(
    "hartmann6", [Double](repeating: 0, count: 6), [Double](repeating: 1, count: 6), -3.322_368_011_415_515,
    [[0.201_689_52, 0.150_010_69, 0.476_873_98, 0.275_332_49, 0.311_651_62, 0.657_300_53]]
  ) { x in
    let alpha = [1.0, 1.2, 3.0, 3.2]
    let a: [[Double]] = [
      [10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14],
    ]
    let p: [[Double]] = [
      [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
      [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
    ]
    var total = 0.0
    for i in 0..<4 {
      var inner = 0.0
      for j in 0..<6 {
        let diff = x[j] - p[i][j]
        inner += a[i][j] * diff * diff
      }
      total -= alpha[i] * exp(-inner)
    }
    return total
  }

  /// Ackley in 5-D on [−32.768, 32.768]^5 (a = 20, b = 0.2, c = 2π): f* = 0 at the origin; many local minima.
  public static let ackley5 = make(
    "ackley5", [Double](repeating: -32.768, count: 5), [Double](repeating: 32.768, count: 5), 0,
    [[Double](repeating: 0, count: 5)]
  ) { x in
    let n = Double(x.count)
    var s2 = 0.0
    var sc = 0.0
    for v in x {
      s2 += v * v
      sc += cos(2 * Double.pi * v)
    }
    return -20 * exp(-0.2 * (s2 / n).squareRoot()) - exp(sc / n) + 20 + exp(1.0)
  }

  /// Rosenbrock in 5-D on [−5, 10]^5: f* = 0 at (1, …, 1), a long curved valley.
  public static let rosenbrock5 = make(
    "rosenbrock5", [Double](repeating: -5, count: 5), [Double](repeating: 10, count: 5), 0,
    [[Double](repeating: 1, count: 5)]
  ) { x in
    var f = 0.0
    for i in 0..<(x.count - 1) {
      let a = x[i + 1] - x[i] * x[i]
      let b = 1 - x[i]
      f += 100 * a * a + b * b
    }
    return f
  }

  /// Levy in 5-D on [−10, 10]^5: f* = 0 at (1, …, 1).
  public static let levy5 = make(
    "levy5", [Double](repeating: -10, count: 5), [Double](repeating: 10, count: 5), 0,
    [[Double](repeating: 1, count: 5)]
  ) { x in
    let w = x.map { 1 + ($0 - 1) / 4 }
    let n = w.count
    let s0 = sin(Double.pi * w[0])
    var f = s0 * s0
    for i in 0..<(n - 1) {
      let s = sin(Double.pi * w[i] + 1)
      f += (w[i] - 1) * (w[i] - 1) * (1 + 10 * s * s)
    }
    let sl = sin(2 * Double.pi * w[n - 1])
    f += (w[n - 1] - 1) * (w[n - 1] - 1) * (1 + sl * sl)
    return f
  }

  /// A 5-D function shaped like the LoRA fine-tuning landscape (campaign B's box, all real): f* = −0.62.
  ///
  /// Coordinates: rank ∈ [2, 64], alpha ∈ [1, 64], dropout ∈ [0, 0.5],
  /// log₁₀ learning rate ∈ [−10, −1], log₁₀ weight decay ∈ [−5, −1]. The
  /// value reads as minus an accuracy: a broad learning-rate optimum at 10^−3.5,
  /// a cliff beyond 10^−2.5 (training collapses), a ridge alpha = 2·rank,
  /// and weak effects of rank, dropout and weight decay. Every term is a
  /// non-negative penalty that vanishes at (16, 32, 0.1, −3.5, −3), so that
  /// point is the unique minimiser and f* = −0.62 exactly.
  public static let loraLandscape = make(
    "lora5", [2, 1, 0, -10, -5], [64, 64, 0.5, -1, -1], -0.62, [[16, 32, 0.1, -3.5, -3]]
  ) { x in
    let rank = x[0]
    let alpha = x[1]
    let dropout = x[2]
    let lr = x[3]
    let wd = x[4]
    let lrOffset = (lr + 3.5) / 0.8
    var f = -0.62
    f += 0.3 * (1 - exp(-0.5 * lrOffset * lrOffset))
    let cliff = max(0, lr + 2.5)
    f += 0.3 * cliff * cliff
    let ratio = log2(alpha / rank) - 1
    f += 0.03 * ratio * ratio
    let r = (log2(rank) - 4) / 3
    f += 0.01 * r * r
    let dr = (dropout - 0.1) / 0.5
    f += 0.02 * dr * dr
    let w = (wd + 3) / 2
    f += 0.005 * w * w
    return f
  }
}
