// Notation: as GaussianProcess.swift; the objective and its gradient are in LikelihoodWorkspace.swift.
//   θ (raw hyperparameters) = [log λ (d, or 1 when not ARD), log s, log(σ_n² − σ_min²) (absent when noise is fixed)]
//   objective minimised by the fit: −log p(ỹ | θ) − log prior(θ)

import LabCore
import LabNumerics

extension GaussianProcess {
  /// Fits the hyperparameters to (`x`, `y`) and returns the conditioned GP.
  ///
  /// The search starts from `warmStart` when given (the previous step's fit),
  /// else from Optuna's defaults (λ = 1, s = 1, σ_n² = 1); `options.restarts`
  /// further starts are drawn from `rng`, and the best objective wins. When
  /// every search fails numerically the defaults are used.
  /// - Parameters:
  ///   - x: n points in [0, 1]^d.
  ///   - y: n finite values (any scale; they are standardised).
  /// - Throws: ``LabError`` `.invalidInput` for empty, ragged or non-finite data; `.numerical` when even the defaults give a singular K.
  public static func fit(
    x: [[Double]], y: [Double], options: GPOptions = GPOptions(), warmStart: GPHyperparameters? = nil,
    using rng: inout SeededGenerator
  ) throws -> GaussianProcess {
    let d = try validate(x: x, y: y)
    countFit()
    let (mean, scale) = standardisation(of: y)
    var work = workspace(x: x, y: y, dimension: d, mean: mean, scale: scale)
    let layout = RawLayout(dimension: d, options: options)

    var starts: [[Double]] = []
    if let warmStart, warmStart.inverseSquaredLengthScales.count == d {
      starts.append(layout.raw(from: warmStart))
      if options.defaultStartToo { starts.append(layout.raw(from: .defaults(dimension: d))) }
    } else {
      starts.append(layout.raw(from: .defaults(dimension: d)))
    }
    for _ in 0..<max(0, options.restarts) {
      var r = [Double](repeating: 0, count: layout.count)
      for i in 0..<layout.count { r[i] = layout.lower[i] + (layout.upper[i] - layout.lower[i]) * (0.2 + 0.6 * rng.uniform()) }
      starts.append(r)
    }
    var best: (raw: [Double], value: Double)? = nil
    var minimizerOptions = BoundedMinimizerOptions(
      maxIterations: options.maxIterations, gradientTolerance: options.gradientTolerance,
      functionTolerance: options.functionTolerance)
    minimizerOptions.memory = 10
    for start in starts {
      let result = BoundedMinimizer.minimize(
        from: start, lower: layout.lower, upper: layout.upper, options: minimizerOptions
      ) { raw, gradient in
        work.objective(raw: raw, layout: layout, options: options, gradient: &gradient)
      }
      if result.value.isFinite, best.map({ result.value < $0.value }) ?? true {
        best = (result.x, result.value)
      }
    }
    var hyper = best.map { layout.hyperparameters(from: $0.raw) } ?? .defaults(dimension: d)
    if best == nil, let fixed = options.fixedNoise { hyper.noise = fixed }
    let constantMean: Double? = options.fitsConstantMean ? nil : 0
    let factor: PackedCholesky
    do {
      factor = try work.factor(hyperparameters: hyper, kernel: options.kernel)
    } catch {
      hyper = .defaults(dimension: d)
      factor = try work.factor(hyperparameters: hyper, kernel: options.kernel)
    }
    return GaussianProcess(
      dimension: d, inputs: work.inputs, outputs: y, outputMean: mean, outputScale: scale,
      hyperparameters: hyper, kernel: options.kernel, factor: factor, constantMean: constantMean)
  }
}
