import Foundation
import LabCore
import LabData
import LabPlot
import LabStatistics
import Testing

/// The golden `.dat` files detect change; these tests check content against values computed by hand.
///
/// Each builds a tiny run by hand, writes the figure's data table and compares the numbers of
/// each row with the values worked out in the comments (type-7 quantiles: for three sorted
/// values a ≤ b ≤ c, q1 = (a + b) / 2, median = b, q3 = (b + c) / 2).
@Suite struct HandComputedDataTests {
  /// One completed trial per (worker, start, end, score), or a failed one when score is nil; times in seconds.
  static func run(seed: UInt64, workers: Int = 1, trials: [(worker: Int, start: Double, end: Double, score: Double?)]) -> RunRecord {
    let space = SearchSpace.llama32_1B
    let records = trials.enumerated().map { id, t in
      let point = space.point(unit: [Double](repeating: 0.5, count: space.dimension))
      return TrialRecord(
        id: id, point: point, configuration: space.configuration(for: point), state: t.score == nil ? .failed : .completed,
        metrics: t.score.map { Metrics([MetricName.hellaswagAcc: $0]) } ?? Metrics(), failure: t.score == nil ? FailureReason("collapsed") : nil,
        durations: Durations(training: t.end - t.start, evaluation: 0), worker: t.worker, start: t.start, end: t.end,
        source: .function(name: "hand"))
    }
    let spec = RunSpec(algorithm: "bo", evaluator: "hand", space: space, workers: workers, mode: .async, seed: seed, budget: trials.count)
    return RunRecord(spec: spec, trials: records, makespan: records.map(\.end).max() ?? 0)
  }

  /// The numeric rows of block `block` of a data table's text (`# block k: …` up to the next blank line).
  static func rows(_ text: String, block: Int) throws -> [[Double]] {
    let lines = text.components(separatedBy: "\n")
    let start = try #require(lines.firstIndex { $0.hasPrefix("# block \(block):") }, "no block \(block) in\n\(text)")
    var out: [[Double]] = []
    for line in lines[(start + 1)...] {
      if line.isEmpty { break }
      out.append(line.split(separator: " ").compactMap { Double($0) })
    }
    return out
  }

  static func close(_ a: [[Double]], _ b: [[Double]]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { r, s in
      r.count == s.count && zip(r, s).allSatisfy { x, y in (x.isNaN && y.isNaN) || abs(x - y) < 1e-6 }
    }
  }

  @Test func convergenceRowsAreTheHandComputedMedianAndQuartilesOfBestSoFar() throws {
    // Scores per evaluation → best so far:
    //   seed 0: 0.30 0.50 0.40 → 0.30 0.50 0.50
    //   seed 1: 0.20 0.20 0.60 → 0.20 0.20 0.60
    //   seed 2: 0.40 0.10 0.45 → 0.40 0.40 0.45
    // Sorted at n = 1: 0.2 0.3 0.4 → (median, q1, q3) = (0.3, 0.25, 0.35)
    //           n = 2: 0.2 0.4 0.5 → (0.4, 0.3, 0.45)
    //           n = 3: 0.45 0.5 0.6 → (0.5, 0.475, 0.55)
    let scores: [[Double]] = [[0.30, 0.50, 0.40], [0.20, 0.20, 0.60], [0.40, 0.10, 0.45]]
    let runs = scores.enumerated().map { seed, s in
      Self.run(seed: UInt64(seed), trials: s.enumerated().map { (0, Double($0.offset) * 1800, Double($0.offset + 1) * 1800, $0.element) })
    }
    let figure = try Figures.convergence(try ConvergenceData.summarizing(runs, axis: .evaluations), style: .standard(.png))
    let table = try #require(figure.tables.first)
    // Steps: from the second x on, each x repeats the previous row before its own.
    let expected: [[Double]] = [
      [1, 0.3, 0.25, 0.35],
      [2, 0.3, 0.25, 0.35], [2, 0.4, 0.3, 0.45],
      [3, 0.4, 0.3, 0.45], [3, 0.5, 0.475, 0.55],
    ]
    let got = try Self.rows(table.text, block: 0)
    #expect(Self.close(got, expected), "\(got)")
  }

  @Test func timelineRowsAreTheTrialsInHoursOnTheirWorkers() throws {
    // Worker 0: trial 0 from 0 to 1800 s (0.3), trial 2 from 1800 to 5400 s (failed); worker 1: trial 1 from 0 to 3600 s (0.5).
    // In hours: 0–0.5, 0.5–1.5 and 0–1; completed bars in block 0, the failed one in block 1.
    let record = Self.run(seed: 0, workers: 2, trials: [(0, 0, 1800, 0.3), (1, 0, 3600, 0.5), (0, 1800, 5400, nil)])
    let figure = try Figures.timeline(TimelineData(run: record), style: .standard(.png))
    let table = try #require(figure.tables.first)
    // Columns: worker start_hours end_hours score trial (label colour dropped: it is not a number here).
    let completed = try Self.rows(table.text, block: 0).map { Array($0.prefix(5)) }
    let failed = try Self.rows(table.text, block: 1).map { Array($0.prefix(5)) }
    #expect(Self.close(completed, [[0, 0, 0.5, 0.3, 0], [1, 0, 1, 0.5, 1]]), "\(completed)")
    #expect(Self.close(failed, [[0, 0.5, 1.5, .nan, 2]]), "\(failed)")
  }
}
