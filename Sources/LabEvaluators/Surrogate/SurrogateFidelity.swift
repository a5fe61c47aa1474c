// Fidelity of a surrogate's noisy draws to the recordings: repeat spread, score shares, cliffs.
//
// Notation
//   draw(c, rng)   one noisy evaluation of configuration c (the evaluator with noise on)
//   repeat group   recorded evaluated trials with identical converted values (B: 35 pairs, SOO and BaMSOO)
//   s_rec(g)       sample SD (n − 1) of HellaSwag acc over group g;  s_sur(g) the SD of `draws` draws of g
//   plateau        a group whose recorded mean acc ≥ 0.47
//   shares         over N uniform draws of the unit cube (space.point(unit:)): collapsed y < 0.26,
//                  intermediate 0.26 ≤ y < 0.40, high y ≥ 0.47 (HellaSwag acc)
//   Wilson         95 % score interval of a binomial share k/n (Wilson 1927), z = 1.959964:
//                  (k + z²/2)/(n + z²) ± z/(n + z²) · sqrt(k(n − k)/n + z²/4)
//   cliff probes   configurations just across a cliff; their draws are classed collapsed (< 0.30),
//                  between (0.30 ≤ y < 0.42) or high (≥ 0.42)

import Foundation
import LabCore
import LabData

/// The spread of repeated draws of one recorded repeated configuration, against the recordings.
public struct SurrogateRepeatSpread: Sendable, Hashable, Codable {
  public var configuration: [Double]
  public var recordedValues: [Double]
  public var recordedSD: Double
  public var surrogateSD: Double
  /// Whether the recorded mean is on the plateau (≥ 0.47).
  public var plateau: Bool
}

/// The collapsed / intermediate / high shares of a set of values, with Wilson intervals.
public struct SurrogateShares: Sendable, Hashable, Codable {
  public var count: Int
  public var collapsed: Double
  public var intermediate: Double
  public var high: Double
  public var minimum: Double

  /// The shares of `values` (HellaSwag acc).
  public init(_ values: [Double]) {
    count = values.count
    let n = Double(max(values.count, 1))
    collapsed = Double(values.filter { $0 < 0.26 }.count) / n
    intermediate = Double(values.filter { $0 >= 0.26 && $0 < 0.40 }.count) / n
    high = Double(values.filter { $0 >= 0.47 }.count) / n
    minimum = values.min() ?? .nan
  }
}

/// Draws at configurations just across one cliff, classed collapsed / between / high.
public struct SurrogateCliffProbe: Sendable, Hashable, Codable {
  public var name: String
  public var configurations: [[Double]]
  public var draws: Int
  public var collapsed: Double
  public var between: Double
  public var high: Double
  /// The model's collapse probability, averaged over the probe configurations (nil: the model has none).
  public var collapseProbability: Double?
  /// What the recordings give there (e.g. "2 of 8 collapsed at lr = 10^-2.5").
  public var recorded: String
}

/// Measurements of draws against the recordings, independent of how the surrogate is built.
public enum SurrogateFidelity {
  /// The 95 % Wilson score interval of k successes in n trials (Wilson 1927).
  public static func wilson(_ k: Int, _ n: Int, z: Double = 1.959964) -> ClosedRange<Double> {
    guard n > 0 else { return 0...1 }
    let nn = Double(n)
    let kk = Double(k)
    let center = (kk + z * z / 2) / (nn + z * z)
    let half = z / (nn + z * z) * (kk * (nn - kk) / nn + z * z / 4).squareRoot()
    return max(center - half, 0)...min(center + half, 1)
  }

  /// Groups of recorded evaluated trials with identical converted values (2 or more members), in file order.
  public static func repeatGroups(_ trials: [RecordedTrial]) -> [[RecordedTrial]] {
    var groups: [[Double]: [RecordedTrial]] = [:]
    var order: [[Double]] = []
    for t in trials {
      if groups[t.converted] == nil { order.append(t.converted) }
      groups[t.converted, default: []].append(t)
    }
    return order.compactMap { key in (groups[key]?.count ?? 0) >= 2 ? groups[key] : nil }
  }

  /// The sample standard deviation (n − 1); exactly 0 for fewer than 2 values or identical values.
  public static func standardDeviation(_ x: [Double]) -> Double {
    guard x.count >= 2, let lo = x.min(), let hi = x.max(), lo < hi else { return 0 }
    let m = x.reduce(0, +) / Double(x.count)
    return (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot()
  }

  /// The median (nil for no values).
  public static func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let s = values.sorted()
    let m = s.count / 2
    return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
  }

  /// The spread of `draws` draws (streams (seed, group, k)) of every recorded repeated configuration.
  public static func repeatSpreads(
    _ trials: [RecordedTrial], draws: Int = 200, seed: UInt64 = 0,
    draw: (Configuration, inout SeededGenerator) throws -> Double
  ) rethrows -> [SurrogateRepeatSpread] {
    try repeatGroups(trials).enumerated().map { g, group in
      let recorded = group.compactMap { $0.metrics[MetricName.hellaswagAcc] }
      let c = Configuration(values: group[0].converted)
      let sample = try (0..<draws).map { k -> Double in
        var rng = SeededGenerator.stream(seed, UInt64(g), UInt64(k), stableHash("surrogate-repeat"))
        return try draw(c, &rng)
      }
      let mean = recorded.reduce(0, +) / Double(max(recorded.count, 1))
      return SurrogateRepeatSpread(
        configuration: group[0].converted, recordedValues: recorded, recordedSD: standardDeviation(recorded),
        surrogateSD: standardDeviation(sample), plateau: mean >= 0.47)
    }
  }

  /// HellaSwag acc of `count` draws at uniform points of `space` (stream (seed, k) for draw k).
  public static func uniformDraws(
    space: SearchSpace, count: Int, seed: UInt64 = 0, draw: (Configuration, inout SeededGenerator) throws -> Double
  ) rethrows -> [Double] {
    try (0..<count).map { k in
      var rng = SeededGenerator.stream(seed, UInt64(k), stableHash("surrogate-uniform"))
      let unit = (0..<space.dimension).map { _ in rng.uniform() }
      return try draw(space.configuration(for: space.point(unit: unit)), &rng)
    }
  }

  /// Classes `draws` draws at each configuration: collapsed (< 0.30), between ([0.30, 0.42)), high (≥ 0.42).
  public static func cliffProbe(
    name: String, configurations: [Configuration], draws: Int = 200, seed: UInt64 = 0, recorded: String,
    collapseProbability: ((Configuration) throws -> Double)? = nil,
    draw: (Configuration, inout SeededGenerator) throws -> Double
  ) throws -> SurrogateCliffProbe {
    var values: [Double] = []
    for (i, c) in configurations.enumerated() {
      for k in 0..<draws {
        var rng = SeededGenerator.stream(seed, UInt64(i), UInt64(k), stableHash("surrogate-cliff-" + name))
        values.append(try draw(c, &rng))
      }
    }
    let n = Double(max(values.count, 1))
    var probability: Double?
    if let collapseProbability, !configurations.isEmpty {
      probability = try configurations.map(collapseProbability).reduce(0, +) / Double(configurations.count)
    }
    return SurrogateCliffProbe(
      name: name, configurations: configurations.map(\.values), draws: values.count,
      collapsed: Double(values.filter { $0 < 0.30 }.count) / n,
      between: Double(values.filter { $0 >= 0.30 && $0 < 0.42 }.count) / n,
      high: Double(values.filter { $0 >= 0.42 }.count) / n,
      collapseProbability: probability, recorded: recorded)
  }

  /// The recorded configurations at the learning-rate cliff (lr within 0.05 decade of 10^-2.5) whose alpha/rank is
  /// on the plateau (< 0.4), each once, and a sentence saying how many of their recorded runs collapsed (acc < 0.30).
  public static func learningRateCliff(_ trials: [RecordedTrial]) -> (configurations: [Configuration], recorded: String, collapsed: Int, runs: Int) {
    let near = trials.filter { t in
      t.converted.count == 5 && abs(log10(t.converted[3]) + 2.5) < 0.05 && t.converted[1] < 0.4 * t.converted[0]
    }
    var seen = Set<[Double]>()
    let configurations = near.compactMap { t -> Configuration? in seen.insert(t.converted).inserted ? Configuration(values: t.converted) : nil }
    let acc = near.compactMap { $0.metrics[MetricName.hellaswagAcc] }
    let collapsed = acc.filter { $0 < 0.30 }.count
    let between = acc.filter { $0 >= 0.30 && $0 < 0.42 }.count
    return (
      configurations,
      "recorded at lr = 10^-2.5, alpha/rank < 0.4: \(near.count) runs of \(configurations.count) configurations, \(collapsed) collapsed, \(between) between",
      collapsed, near.count
    )
  }

  /// Configurations at alpha/rank ≈ 1.1 (rank 16, 32, 48, 60 on the plateau lr 10^-5.5, dropout 0.25, wd 1e-3),
  /// and what the recordings give near there (alpha/rank within 0.04 decade of 1.1).
  public static func scalingCliff(_ trials: [RecordedTrial], rankUpper: Double) -> (configurations: [Configuration], recorded: String) {
    let ranks = [16.0, 32, 48, 60].filter { $0 <= rankUpper }
    let configurations = ranks.map { r in Configuration(values: [r, (1.1 * r).rounded(), 0.25, pow(10, -5.5), 1e-3]) }
    let near = trials.filter { t in t.converted.count == 5 && abs(log10(t.converted[1] / t.converted[0]) - log10(1.1)) < 0.04 }
    let acc = near.compactMap { $0.metrics[MetricName.hellaswagAcc] }.sorted()
    let listed = acc.map { String(format: "%.3f", $0) }.joined(separator: ", ")
    return (configurations, "recorded near alpha/rank 1.1: \(acc.count) runs, acc \(listed)")
  }
}
