import LabCore

/// Random search: every proposal is an independent uniform draw in the unit cube.
///
/// The baseline of Bergstra and Bengio (2012), "Random search for
/// hyper-parameter optimization", JMLR 13. Ignores observations and pending
/// points; never runs out (the simulator's budget stops it).
/// - Complexity: O(d) per proposal.
public struct RandomSearch: Proposer, Sendable {
  public let space: SearchSpace
  public var name: String { "random" }

  public init(space: SearchSpace) { self.space = space }

  public mutating func propose(pending: [Point], using rng: inout SeededGenerator) throws -> Proposal? {
    var unit = [Double](repeating: 0, count: space.dimension)
    for i in unit.indices { unit[i] = rng.uniform() }
    return Proposal(point: space.point(unit: unit))
  }

  public mutating func observe(_ observation: Observation) throws {
    try validate(observation, proposer: name)
  }
}

/// Rejects an observation whose value is not finite, naming the trial and the proposer.
/// - Throws: ``LabError`` `.invalidInput`.
public func validate(_ observation: Observation, proposer: String) throws {
  if case .value(let v) = observation.result, !v.isFinite {
    throw LabError(
      .invalidInput, "\(proposer): trial \(observation.trial) reported a non-finite value (\(v)) at \(observation.point)")
  }
}
