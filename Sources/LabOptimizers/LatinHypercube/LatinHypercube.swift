import LabCore

/// A Latin hypercube design of `n` points in [0, 1]^d (McKay, Beckman and Conover, 1979).
///
/// Each dimension is cut into `n` equal strata; each stratum holds exactly one
/// point, at a uniform position within it, and the strata are matched across
/// dimensions by independent random permutations.
///
/// - Parameters:
///   - count: the number of points, n ≥ 1.
///   - dimension: d ≥ 1.
///   - centered: put each point at the centre of its stratum instead of a uniform position.
/// - Returns: `count` rows of `dimension` coordinates.
/// - Complexity: O(n·d).
public func latinHypercube(
  count: Int, dimension: Int, centered: Bool = false, using rng: inout SeededGenerator
) -> [[Double]] {
  precondition(count >= 1 && dimension >= 1, "a Latin hypercube needs n ≥ 1 and d ≥ 1")
  var design = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: count)
  let width = 1.0 / Double(count)
  for j in 0..<dimension {
    var strata = Array(0..<count)
    rng.shuffle(&strata)
    for i in 0..<count {
      let offset = centered ? 0.5 : rng.uniform()
      design[i][j] = (Double(strata[i]) + offset) * width
    }
  }
  return design
}

/// Latin hypercube sampling as a proposer: a design of `count` points drawn at the first proposal, proposed in order.
///
/// When the design is used up the proposer returns `nil` (done). The recorded
/// `lhs.json` / `lhs_bis.json` runs are designs of 50 points. Proposals do not
/// depend on observations, so a recorded LHS run can be re-timed under any
/// number of workers.
///
/// McKay, Beckman and Conover (1979), "A comparison of three methods for
/// selecting values of input variables in the analysis of output from a
/// computer code", Technometrics 21(2).
/// - Complexity: O(count·d) once, then O(1) per proposal.
public struct LatinHypercubeSearch: Proposer, Sendable {
  public let space: SearchSpace
  public let count: Int
  private var design: [[Double]]? = nil
  private var next = 0
  public var name: String { "lhs" }

  /// - Throws: `.invalidInput` when `count < 1`.
  public init(space: SearchSpace, count: Int) throws {
    guard count >= 1 else { throw LabError(.invalidInput, "lhs: the design needs at least one point, got \(count)") }
    self.space = space
    self.count = count
  }

  /// A proposer that replays a given design (unit coordinates), e.g. a recorded one.
  public init(space: SearchSpace, design: [[Double]]) throws {
    guard !design.isEmpty else { throw LabError(.invalidInput, "lhs: the design is empty") }
    self.space = space
    self.count = design.count
    self.design = design
  }

  public mutating func propose(pending: [Point], using rng: inout SeededGenerator) throws -> Proposal? {
    if design == nil { design = latinHypercube(count: count, dimension: space.dimension, using: &rng) }
    guard let design, next < design.count else { return nil }
    defer { next += 1 }
    return Proposal(point: space.point(unit: design[next]), info: ["index": String(next)])
  }

  public mutating func observe(_ observation: Observation) throws {
    try validate(observation, proposer: name)
  }
}
