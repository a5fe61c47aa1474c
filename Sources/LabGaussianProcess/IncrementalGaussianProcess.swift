// Notation: as GaussianProcess.swift.
//   n_fit   the number of points at the last hyperparameter fit
//   z²_i    the surprise of point i added since then (GaussianProcess.appending)

import LabCore

/// A Gaussian process kept across the steps of a sequential optimiser: refitted on a ``GPRefitSchedule``, grown in O(n²) in between.
///
/// Give it all the data at every step (``update(x:y:using:)``): points already in
/// the model must come first, in the same order; their values may change (imputed
/// failures). Fits are warm-started from the previous hyperparameters.
///
/// ```swift
/// var model = IncrementalGaussianProcess(options: GPOptions())
/// let gp = try model.update(x: unitPoints, y: values, using: &rng)
/// ```
/// - Complexity: a step without refit O(k·n² + n·d) for k new points; a refit as ``GaussianProcess/fit(x:y:options:warmStart:using:)``.
public struct IncrementalGaussianProcess: Sendable {
  /// The GP options of every fit.
  public let options: GPOptions
  /// When to refit.
  public var schedule: GPRefitSchedule
  /// The current model (nil before the first update).
  public private(set) var model: GaussianProcess? = nil
  /// The number of hyperparameter fits so far.
  public private(set) var fits = 0
  /// n_fit: the model's size at its last fit.
  public private(set) var countAtFit = 0
  private var surpriseSum = 0.0
  private var surpriseCount = 0

  /// A model that fits with `options` on `schedule`.
  public init(options: GPOptions, schedule: GPRefitSchedule = GPRefitSchedule()) {
    self.options = options
    self.schedule = schedule
  }

  /// The model conditioned on (`x`, `y`), refitted when the schedule says so.
  /// - Throws: as ``GaussianProcess/fit(x:y:options:warmStart:using:)``.
  public mutating func update(x: [[Double]], y: [Double], using rng: inout SeededGenerator) throws -> GaussianProcess {
    if let current = model, extends(current, x), x.count >= current.count,
      !schedule.refits(count: x.count, countAtFit: countAtFit, meanSurprise: nil) || x.count == current.count
    {
      var gp = current
      let old = Array(y.prefix(current.count))
      if old != current.outputs { gp = try gp.replacingOutputs(old) }
      let added = try gp.appending(Array(x[current.count...]), values: Array(y[current.count...]))
      var sum = surpriseSum
      for z in added.surprises { sum += z }
      let count = surpriseCount + added.surprises.count
      let mean = count > 0 ? sum / Double(count) : nil
      if !schedule.refits(count: x.count, countAtFit: countAtFit, meanSurprise: mean) || x.count == current.count {
        surpriseSum = sum
        surpriseCount = count
        model = added.model
        return added.model
      }
    }
    let gp = try GaussianProcess.fit(x: x, y: y, options: options, warmStart: model?.hyperparameters, using: &rng)
    model = gp
    fits += 1
    countAtFit = x.count
    surpriseSum = 0
    surpriseCount = 0
    return gp
  }

  /// Whether `x` starts with the model's training inputs.
  private func extends(_ gp: GaussianProcess, _ x: [[Double]]) -> Bool {
    guard x.count >= gp.count else { return false }
    let d = gp.dimension
    for i in 0..<gp.count {
      guard x[i].count == d else { return false }
      for l in 0..<d where x[i][l] != gp.inputs[i * d + l] { return false }
    }
    return true
  }
}
