// The learning-rate collapse of the surrogate: which recorded runs collapsed there, how likely a
// run collapses (a logistic gate), and what a collapsed run scores.
//
// Notation
//   λ = log10(lr);  q = log10(alpha / rank)
//   collapsed run     HellaSwag acc < min recorded acc + 0.02 (chance level, 0.25 on HellaSwag)
//   lr-collapsed run  a collapsed run with λ ≥ λ_c = −3 (the learning-rate cliff region; collapses at lower lr come
//                     from the alpha/rank slope, which the recordings show to be deterministic: repeats agree)
//   gate              p(λ) = σ(a λ + b): the probability that a run at λ collapses (σ the logistic function)
//   fit               maximum a posteriori logistic regression (Newton's method) of the lr-collapsed labels of the
//                     runs with q < 0, with a normal prior of SD 10 per decade on the slope a (Cox 1958; the prior
//                     keeps the slope finite on nearly separable data, as in Gelman et al. 2008)
//   collapsed level   per metric: c(λ) = c0 + c1 λ by least squares on the lr-collapsed runs, residual SD s_c,
//                     clipped to their recorded range [lo_c, hi_c]
//
// The whole surrogate is a two-expert mixture (Jacobs, Jordan, Nowlan and Hinton, "Adaptive mixtures of local
// experts", Neural Computation 1991) with a fixed-form gate: with probability p(λ) the run collapses and scores
// the collapsed level; otherwise it scores the trained-regime Gaussian process plus observation noise.

import Foundation
import LabCore

/// The probability that a run collapses at the learning-rate cliff: a logistic curve in log10(lr).
public struct SurrogateCollapseGate: Sendable, Hashable, Codable {
  /// Slope a (per decade of lr).
  public var slope: Double
  /// Intercept b.
  public var intercept: Double
  /// The HellaSwag acc under which a run counts as collapsed.
  public var collapsedBelow: Double
  /// log10(lr) from which a collapsed run is attributed to the learning-rate cliff.
  public var cliffFrom: Double
  /// How many runs the gate was fitted on, and how many of them collapsed.
  public var fittedRuns: Int
  public var collapsedRuns: Int

  public init(slope: Double, intercept: Double, collapsedBelow: Double, cliffFrom: Double, fittedRuns: Int, collapsedRuns: Int) {
    self.slope = slope
    self.intercept = intercept
    self.collapsedBelow = collapsedBelow
    self.cliffFrom = cliffFrom
    self.fittedRuns = fittedRuns
    self.collapsedRuns = collapsedRuns
  }

  /// p(λ): the collapse probability at log10(lr) = `logLearningRate`.
  public func probability(logLearningRate l: Double) -> Double { 1 / (1 + exp(-(slope * l + intercept))) }

  /// The log10(lr) where the collapse probability is one half.
  public var midpoint: Double { -intercept / slope }

  /// Whether a recorded run (converted values, HellaSwag acc) collapsed at the learning-rate cliff.
  public func isLearningRateCollapse(converted c: [Double], acc: Double) -> Bool {
    c.count == 5 && c[3] > 0 && acc < collapsedBelow && log10(c[3]) >= cliffFrom
  }

  /// The prior SD of the slope, per decade.
  public static let slopePriorSD = 10.0

  /// Fits the gate on `runs` (converted values, HellaSwag acc), using those with alpha < rank.
  /// - Throws: `.invalidInput` when no run qualifies.
  public static func fit(_ runs: [(converted: [Double], acc: Double)], collapsedBelow: Double, cliffFrom: Double = -3) throws -> SurrogateCollapseGate {
    let used = runs.filter { $0.converted.count == 5 && $0.converted[1] < $0.converted[0] && $0.converted[3] > 0 }
    guard !used.isEmpty else { throw LabError(.invalidInput, "the collapse gate needs runs with alpha < rank, got none") }
    let x = used.map { log10($0.converted[3]) }
    let probe = SurrogateCollapseGate(slope: 0, intercept: 0, collapsedBelow: collapsedBelow, cliffFrom: cliffFrom, fittedRuns: 0, collapsedRuns: 0)
    let y = used.map { probe.isLearningRateCollapse(converted: $0.converted, acc: $0.acc) ? 1.0 : 0.0 }
    // Newton's method on the log posterior of (a, b); the prior on a makes the Hessian negative definite.
    var a = 1.0
    var b = 0.0
    let priorPrecision = 1 / (slopePriorSD * slopePriorSD)
    for _ in 0..<100 {
      var ga = -priorPrecision * a
      var gb = 0.0
      var haa = -priorPrecision
      var hab = 0.0
      var hbb = -1e-9
      for (xi, yi) in zip(x, y) {
        let p = 1 / (1 + exp(-(a * xi + b)))
        let w = p * (1 - p)
        ga += (yi - p) * xi
        gb += yi - p
        haa -= w * xi * xi
        hab -= w * xi
        hbb -= w
      }
      let det = haa * hbb - hab * hab
      guard det.isFinite, det > 0 else { break }
      let da = (hbb * ga - hab * gb) / det
      let db = (haa * gb - hab * ga) / det
      a -= da
      b -= db
      if abs(da) + abs(db) < 1e-12 { break }
    }
    return SurrogateCollapseGate(
      slope: a, intercept: b, collapsedBelow: collapsedBelow, cliffFrom: cliffFrom, fittedRuns: used.count,
      collapsedRuns: Int(y.reduce(0, +)))
  }
}

/// What a run collapsed at the learning-rate cliff scores on one metric: a line in log10(lr) (the higher the
/// lr, the closer to chance), normal residuals, clipped to the recorded range.
public struct SurrogateCollapsedLevel: Sendable, Hashable, Codable {
  /// Value at λ = 0 and slope per decade of lr (least squares on the recorded collapses).
  public var intercept: Double
  public var slope: Double
  /// Residual SD of the line.
  public var sd: Double
  public var lower: Double
  public var upper: Double
  public var runs: Int

  public init(intercept: Double, slope: Double, sd: Double, lower: Double, upper: Double, runs: Int) {
    self.intercept = intercept
    self.slope = slope
    self.sd = sd
    self.lower = lower
    self.upper = upper
    self.runs = runs
  }

  /// The level fitted on the recorded collapses (λ, y); a constant `chance` when there are none.
  public init(points: [(logLearningRate: Double, value: Double)], chance: Double) {
    let y = points.map(\.value)
    guard let lo = y.min(), let hi = y.max() else {
      self.init(intercept: chance, slope: 0, sd: 0, lower: chance, upper: chance, runs: 0)
      return
    }
    let line = points.count >= 3 ? SurrogateFitter.leastSquaresLine(points.map { ($0.logLearningRate, $0.value) }) : (intercept: y.reduce(0, +) / Double(y.count), slope: 0.0)
    let residuals = points.map { $0.value - (line.intercept + line.slope * $0.logLearningRate) }
    let freedom = Double(max(points.count - (points.count >= 3 ? 2 : 1), 1))
    let sd = (residuals.reduce(0) { $0 + $1 * $1 } / freedom).squareRoot()
    self.init(intercept: line.intercept, slope: line.slope, sd: sd, lower: lo, upper: hi, runs: points.count)
  }

  /// The mean level at λ, clipped to the recorded range.
  public func mean(logLearningRate l: Double) -> Double { min(max(intercept + slope * l, lower), upper) }

  /// The value at λ for standard normal `z`, clipped to the recorded range.
  public func value(logLearningRate l: Double, _ z: Double) -> Double { min(max(intercept + slope * l + sd * z, lower), upper) }
}
