/// When an incrementally grown ``GaussianProcess`` refits its hyperparameters (``IncrementalGaussianProcess``).
///
/// Between refits the hyperparameters stay fixed and each new point extends the
/// Cholesky factor in O(n²) instead of an O(n³) fit of several likelihood
/// evaluations. A refit happens
/// - at every step while the model has fewer than ``everyStepBelow`` points;
/// - then when the number of points has grown by ``growth`` (a fraction) since the last fit;
/// - or when the points added since the last fit surprise the model: their mean
///   z² = (y − μ)²/(v + σ_n²) under the model before each was added exceeds
///   ``surpriseLimit`` (about 1 for a calibrated model).
///
/// The default (every step below 100 points, then 10 % growth or mean z² > 4)
/// is justified by the regret measurements in docs/bayesopt.md.
public struct GPRefitSchedule: Sendable, Hashable, Codable {
  /// Refit at every step while the model has fewer points than this.
  public var everyStepBelow: Int
  /// Beyond, refit when the model has grown by this fraction of its size at the last fit.
  public var growth: Double
  /// Also refit when the mean surprise of the points added since the last fit exceeds this; nil: never for surprise.
  public var surpriseLimit: Double?

  /// A schedule; see the type's discussion.
  public init(everyStepBelow: Int = 100, growth: Double = 0.1, surpriseLimit: Double? = 4) {
    self.everyStepBelow = everyStepBelow
    self.growth = growth
    self.surpriseLimit = surpriseLimit
  }

  /// Refit at every step (what BO did before the schedule existed).
  public static let everyStep = GPRefitSchedule(everyStepBelow: .max, growth: 0, surpriseLimit: nil)

  /// Whether a model of `count` points, last fitted at `countAtFit` points, whose added points had mean surprise
  /// `meanSurprise` (nil: none added), must be refitted.
  public func refits(count: Int, countAtFit: Int, meanSurprise: Double?) -> Bool {
    if count < everyStepBelow { return true }
    if Double(count) >= (1 + growth) * Double(countAtFit) { return true }
    if let limit = surpriseLimit, let meanSurprise, !(meanSurprise <= limit) { return true }
    return false
  }
}
