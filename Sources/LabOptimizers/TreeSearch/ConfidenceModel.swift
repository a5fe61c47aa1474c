// Notation
//   D_t = {(x_i, y_i)}      the evaluated leaf centres and their scores (larger is better), creation order
//   μ(x), σ(x)               a model's posterior mean and standard deviation at x, after fitting on D_t
//   B_N = sqrt(2 log(π² N² / (6 η)))    BaMSOO's confidence multiplier; N = nodes in the tree, η ∈ (0, 1]
//   UCB(x) = μ(x) + B_N σ(x),  LCB(x) = μ(x) − B_N σ(x)

import LabCore
import LabData

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What BaMSOO asks its model about one leaf: the centre, where the leaf sits in the tree, and B_N.
public struct LeafQuery: Sendable, Hashable {
  /// The leaf's centre (exact base values and unit coordinates).
  public var point: Point
  /// The leaf's depth and index (lets a recorded model answer by node, see ``RecordedConfidence``).
  public var key: NodeKey
  /// N, the number of nodes in the tree before this leaf.
  public var nodeCount: Int
  /// B_N for this N and the run's η.
  public var beta: Double
  public init(point: Point, key: NodeKey, nodeCount: Int, beta: Double) {
    self.point = point
    self.key = key
    self.nodeCount = nodeCount
    self.beta = beta
  }
}

/// A lower and an upper confidence bound on a leaf's score (larger is better).
public struct ConfidenceBounds: Sendable, Hashable {
  public var lower: Double
  public var upper: Double
  public init(lower: Double, upper: Double) {
    self.lower = lower
    self.upper = upper
  }
}

/// Gives BaMSOO the confidence bounds of a leaf centre from the evaluations so far.
///
/// A leaf is evaluated only when its upper bound reaches f⁺ (the best score so far);
/// otherwise it is scored by its lower bound. Conform a posterior model (mean and
/// standard deviation) through ``PosteriorModel`` and ``PosteriorConfidence``; replay
/// a recording's decisions through ``RecordedConfidence``.
public protocol ConfidenceModel {
  /// Refits on the evaluated centres `points` and their `values` (larger is better), in creation order.
  /// - Throws: ``LabError`` `.numerical` when the model cannot be fitted.
  mutating func fit(points: [Point], values: [Double], using rng: inout SeededGenerator) throws
  /// The bounds at `query.point` with multiplier `query.beta`, after the last ``fit(points:values:using:)``.
  mutating func bounds(for query: LeafQuery) throws -> ConfidenceBounds
}

/// A regression model that predicts a mean and a standard deviation at a point (a Gaussian process).
public protocol PosteriorModel {
  /// Refits on `points` and their `values` (larger is better).
  mutating func fit(points: [Point], values: [Double], using rng: inout SeededGenerator) throws
  /// The posterior mean and standard deviation of the score at `point`.
  func predict(at point: Point) throws -> (mean: Double, standardDeviation: Double)
}

/// The bounds μ ± B_N σ of a ``PosteriorModel``: BaMSOO as published (Wang et al. 2014, eq. 3.2 of the seed report).
public struct PosteriorConfidence<Model: PosteriorModel>: ConfidenceModel {
  public var model: Model
  public init(_ model: Model) { self.model = model }

  public mutating func fit(points: [Point], values: [Double], using rng: inout SeededGenerator) throws {
    try model.fit(points: points, values: values, using: &rng)
  }

  public mutating func bounds(for query: LeafQuery) throws -> ConfidenceBounds {
    let (mean, sd) = try model.predict(at: query.point)
    guard mean.isFinite, sd.isFinite, sd >= 0 else {
      throw LabError(.numerical, "bamsoo: the model predicted mean \(mean), sd \(sd) at \(query.point) (node \(query.key))")
    }
    return ConfidenceBounds(lower: mean - query.beta * sd, upper: mean + query.beta * sd)
  }
}

/// BaMSOO's confidence multiplier B_N = sqrt(2 log(π² N² / (6 η))) (Wang, Shakibi, Jin and de Freitas 2014).
///
/// - Precondition: N ≥ 1 and 0 < η ≤ 1, so that the logarithm is positive.
public func bamsooBeta(nodeCount n: Int, eta: Double) -> Double {
  let nn = Double(max(n, 1))
  return (2 * log(Double.pi * Double.pi * nn * nn / (6 * eta))).squareRoot()
}

/// Replays a recorded BaMSOO run's decisions: evaluate where the recording evaluated, otherwise its recorded LCB/UCB.
///
/// Answers by node (depth, index): a node the recording evaluated gets (−∞, +∞), so it is
/// evaluated whatever f⁺ is; an approximated node gets its recorded (LCB, UCB). With these
/// decisions injected, the tree reproduces `bamsoo_bis.json` line for line.
public struct RecordedConfidence: ConfidenceModel, Sendable {
  private var decisions: [NodeKey: ConfidenceBounds] = [:]
  /// The run the decisions come from, for messages.
  public let run: String

  /// The decisions of `trials` (lines of one recorded BaMSOO run).
  /// - Throws: ``LabError`` `.invalidInput` when a line lacks `depth`/`depth_id`, or an approximated line lacks its bounds.
  public init(trials: [RecordedTrial]) throws {
    run = trials.first?.run ?? "?"
    for t in trials {
      guard let depth = t.info("depth").flatMap(Self.integer), let index = t.info("depth_id").flatMap(Self.integer) else {
        throw LabError(
          .invalidInput, "recorded line has no integer depth/depth_id in its info",
          location: LabError.Location(file: "\(t.run).json", line: t.line, field: "info"))
      }
      let key = NodeKey(depth: depth, index: index)
      switch t.state {
      case .evaluated:
        decisions[key] = ConfidenceBounds(lower: -.infinity, upper: .infinity)
      case .approximated:
        guard let lcb = t.lcb, let ucb = t.ucb else {
          throw LabError(
            .invalidInput, "approximated line has no UCB/LCB",
            location: LabError.Location(file: "\(t.run).json", line: t.line, field: "score"))
        }
        decisions[key] = ConfidenceBounds(lower: lcb, upper: ucb)
      }
    }
  }

  static func integer(_ value: TraceValue) -> Int? {
    switch value {
    case .int(let v): return v
    case .string(let s): return Int(s)
    case .double(let d): return d == d.rounded() ? Int(exactly: d) : nil
    case .null: return nil
    }
  }

  public mutating func fit(points: [Point], values: [Double], using rng: inout SeededGenerator) throws {}

  public mutating func bounds(for query: LeafQuery) throws -> ConfidenceBounds {
    guard let b = decisions[query.key] else {
      throw LabError(
        .notFound,
        "\(run) has no line for node \(query.key) at \(query.point): the tree left the recording here")
    }
    return b
  }
}
