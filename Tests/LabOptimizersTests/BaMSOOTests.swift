import LabCore
import LabOptimizers
import Testing

/// A cheap deterministic posterior: the mean is the value of the nearest evaluated centre, the
/// standard deviation grows with the (unit-cube) distance to it. Enough to exercise BaMSOO's decisions.
struct NearestNeighbourModel: PosteriorModel {
  var points: [Point] = []
  var values: [Double] = []
  var spread = 40.0
  mutating func fit(points: [Point], values: [Double], using rng: inout SeededGenerator) throws {
    self.points = points
    self.values = values
  }
  func predict(at point: Point) throws -> (mean: Double, standardDeviation: Double) {
    var best = (distance: Double.infinity, value: 0.0)
    for (p, v) in zip(points, values) {
      let d = zip(p.unit, point.unit).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
      if d < best.distance { best = (d, v) }
    }
    return (best.value, spread * best.distance)
  }
}

@Suite struct BaMSOOTests {
  @Test func bamsooNeverEvaluatesALeafWhoseUCBIsBelowFPlus() throws {
    // Track f⁺ independently from the results and approximations, and recompute each bound.
    var bamsoo = try BaMSOO(
      space: himmelblauSpace, model: PosteriorConfidence(NearestNeighbourModel()), eta: 0.5,
      options: TreeSearchOptions(budget: 80, loopCondition: .atMostBudget))
    var rng = SeededGenerator(seed: 3)
    var fPlus = -Double.infinity
    var evaluated = 0
    var approximated = 0
    var trial = 0
    while let p = try bamsoo.propose(pending: [], using: &rng) {
      for a in bamsoo.takeApproximations() {
        #expect(a.upper < fPlus, "approximated \(a.point) with UCB \(a.upper) ≥ f⁺ \(fPlus)")
        #expect(a.value == a.lower)
        fPlus = max(fPlus, a.value)
        approximated += 1
      }
      if let ucb = p.info["ucb"].flatMap(Double.init) {
        #expect(ucb >= fPlus, "evaluated \(p.point) with UCB \(ucb) < f⁺ \(fPlus)")
        #expect(p.info["f_plus"].flatMap(Double.init) == fPlus)
      } else {
        #expect(trial == 0, "only the root is evaluated without a bound")
      }
      let v = -himmelblau(p.point.base[0], p.point.base[1])
      try bamsoo.observe(Observation(trial: trial, point: p.point, result: .value(v)))
      fPlus = max(fPlus, v)
      trial += 1
      evaluated += 1
    }
    #expect(evaluated >= 81, "sweeps start while n ≤ 80")
    #expect(approximated > 0, "the model should have saved some evaluations")
    #expect(bamsoo.bestScore == fPlus)
    try bamsoo.tree.checkInvariants()
  }

  @Test func bamsooOnHimmelblauIsReproducibleForAFixedSeed() throws {
    func run() throws -> [[Double]] {
      var b = try BaMSOO(space: himmelblauSpace, budget: 30)
      return try runOnHimmelblau(&b, limit: 40, seed: 11).points.map(\.base)
    }
    let first = try run()
    #expect(first.count >= 31)
    #expect(try run() == first)
  }

  @Test(.timeLimit(.minutes(1)))
  func sooReachesHimmelblausMinimumRegionWithin200Evaluations() throws {
    var soo = try SOO(space: himmelblauSpace, options: TreeSearchOptions(budget: 200))
    let (points, values) = try runOnHimmelblau(&soo, limit: 200, stopBelow: 0.05)
    let best = try #require(values.indices.max { values[$0] < values[$1] })
    #expect(-values[best] < 0.05, "best f = \(-values[best]) at \(points[best])")
  }

  @Test(.timeLimit(.minutes(1)))
  func bamsooReachesHimmelblausMinimumRegionWithin200Evaluations() throws {
    var b = try BaMSOO(space: himmelblauSpace, budget: 200)
    let (points, values) = try runOnHimmelblau(&b, limit: 200, stopBelow: 0.05)
    let best = try #require(values.indices.max { values[$0] < values[$1] })
    #expect(-values[best] < 0.05, "best f = \(-values[best]) at \(points[best]) after \(values.count) evaluations")
    #expect(b.tree.nodes.contains { $0.kind == .approximated })
  }
}
