import Foundation
import LabCore
import LabData
import LabOptimizers
import Testing
import LabTestSupport

/// The parsed lines of recorded run `name`.
func recordedTrials(_ name: String) throws -> [RecordedTrial] {
  let folder = try Fixtures.traceFolder()
  return try TraceParser.parse(contentsOf: folder.appendingPathComponent("\(name).json")).trials
}

/// Himmelblau's function on [-5, 5]²: four global minima of 0, at (3, 2), (−2.805118, 3.131312),
/// (−3.779310, −3.283186) and (3.584428, −1.848126).
func himmelblau(_ x: Double, _ y: Double) -> Double {
  let a = x * x + y - 11
  let b = x + y * y - 7
  return a * a + b * b
}

let himmelblauSpace: SearchSpace = {
  guard let s = try? SearchSpace([Parameter("x", .float, lower: -5, upper: 5), Parameter("y", .float, lower: -5, upper: 5)])
  else { fatalError("valid space") }
  return s
}()

/// Runs `proposer` sequentially on −himmelblau until it stops, `limit` evaluations, or f < `stopBelow`; returns the points and values seen, in order.
func runOnHimmelblau<P: Proposer>(
  _ proposer: inout P, limit: Int, seed: UInt64 = 7, stopBelow: Double = -1
) throws -> (points: [Point], values: [Double]) {
  var rng = SeededGenerator(seed: seed)
  var points: [Point] = []
  var values: [Double] = []
  while points.count < limit, let p = try proposer.propose(pending: [], using: &rng) {
    let v = -himmelblau(p.point.base[0], p.point.base[1])
    points.append(p.point)
    values.append(v)
    try proposer.observe(Observation(trial: points.count - 1, point: p.point, result: .value(v)))
    if -v < stopBelow { break }
  }
  return (points, values)
}
