// Engineered inputs and the output warping of the surrogate.
//
// Notation (c = converted configuration: rank, alpha, dropout, lr, wd)
//   q   = log10(alpha / rank)       LoRA scaling; the cliff sits near q ≈ 0 (alpha/rank ≈ 1)
//   λ   = log10(lr)                 the other cliff sits near λ ≈ −2.5
//   ρ   = log10(rank)
//   f   = ((q − q_lo)/(q_hi − q_lo), (λ − λ_lo)/(λ_hi − λ_lo), (ρ − ρ_lo)/(ρ_hi − ρ_lo),
//          dropout / dropout_hi, (log10 wd − ω_lo)/(ω_hi − ω_lo))   ∈ [0, 1]^5 over the search space
//   y   a metric in [L, U]; L = min observed − 0.01, U = max observed + 0.005
//   z   = logit((y − L) / (U − L))  the latent scale the Gaussian process models;  y = L + (U − L) σ(z)
//
// Warping the output through a bounded link (Snelson, Rasmussen and Ghahramani, "Warped Gaussian
// processes", NIPS 2004) makes every prediction lie in (L, U): the surrogate cannot invent an
// optimum more than 0.005 above the best recorded trial, and a flat plateau near U stays flat.

import Foundation
import LabCore

/// The map from a configuration to the surrogate's five features in [0, 1].
public struct SurrogateFeatures: Sendable, Hashable, Codable {
  /// Range of log10(alpha / rank) over the space.
  public var scaling: ClosedRange<Double>
  /// Range of log10(lr).
  public var learningRate: ClosedRange<Double>
  /// Range of log10(rank).
  public var rank: ClosedRange<Double>
  /// Upper bound of dropout (lower is 0).
  public var dropoutUpper: Double
  /// Range of log10(weight decay).
  public var weightDecay: ClosedRange<Double>

  /// The feature map of `space`, which must have the five fine-tuning parameters in the recorded order.
  /// - Throws: `.invalidSearchSpace` naming the missing parameter.
  public init(space: SearchSpace) throws {
    func parameter(_ name: String, at index: Int) throws -> Parameter {
      guard space.dimension == 5, space.parameters[index].name == name else {
        throw LabError(
          .invalidSearchSpace,
          "the surrogate needs the parameters lora_rank, lora_alpha, lora_dropout, learning_rate, weight_decay in this order; got \(space.names.joined(separator: ", "))"
        )
      }
      return space.parameters[index]
    }
    let r = try parameter("lora_rank", at: 0)
    let a = try parameter("lora_alpha", at: 1)
    let p = try parameter("lora_dropout", at: 2)
    let lr = try parameter("learning_rate", at: 3)
    let wd = try parameter("weight_decay", at: 4)
    let rankLo = max(r.lower, 1)
    scaling = log10(max(a.lower, 1) / r.upper)...log10(a.upper / rankLo)
    learningRate = lr.lower...lr.upper
    rank = log10(rankLo)...log10(r.upper)
    dropoutUpper = p.upper
    weightDecay = wd.lower...wd.upper
  }

  /// The features of `configuration` (rank, alpha, dropout, lr, wd as trained).
  /// - Throws: `.invalidInput` when the configuration has not 5 values or a value that cannot be logged.
  public func features(_ configuration: Configuration) throws -> [Double] {
    let c = configuration.values
    guard c.count == 5 else {
      throw LabError(.invalidInput, "the surrogate expects 5 values (rank, alpha, dropout, lr, wd), got \(c.count): \(configuration)")
    }
    guard c[0] > 0, c[1] > 0, c[3] > 0, c[4] > 0, c.allSatisfy(\.isFinite) else {
      throw LabError(.invalidInput, "the surrogate needs positive finite rank, alpha, learning rate and weight decay, got \(configuration)")
    }
    return features(logScaling: log10(c[1] / c[0]), logLearningRate: log10(c[3]), logRank: log10(c[0]), dropout: c[2], logWeightDecay: log10(c[4]))
  }

  /// The features from the engineered quantities themselves.
  public func features(logScaling q: Double, logLearningRate l: Double, logRank r: Double, dropout: Double, logWeightDecay w: Double) -> [Double] {
    [
      (q - scaling.lowerBound) / (scaling.upperBound - scaling.lowerBound),
      (l - learningRate.lowerBound) / (learningRate.upperBound - learningRate.lowerBound),
      (r - rank.lowerBound) / (rank.upperBound - rank.lowerBound),
      dropout / dropoutUpper,
      (w - weightDecay.lowerBound) / (weightDecay.upperBound - weightDecay.lowerBound),
    ]
  }

  /// Feature units per decade of log10(alpha / rank) and of log10(lr): used to jitter the cliffs.
  public var perDecade: (scaling: Double, learningRate: Double) {
    (1 / (scaling.upperBound - scaling.lowerBound), 1 / (learningRate.upperBound - learningRate.lowerBound))
  }
}

/// The bounded output link y = L + (U − L) σ(z) of one metric.
public struct SurrogateWarp: Sendable, Hashable, Codable {
  /// L: below every recorded value.
  public var lower: Double
  /// U: the highest value the surrogate can ever predict.
  public var upper: Double

  public init(lower: Double, upper: Double) {
    self.lower = lower
    self.upper = upper
  }

  /// The latent value of an observation (clamped 1e-6 inside the bounds).
  public func latent(_ y: Double) -> Double {
    let p = min(max((y - lower) / (upper - lower), 1e-6), 1 - 1e-6)
    return log(p / (1 - p))
  }

  /// The observation scale value of latent `z`.
  public func value(_ z: Double) -> Double { lower + (upper - lower) / (1 + exp(-z)) }
}
