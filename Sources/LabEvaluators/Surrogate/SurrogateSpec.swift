// The fitted surrogate of one campaign, as stored in surrogates/campaign-<A|B>.json.
//
// Units: durations in minutes; accuracies in [0, 1]; jitter in decades (log10 units).

import Foundation
import LabCore

/// A fitted surrogate: hyperparameters, cost and noise models, and the identity of the traces it was fitted on.
///
/// The training data themselves are not stored: they are read back from the traces, whose
/// SHA-256 digests must match (``SurrogateModel/init(spec:training:)`` checks them), so a model
/// can never be silently conditioned on other data than it was fitted on.
public struct SurrogateSpec: Sendable, Hashable, Codable {
  /// The version of this file format; bumped when a field changes meaning.
  public static let currentFormat = 1

  public var format: Int
  public var campaign: Campaign
  /// The trace files and how many evaluated trials each contributed.
  public var fittedOn: [SurrogateTraceDigest]
  /// One model per accuracy metric, in ``SurrogateSpec/modelledMetrics`` order.
  public var metrics: [SurrogateMetricModel]
  /// Benchmark sizes for the binomial standard errors.
  public var standardErrors: [SurrogateStandardError]
  public var cost: SurrogateCostModel
  public var noise: SurrogateNoiseModel

  /// The accuracy metrics modelled, in order.
  public static let modelledMetrics = [MetricName.hellaswagAcc, MetricName.hellaswagAccNorm, MetricName.mmluAcc]

  public init(
    campaign: Campaign, fittedOn: [SurrogateTraceDigest], metrics: [SurrogateMetricModel],
    standardErrors: [SurrogateStandardError], cost: SurrogateCostModel, noise: SurrogateNoiseModel
  ) {
    self.format = SurrogateSpec.currentFormat
    self.campaign = campaign
    self.fittedOn = fittedOn
    self.metrics = metrics
    self.standardErrors = standardErrors
    self.cost = cost
    self.noise = noise
  }

  /// Reads a spec from a JSON file.
  /// - Throws: `.notFound`, `.io`, or `.parse` (naming the file) when it cannot be read, and
  ///   `.unsupported` for a newer format.
  public static func read(from url: URL) throws -> SurrogateSpec {
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw LabError(.notFound, "surrogate model file does not exist; run 'hpolab surrogate fit'", location: .init(file: url.path))
    }
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw LabError(.io, "cannot read surrogate model file", location: .init(file: url.path), underlying: error)
    }
    let spec: SurrogateSpec
    do { spec = try JSONDecoder().decode(SurrogateSpec.self, from: data) } catch {
      throw LabError(.parse, "not a surrogate model file", location: .init(file: url.path), underlying: error)
    }
    guard spec.format <= currentFormat else {
      throw LabError(.unsupported, "surrogate model format \(spec.format) is newer than this hpolab (\(currentFormat))", location: .init(file: url.path, field: "format"))
    }
    return spec
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

/// The model of one accuracy metric: output warp and Gaussian-process hyperparameters.
public struct SurrogateMetricModel: Sendable, Hashable, Codable {
  public var metric: String
  public var warp: SurrogateWarp
  public var kernel: SurrogateKernelParameters
  public init(metric: String, warp: SurrogateWarp, kernel: SurrogateKernelParameters) {
    self.metric = metric
    self.warp = warp
    self.kernel = kernel
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

/// Run-to-run noise: jitter of the learning-rate cliff's position plus a small plateau noise per metric.
///
/// A repeat of a configuration is modelled as the mean surface evaluated at a jittered
/// log10(lr) (one normal draw, shared by all metrics, so a collapsed HellaSwag comes with a
/// collapsed MMLU), plus independent normal noise of SD `plateauSD[metric]`. On the plateau the
/// surface is flat in lr, so repeats agree to the plateau SD; at the lr cliff a small shift
/// collapses the run or not. The alpha/rank cliff is not jittered: its repeats agree (the
/// recordings show no collapse-or-not there).
public struct SurrogateNoiseModel: Sendable, Hashable, Codable {
  /// SD of the cliff jitter, in decades of lr.
  public var cliffJitterDecades: Double
  /// Plateau run-to-run SD per metric.
  public var plateauSD: [String: Double]
  /// The repeated configurations it was calibrated on (or what it was taken from).
  public var calibration: String
  public init(cliffJitterDecades: Double, plateauSD: [String: Double], calibration: String) {
    self.cliffJitterDecades = cliffJitterDecades
    self.plateauSD = plateauSD
    self.calibration = calibration
  }
}
