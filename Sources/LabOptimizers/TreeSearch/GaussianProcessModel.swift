// Notation
//   x ∈ ℝ^d           a leaf centre in the base scale (what the recorded BaMSOO fed its GP)
//   z = (x − m) / r    the GP's input: m, r the per-dimension minimum and range of the training centres
//                      (BoTorch's `Normalize` with learned bounds; r < 1e-8 is replaced by 1),
//                      or the unit-cube coordinate of x when `inputs == .unitCube`
//   y                  scores, larger is better; the GP standardises them itself

import LabCore
import LabGaussianProcess

/// BaMSOO's default model: hpolab's ``GaussianProcess`` refitted on the evaluated centres, giving mean and standard deviation.
///
/// The recorded run used BoTorch's `SingleTaskGP` with inputs normalised to the bounds of
/// the training data and standardised outputs; ``InputScaling/dataBounds`` (the default)
/// mirrors that normalisation. Kernel, priors and the hyperparameter search differ from
/// BoTorch's, so the bounds differ from the recorded ones (see docs/treesearch.md).
public struct GaussianProcessModel: PosteriorModel, Sendable {
  /// How centres are scaled before they reach the GP.
  public enum InputScaling: String, Sendable, Hashable, Codable {
    /// To the bounds of the training centres, as the recorded run (BoTorch `Normalize`).
    case dataBounds
    /// The unit cube of the search space.
    case unitCube
  }

  public var options: GPOptions
  public var inputs: InputScaling
  /// Start each fit from the previous hyperparameters (the recorded run built a new GP each time: off by default).
  public var warmStart: Bool
  private(set) public var process: GaussianProcess?
  private var minimum: [Double] = []
  private var range: [Double] = []

  public init(options: GPOptions = GPOptions(), inputs: InputScaling = .dataBounds, warmStart: Bool = false) {
    self.options = options
    self.inputs = inputs
    self.warmStart = warmStart
  }

  private func scaled(_ p: Point) -> [Double] {
    switch inputs {
    case .unitCube: return p.unit
    case .dataBounds: return (0..<p.base.count).map { (p.base[$0] - minimum[$0]) / range[$0] }
    }
  }

  /// - Throws: ``LabError`` `.invalidInput` with no data, `.numerical` when the GP cannot be fitted.
  public mutating func fit(points: [Point], values: [Double], using rng: inout SeededGenerator) throws {
    guard let first = points.first else {
      throw LabError(.invalidInput, "bamsoo: the Gaussian process needs at least one evaluated centre")
    }
    let d = first.base.count
    minimum = (0..<d).map { k in points.map { $0.base[k] }.min() ?? 0 }
    range = (0..<d).map { k in
      let r = (points.map { $0.base[k] }.max() ?? 0) - minimum[k]
      return r < 1e-8 ? 1 : r
    }
    let x = points.map(scaled)
    process = try GaussianProcess.fit(
      x: x, y: values, options: options, warmStart: warmStart ? process?.hyperparameters : nil, using: &rng)
  }

  /// - Throws: ``LabError`` `.internalInconsistency` before the first fit.
  public func predict(at point: Point) throws -> (mean: Double, standardDeviation: Double) {
    guard let gp = process else {
      throw LabError(.internalInconsistency, "bamsoo: the Gaussian process was asked to predict before any fit")
    }
    let (mean, variance) = gp.predict(scaled(point))
    return (mean, max(variance, 0).squareRoot())
  }
}

extension BaMSOO where Model == PosteriorConfidence<GaussianProcessModel> {
  /// BaMSOO on hpolab's Gaussian process with the recorded settings (K = 3, η = 1, n ≤ budget) unless told otherwise.
  public init(
    space: SearchSpace, budget: Int?, eta: Double = 1, gp: GaussianProcessModel = GaussianProcessModel(),
    options: TreeSearchOptions? = nil
  ) throws {
    try self.init(
      space: space, model: PosteriorConfidence(gp), eta: eta,
      options: options ?? BaMSOO.recordedOptions(budget: budget))
  }
}
