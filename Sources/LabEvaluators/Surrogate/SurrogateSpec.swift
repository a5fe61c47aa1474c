// The fitted surrogate of one campaign, as stored in surrogates/NAME.json.
//
// Units: durations in minutes; accuracies in [0, 1]; jitter in decades (log10 units).

import Foundation
import LabCore
import LabData

/// A fitted surrogate: hyperparameters, cost and noise models, and the identity of the traces it was fitted on.
///
/// The training data themselves are not stored: they are read back from the traces, whose
/// SHA-256 digests must match (``SurrogateModel/init(spec:training:)`` checks them), so a model
/// can never be silently conditioned on other data than it was fitted on.
public struct SurrogateSpec: Sendable, Hashable, Codable {
  /// The version of this file format; bumped when a field changes meaning.
  public static let currentFormat = 2

  public var format: Int
  /// The name (or an alias) of the campaign it was fitted on.
  public var campaign: String
  /// The trace files and how many evaluated trials each contributed.
  public var fittedOn: [SurrogateTraceDigest]
  /// One model per accuracy metric, in ``SurrogateSpec/modelledMetrics`` order.
  public var metrics: [SurrogateMetricModel]
  /// Benchmark sizes for the binomial standard errors.
  public var standardErrors: [SurrogateStandardError]
  public var cost: SurrogateCostModel
  public var noise: SurrogateNoiseModel
  /// The learning-rate collapse probability.
  public var gate: SurrogateCollapseGate

  /// The accuracy metrics modelled, in order.
  public static let modelledMetrics = [MetricName.hellaswagAcc, MetricName.hellaswagAccNorm, MetricName.mmluAcc]

  public init(
    campaign: String, fittedOn: [SurrogateTraceDigest], metrics: [SurrogateMetricModel],
    standardErrors: [SurrogateStandardError], cost: SurrogateCostModel, noise: SurrogateNoiseModel,
    gate: SurrogateCollapseGate
  ) {
    self.format = SurrogateSpec.currentFormat
    self.campaign = campaign
    self.fittedOn = fittedOn
    self.metrics = metrics
    self.standardErrors = standardErrors
    self.cost = cost
    self.noise = noise
    self.gate = gate
  }

  /// Reads a spec from a JSON file.
  /// - Throws: `.notFound`, `.io`, or `.parse` (naming the file) when it cannot be read, and
  ///   `.unsupported` for a file written by another version (format ≠ ``currentFormat``: refit).
  public static func read(from url: URL) throws -> SurrogateSpec {
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw LabError(.notFound, "surrogate model file does not exist; run 'hpolab surrogate fit'", location: .init(file: url.path))
    }
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw LabError(.io, "cannot read surrogate model file", location: .init(file: url.path), underlying: error)
    }
    struct Header: Decodable { var format: Int }
    if let header = try? JSONDecoder().decode(Header.self, from: data), header.format != currentFormat {
      throw LabError(
        .unsupported,
        "surrogate model format \(header.format) was written by another hpolab version (this one reads \(currentFormat)); run 'hpolab surrogate fit'",
        location: .init(file: url.path, field: "format"))
    }
    do { return try JSONDecoder().decode(SurrogateSpec.self, from: data) } catch {
      throw LabError(.parse, "not a surrogate model file", location: .init(file: url.path), underlying: error)
    }
  }

  /// The spec as pretty, key-sorted JSON (stable bytes for a given fit).
  public func jsonData() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    var data = try encoder.encode(self)
    data.append(0x0A)
    return data
  }

  /// Writes the spec to `url`, creating the folder.
  public func write(to url: URL) throws {
    do {
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try jsonData().write(to: url, options: .atomic)
    } catch {
      throw LabError(.io, "cannot write surrogate model file", location: .init(file: url.path), underlying: error)
    }
  }
}

/// A trace file a surrogate was fitted on: its name, SHA-256 and how many evaluated trials it gave.
public struct SurrogateTraceDigest: Sendable, Hashable, Codable {
  public var file: String
  public var sha256: String
  public var evaluatedTrials: Int
  public init(file: String, sha256: String, evaluatedTrials: Int) {
    self.file = file
    self.sha256 = sha256
    self.evaluatedTrials = evaluatedTrials
  }
}

/// The model of one accuracy metric: trained-regime warp and Gaussian-process hyperparameters, collapsed level, floor.
public struct SurrogateMetricModel: Sendable, Hashable, Codable {
  public var metric: String
  public var warp: SurrogateWarp
  public var kernel: SurrogateKernelParameters
  /// What a run collapsed at the learning-rate cliff scores.
  public var collapsed: SurrogateCollapsedLevel
  /// No draw is lower: the recorded minimum − 3 plateau SDs.
  public var floor: Double
  public init(metric: String, warp: SurrogateWarp, kernel: SurrogateKernelParameters, collapsed: SurrogateCollapsedLevel, floor: Double) {
    self.metric = metric
    self.warp = warp
    self.kernel = kernel
    self.collapsed = collapsed
    self.floor = floor
  }
}

/// The item-sampling standard error of a benchmark metric: sqrt(p (1 − p) / (N − 1)).
public struct SurrogateStandardError: Sendable, Hashable, Codable {
  public var metric: String
  public var stderrMetric: String
  /// N: HellaSwag's 10 042 items exactly; for MMLU (a pooled group) the median effective size of the recordings.
  public var benchmarkSize: Double
  public init(metric: String, stderrMetric: String, benchmarkSize: Double) {
    self.metric = metric
    self.stderrMetric = stderrMetric
    self.benchmarkSize = benchmarkSize
  }
  /// The standard error at accuracy `p`.
  public func value(at p: Double) -> Double {
    let q = min(max(p, 0), 1)
    return (q * (1 - q) / max(benchmarkSize - 1, 1)).squareRoot()
  }
}

/// Training minutes = intercept + slope · rank (+ noise); evaluation minutes = constant (+ noise).
public struct SurrogateCostModel: Sendable, Hashable, Codable {
  public var trainingIntercept: Double
  public var trainingPerRank: Double
  /// Residual standard deviation of the training-time fit (minutes).
  public var trainingResidualSD: Double
  public var evaluationMinutes: Double
  public var evaluationSD: Double
  /// Where the evaluation times come from (`ending_time` or `gap to the next trial`).
  public var evaluationSource: String
  public init(
    trainingIntercept: Double, trainingPerRank: Double, trainingResidualSD: Double, evaluationMinutes: Double,
    evaluationSD: Double, evaluationSource: String
  ) {
    self.trainingIntercept = trainingIntercept
    self.trainingPerRank = trainingPerRank
    self.trainingResidualSD = trainingResidualSD
    self.evaluationMinutes = evaluationMinutes
    self.evaluationSD = evaluationSD
    self.evaluationSource = evaluationSource
  }
  /// Mean training minutes at `rank`.
  public func trainingMinutes(rank: Double) -> Double { trainingIntercept + trainingPerRank * rank }
}

/// Run-to-run noise of the trained regime: normal, with an SD that grows with the learning rate.
///
/// The recorded repeats (campaign B) are identical to the last digit at lr = 10^-8.5 and differ by
/// 0–2 benchmark items at lr = 10^-5.5, on the plateau and on the alpha/rank slope alike. So
/// σ_m(λ) = plateauSD_m · clamp((λ − quietUpTo) / (fullFrom − quietUpTo), 0, 1): zero up to the highest
/// lr whose repeats agree exactly, the pooled plateau SD from the lowest lr whose repeats differ, linear
/// in log10 lr between (an assumption: no repeats were recorded between). Draws are rounded to the
/// benchmark's resolution (`resolution[m]` items), as the recorded accuracies are item counts.
public struct SurrogateNoiseModel: Sendable, Hashable, Codable {
  /// Plateau run-to-run SD per metric (pooled over the repeated configurations).
  public var plateauSD: [String: Double]
  /// log10(lr) up to which repeats are identical (σ = 0).
  public var quietUpTo: Double
  /// log10(lr) from which σ = plateauSD.
  public var fullFrom: Double
  /// Number of items per metric: draws are rounded to multiples of 1/N (absent: not rounded).
  public var resolution: [String: Double]
  /// The repeated configurations it was calibrated on (or what it was taken from).
  public var calibration: String
  public init(plateauSD: [String: Double], quietUpTo: Double, fullFrom: Double, resolution: [String: Double], calibration: String) {
    self.plateauSD = plateauSD
    self.quietUpTo = quietUpTo
    self.fullFrom = fullFrom
    self.resolution = resolution
    self.calibration = calibration
  }

  /// σ_m(λ).
  public func sd(_ metric: String, logLearningRate l: Double) -> Double {
    let ramp = fullFrom > quietUpTo ? min(max((l - quietUpTo) / (fullFrom - quietUpTo), 0), 1) : (l >= fullFrom ? 1 : 0)
    return (plateauSD[metric] ?? 0) * ramp
  }
}
