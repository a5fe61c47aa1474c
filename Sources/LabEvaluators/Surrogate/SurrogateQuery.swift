// "What would this configuration give?": the surrogate's answer for one configuration.
//
// Notation
//   c              the configuration as trained (rank, alpha, dropout, lr, wd), each inside the space's converted bounds
//   draws          `samples` noisy evaluations, draw k from SeededGenerator.stream(seed, k, hash("surrogate-query"))
//   quantiles      empirical 5 / 50 / 95 % of the draws (type 7: linear between order statistics, as numpy's default)

import Foundation
import LabCore
import LabData

/// Mean and 5 / 50 / 95 % quantiles of one sampled quantity.
public struct SurrogateQuantiles: Sendable, Hashable, Codable {
  public var mean: Double
  public var q05: Double
  public var q50: Double
  public var q95: Double

  /// The summary of `values` with the given `mean` (the model's expected value, or the sample mean when nil).
  public init(_ values: [Double], mean: Double? = nil) {
    let s = values.sorted()
    func q(_ p: Double) -> Double {
      guard !s.isEmpty else { return .nan }
      let h = p * Double(s.count - 1)
      let i = Int(h.rounded(.down))
      let j = min(i + 1, s.count - 1)
      return s[i] + (h - Double(i)) * (s[j] - s[i])
    }
    self.mean = mean ?? (s.isEmpty ? .nan : s.reduce(0, +) / Double(s.count))
    q05 = q(0.05)
    q50 = q(0.5)
    q95 = q(0.95)
  }
}

/// The answer of `hpolab surrogate query`.
public struct SurrogateQueryResult: Sendable, Hashable, Codable {
  /// The campaign's name.
  public var campaign: String
  /// The parameter names, in the space's order.
  public var parameters: [String]
  public var configuration: [String: Double]
  public var samples: Int
  public var seed: UInt64
  public var collapseProbability: Double
  /// Per accuracy metric: the model's mean and the quantiles of the draws.
  public var metrics: [String: SurrogateQuantiles]
  public var trainingMinutes: SurrogateQuantiles
  public var evaluationMinutes: SurrogateQuantiles
}

/// One configuration evaluated on a surrogate, with its uncertainty.
public enum SurrogateQuery {
  /// The configuration named by `settings` (NAME=VALUE, values as trained), every parameter of `space` once.
  /// - Throws: `.invalidInput` naming an unknown, repeated, missing or unparsable parameter, or a value outside
  ///   the space (with its bounds as trained).
  public static func configuration(_ settings: [String], space: SearchSpace) throws -> Configuration {
    var values: [String: Double] = [:]
    for setting in settings {
      guard let eq = setting.firstIndex(of: "=") else {
        throw LabError(.invalidInput, "--set '\(setting)' is not NAME=VALUE")
      }
      let name = String(setting[..<eq])
      let text = String(setting[setting.index(after: eq)...])
      guard let parameter = space.parameters.first(where: { $0.name == name }) else {
        throw LabError(.invalidInput, "unknown parameter '\(name)'; the space has \(space.names.joined(separator: ", "))")
      }
      guard values[name] == nil else { throw LabError(.invalidInput, "parameter '\(name)' is set twice") }
      guard let v = Double(text), v.isFinite else {
        throw LabError(.invalidInput, "\(name)=\(text) is not a number")
      }
      let lo = parameter.convert(parameter.lower, integers: space.integerConversion)
      let hi = parameter.convert(parameter.upper, integers: space.integerConversion)
      // Relative tolerance for the log bounds (10^-10 written as 1e-10).
      let slack = parameter.kind == .log ? 1e-9 * hi : 0
      guard v >= lo * (parameter.kind == .log ? 1 - 1e-9 : 1), v <= hi + slack else {
        throw LabError(.invalidInput, "\(name)=\(text) is outside the space: \(name) must be in [\(format(lo)), \(format(hi))]")
      }
      if parameter.kind == .int && v != v.rounded() {
        throw LabError(.invalidInput, "\(name)=\(text) must be an integer in [\(format(lo)), \(format(hi))]")
      }
      values[name] = v
    }
    let missing = space.names.filter { values[$0] == nil }
    guard missing.isEmpty else {
      throw LabError(.invalidInput, "missing --set for \(missing.joined(separator: ", ")) (every parameter of the space is needed)")
    }
    return Configuration(values: space.names.map { values[$0] ?? 0 })
  }

  /// `samples` noisy draws of `configuration` on `model`, summarised.
  /// - Throws: `.invalidInput` for fewer than 1 sample or a configuration the model cannot take.
  public static func run(_ model: SurrogateModel, configuration: Configuration, samples: Int = 200, seed: UInt64 = 0) throws -> SurrogateQueryResult {
    guard samples >= 1 else { throw LabError(.invalidInput, "--samples must be at least 1, got \(samples)") }
    let mean = try model.mean(configuration)
    var draws: [String: [Double]] = [:]
    var training: [Double] = []
    var evaluation: [Double] = []
    for k in 0..<samples {
      var rng = SeededGenerator.stream(seed, UInt64(k), stableHash("surrogate-query"))
      for (metric, y) in try model.draw(configuration, using: &rng) { draws[metric, default: []].append(y) }
      let d = model.durations(rank: configuration.values[0], noise: true, using: &rng)
      training.append(d.training / 60)
      evaluation.append(d.evaluation / 60)
    }
    var metrics: [String: SurrogateQuantiles] = [:]
    for (metric, values) in draws { metrics[metric] = SurrogateQuantiles(values, mean: mean[metric]) }
    let space = model.campaign.space
    return SurrogateQueryResult(
      campaign: model.campaign.name, parameters: space.names,
      configuration: Dictionary(uniqueKeysWithValues: zip(space.names, configuration.values)),
      samples: samples, seed: seed, collapseProbability: try model.collapseProbability(configuration), metrics: metrics,
      trainingMinutes: SurrogateQuantiles(training), evaluationMinutes: SurrogateQuantiles(evaluation))
  }

  /// The result as text, one line per quantity.
  public static func text(_ r: SurrogateQueryResult) -> String {
    var lines = ["surrogate \(r.campaign) at " + r.parameters.map { "\($0)=\(format(r.configuration[$0] ?? .nan))" }.joined(separator: " ")]
    lines.append(String(format: "collapse probability %.4f; %d draws, seed %llu", r.collapseProbability, r.samples, r.seed))
    lines.append("quantity               mean      5%        50%       95%")
    func row(_ name: String, _ q: SurrogateQuantiles, _ f: String) -> String {
      name.padding(toLength: 22, withPad: " ", startingAt: 0) + " " + [q.mean, q.q05, q.q50, q.q95].map { String(format: f, $0) }.joined(separator: " ")
    }
    for metric in SurrogateSpec.modelledMetrics { if let q = r.metrics[metric] { lines.append(row(metric, q, "%-9.4f")) } }
    lines.append(row("training minutes", r.trainingMinutes, "%-9.2f"))
    lines.append(row("evaluation minutes", r.evaluationMinutes, "%-9.2f"))
    return lines.joined(separator: "\n")
  }

  static func format(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e6 ? String(Int(x)) : String(format: "%g", x)
  }
}
