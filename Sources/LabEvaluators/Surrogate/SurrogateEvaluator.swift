// The surrogate as an Evaluator: `surrogate:A`, `surrogate:B`.

import Foundation
import LabCore
import LabData

/// Evaluates configurations on a campaign's fitted surrogate: six fine-tuning metrics and durations.
///
/// A collapsed configuration (learning rate or alpha/rank past a cliff) is a *completed* trial
/// with chance-level scores, as in the recordings — never a failure. With `noise: .on`, every
/// random draw comes from the `rng` passed in (the trial's own stream): 5 numbers for the
/// metrics (the collapse uniform, the collapsed level's normal, one normal per accuracy metric),
/// then 2 normals for the durations (see ``SurrogateModel/draw(_:using:)``).
/// With `.off`, the evaluator returns the mean (expected value over collapse and noise) and the
/// mean durations: repeats are identical.
public struct SurrogateEvaluator: Evaluator {
  /// Whether evaluations carry run-to-run noise.
  public enum Noise: String, Sendable, Hashable, Codable, CaseIterable {
    case on, off
  }

  public let model: SurrogateModel
  public let noise: Noise

  public init(model: SurrogateModel, noise: Noise = .on) {
    self.model = model
    self.noise = noise
  }

  /// The committed surrogate of `campaign`, conditioned on its traces.
  /// - Parameters:
  ///   - traces: the trace folder (default: ``SurrogateLocations/traces(_:)``).
  ///   - surrogates: the folder of fitted files (default: ``SurrogateLocations/surrogates(_:)``).
  /// - Throws: `.notFound` when files are missing; `.invalidInput` when the traces differ from those fitted on.
  public static func load(campaign: Campaign, noise: Noise = .on, traces: String? = nil, surrogates: String? = nil) throws -> SurrogateEvaluator {
    let training = try SurrogateTrainingSet.load(campaign: campaign, directory: try SurrogateLocations.traces(traces))
    return try load(campaign: campaign, training: training, noise: noise, surrogates: surrogates)
  }

  /// The committed surrogate of `campaign` (`surrogates/NAME.json`), conditioned on `training`.
  /// - Throws: `.notFound` when the model file is missing; `.invalidInput` when `training` differs from the trials fitted on.
  public static func load(campaign: Campaign, training: SurrogateTrainingSet, noise: Noise = .on, surrogates: String? = nil) throws -> SurrogateEvaluator {
    let folder = try SurrogateLocations.surrogates(surrogates, for: campaign)
    let spec = try SurrogateSpec.read(from: folder.appendingPathComponent(SurrogateLocations.modelFileName(campaign)))
    return SurrogateEvaluator(model: try SurrogateModel(spec: spec, training: training), noise: noise)
  }

  /// The evaluator called `surrogate:NAME` (also accepts a bare `NAME`; NAME may be an alias such as `B`).
  /// - Throws: `.notFound` for an unknown campaign, listing the known ones.
  public static func named(_ name: String, noise: Noise = .on, traces: String? = nil, surrogates: String? = nil) throws -> SurrogateEvaluator {
    try load(campaign: try campaign(named: name), noise: noise, traces: traces, surrogates: surrogates)
  }

  /// The campaign of `surrogate:NAME` or `NAME` (a shipped campaign's name, or an alias in any case).
  /// - Throws: `.notFound` listing the campaigns and their aliases.
  public static func campaign(named name: String, in catalogue: CampaignCatalogue = .shipped) throws -> Campaign {
    let bare = name.hasPrefix("surrogate:") ? String(name.dropFirst("surrogate:".count)) : name
    do { return try catalogue.campaign(named: bare) } catch {
      throw LabError(.notFound, "unknown surrogate campaign '\(name)'; valid: \(catalogue.validNames) (as surrogate:NAME)")
    }
  }

  public var name: String { "surrogate:\(model.campaign.name)" }
  public var metricNames: [String] { MetricName.fineTuning }

  /// The surrogate's metrics and durations for `configuration` (converted values: rank, alpha, dropout, lr, wd).
  /// - Throws: `.invalidInput` for a configuration with the wrong number of values or a non-positive
  ///   rank, alpha, lr or weight decay. A collapsed configuration is not an error.
  public func evaluate(_ configuration: Configuration, at point: Point, trial: TrialID, using rng: inout SeededGenerator) throws -> Evaluation {
    let values = noise == .on ? try model.draw(configuration, using: &rng) : try model.mean(configuration)
    var metrics = Metrics()
    for (metric, value) in values {
      metrics[metric] = value
      if let se = model.standardError(of: metric, at: value) { metrics[se.name] = se.value }
    }
    let durations = model.durations(rank: configuration.values[0], noise: noise == .on, using: &rng)
    return Evaluation(outcome: .success(metrics), durations: durations, source: .surrogate(campaign: model.campaign.name))
  }
}
