import Foundation
import LabCore
import LabData
import LabEvaluators
import LabStatistics
import LabStore

/// The statistics of a finished (or partly finished) study, ready to print as Markdown, CSV or JSON.
///
/// Per group (algorithm × evaluator × workers × mode, over seeds): the final
/// score's median, quartiles and interquartile mean with a 95 % bootstrap
/// interval; time-to-target with a Kaplan–Meier median when some runs never
/// reach it; the median simulated hours. Across groups: the Friedman test
/// with average ranks (blocks = evaluator × workers × mode × seed), pairwise
/// Mann–Whitney U tests with Holm's correction, speed-up against one worker,
/// and where each recorded run falls among its simulated counterparts.
public struct StudyReport: Sendable, Codable {
  /// One row of the per-group table.
  public struct Group: Sendable, Codable {
    public var algorithm: String
    public var evaluator: String
    public var workers: Int
    public var mode: String
    public var metric: String
    public var direction: String
    public var runs: Int
    public var final: Summary
    /// The runs' final scores in seed order.
    public var finals: [Double]
    public var seeds: [UInt64]
    public var evaluationsMedian: Double
    public var hoursMedian: Double
    public var target: Double?
    public var targetReached: Int?
    /// Kaplan–Meier median time-to-target, hours (nil: not reached by half the runs, or no target).
    public var timeToTargetMedian: Double?
    /// Best-so-far over seeds against evaluations 1 … max.
    public var curveEvaluations: CurveSummary
    /// Best-so-far over seeds against simulated hours, 61 points from 0 to the longest run (or the hours limit).
    public var curveHours: CurveSummary
  }

  /// A pairwise comparison within one evaluator × workers × mode.
  public struct Comparison: Sendable, Codable {
    public var evaluator: String
    public var workers: Int
    public var mode: String
    public var a: String
    public var b: String
    /// `mann-whitney` (independent samples) or `wilcoxon` (paired by seed, when the study says `paired = true`).
    /// `method` is `exact` (no ties), `permutation` (exact, with ties) or `normal`.
    public var test: String
    /// U1 (the U of `a`: pairs with a's score above b's, ties counting ½; scipy's statistic) for Mann–Whitney,
    /// T = min(W+, W−) for Wilcoxon.
    public var u: Double
    public var p: Double
    public var pHolm: Double
    public var method: String
    /// The algorithm with the better median (nil on a tie).
    public var better: String?
    /// Practical significance of A over B: Δ (positive: A better), its bootstrap CI, A12, Cliff's δ and the verdict
    /// at the evaluator's ROPE (paired by seed when the study is paired).
    public var effect: PairEffect?
  }

  /// The plain-language reading of one evaluator × workers × mode cell.
  public struct CellSummary: Sendable, Codable {
    public var evaluator: String
    public var workers: Int
    public var mode: String
    /// Best median first: `bo ≥ random > soo ≈ bamsoo` (`>` better beyond the ROPE, `≈` practically equivalent, `≥` undecided).
    public var chain: String
    /// The best-median algorithm and every one not worse than it by more than the ROPE.
    public var top: [String]
    public var sentence: String
  }

  /// Speed-up of one algorithm on one evaluator and mode.
  public struct Scaling: Sendable, Codable {
    public var algorithm: String
    public var evaluator: String
    public var mode: String
    /// What `time` measures: `time-to-target` or `makespan`.
    public var measure: String
    public var rows: [SpeedUp]
  }

  /// Where a recorded run falls among simulated runs of its algorithm.
  public struct RecordedPlacement: Sendable, Codable {
    public var run: String
    public var algorithm: String
    public var final: Double
    public var comparedWith: String?
    /// Percentage of simulated finals the recorded one beats (ties count half).
    public var percentile: Double?
  }

  public var study: String
  public var description: String
  public var specHash: String
  public var runs: Int
  public var expectedRuns: Int
  public var groups: [Group]
  public var friedman: FriedmanResult?
  /// Algorithm labels in the order of `friedman.averageRanks`.
  public var rankedAlgorithms: [String]
  public var comparisons: [Comparison]
  public var scaling: [Scaling]
  public var recorded: [RecordedPlacement]
  /// The ROPE of each evaluator.
  public var ropes: [ROPE]
  /// One reading per evaluator × workers × mode, generated from the verdicts.
  public var cells: [CellSummary]
  /// Async against sync per algorithm, evaluator and W (studies with both modes).
  public var modeComparisons: [ModeComparison]
  /// Node-hours per evaluator.
  public var costs: [CostTable]
  /// The report's opening paragraph, one line each, generated from ``cells``, ``comparisons`` and ``modeComparisons``.
  public var summary: [String]

  /// The score a run ends with: the best value among trials ended by its horizon (hours or node-hours limit, if any), else after its last evaluation.
  static func finalScore(_ record: RunRecord) -> Double {
    if let hours = record.spec.horizonHours { return BestSoFar.hours(record).value(at: hours) }
    return BestSoFar.evaluations(record).final
  }

  /// Computes the report of study `name` from `database`.
  /// - Throws: `.notFound` when the study is not stored.
  public init(study name: String, database: LabDatabase) throws {
    let spec = try database.loadStudy(name)
    let stored = try database.studyRuns(name)
    study = name
    description = spec.description
    specHash = try spec.specHash
    runs = stored.count
    expectedRuns = spec.cells.count + spec.recorded.count
    let cells = spec.cells
    var byGroup: [StudyGroup: [(cell: StudyCell, record: RunRecord)]] = [:]
    var recordedRuns: [(String, RunRecord)] = []
    for (cell, isRecorded, record) in stored {
      if isRecorded {
        let k = cell - cells.count
        if spec.recorded.indices.contains(k) { recordedRuns.append((spec.recorded[k], record)) }
      } else if cells.indices.contains(cell) {
        byGroup[cells[cell].group, default: []].append((cells[cell], record))
      }
    }
    let algorithmOrder = spec.algorithms.map(\.label)
    var ropeByEvaluator: [String: ROPE] = [:]
    for e in spec.evaluators {
      let records = byGroup.filter { $0.key.evaluator == e.name }.flatMap { $0.value.map(\.record) }
      let metric = records.first?.spec.metric ?? e.metric ?? "value"
      ropeByEvaluator[e.name] = Self.rope(for: e, metric: metric, records: records)
    }
    let ropeList = spec.evaluators.compactMap { ropeByEvaluator[$0.name] }
    ropes = ropeList
    /// The seeded stream of one practical-significance interval.
    func effectStream(_ key: String) -> SeededGenerator {
      SeededGenerator.stream(stableHash(name), stableHash("effect|" + key), StreamPurpose.statistics.rawValue)
    }

    // Per-group summaries, in study order: evaluator, workers, mode, algorithm.
    var groups: [Group] = []
    var finalsByGroup: [StudyGroup: [UInt64: Double]] = [:]
    var timeToTarget: [StudyGroup: Double?] = [:]
    var makespans: [StudyGroup: Double] = [:]
    for e in spec.evaluators {
      for w in spec.workers {
        for m in spec.modes {
          for a in algorithmOrder {
            let g = StudyGroup(algorithm: a, evaluator: e.name, workers: w, mode: m)
            guard let members = byGroup[g]?.sorted(by: { $0.cell.seed < $1.cell.seed }), !members.isEmpty else { continue }
            let finals = members.map { Self.finalScore($0.record) }
            var rng = SeededGenerator.stream(
              stableHash(name), stableHash("\(a)|\(e.name)|\(w)|\(m.rawValue)"), StreamPurpose.statistics.rawValue)
            var reached: Int? = nil
            var ttt: Double? = nil
            if let target = e.target {
              let times = members.map { TimeToTarget($0.record, target: target) }
              let km = KaplanMeier(times)
              reached = km.reachedCount
              ttt = km.median
              timeToTarget[g] = ttt
            }
            let hours = members.map { $0.record.makespan / 3600 }
            let byEvaluations = members.map { BestSoFar.evaluations($0.record) }
            let byHours = members.map { BestSoFar.hours($0.record) }
            let maxEvaluations = Int(byEvaluations.map { $0.x.last ?? 0 }.max() ?? 0)
            let horizon = spec.hours ?? (hours.max() ?? 0)
            makespans[g] = Descriptive.median(hours)
            finalsByGroup[g] = Dictionary(uniqueKeysWithValues: zip(members.map(\.cell.seed), finals))
            groups.append(
              Group(
                algorithm: a, evaluator: e.name, workers: w, mode: m.rawValue, metric: members[0].record.spec.metric,
                direction: members[0].record.spec.direction.rawValue, runs: members.count,
                final: Summary(finals.filter { !$0.isNaN }, using: &rng), finals: finals, seeds: members.map(\.cell.seed),
                evaluationsMedian: Descriptive.median(members.map { Double($0.record.bestSoFar().count) }),
                hoursMedian: Descriptive.median(hours), target: e.target, targetReached: reached,
                timeToTargetMedian: ttt,
                curveEvaluations: CurveSummary(curves: byEvaluations, grid: CurveSummary.evaluationGrid(upTo: maxEvaluations)),
                curveHours: CurveSummary(curves: byHours, grid: CurveSummary.uniformGrid(upTo: horizon, points: 61))))
          }
        }
      }
    }
    self.groups = groups

    // Friedman over blocks (evaluator, workers, mode, seed) complete for every algorithm.
    var blocks: [[Double]] = []
    for e in spec.evaluators {
      let direction = byGroup.first { $0.key.evaluator == e.name }?.value.first?.record.spec.direction ?? .maximize
      for w in spec.workers {
        for m in spec.modes {
          for s in spec.seeds {
            let row = algorithmOrder.map { a in
              finalsByGroup[StudyGroup(algorithm: a, evaluator: e.name, workers: w, mode: m)]?[s] ?? .nan
            }
            if row.allSatisfy({ !$0.isNaN }) { blocks.append(row.map { direction.objective($0) }) }
          }
        }
      }
    }
    friedman = algorithmOrder.count >= 2 ? FriedmanResult(scores: blocks, higherIsBetter: true) : nil
    rankedAlgorithms = algorithmOrder

    // Pairwise Mann–Whitney within each evaluator × workers × mode; Holm over all of them.
    var comparisons: [Comparison] = []
    for e in spec.evaluators {
      let direction = byGroup.first { $0.key.evaluator == e.name }?.value.first?.record.spec.direction ?? .maximize
      for w in spec.workers {
        for m in spec.modes {
          for i in algorithmOrder.indices {
            for j in algorithmOrder.indices where j > i {
              let ga = StudyGroup(algorithm: algorithmOrder[i], evaluator: e.name, workers: w, mode: m)
              let gb = StudyGroup(algorithm: algorithmOrder[j], evaluator: e.name, workers: w, mode: m)
              let fa = finalsByGroup[ga] ?? [:], fb = finalsByGroup[gb] ?? [:]
              let xa = fa.values.filter { !$0.isNaN }.sorted()
              let xb = fb.values.filter { !$0.isNaN }.sorted()
              let result: RankTestResult?
              if spec.paired {
                let seeds = spec.seeds.filter { fa[$0].map { !$0.isNaN } ?? false && fb[$0].map { !$0.isNaN } ?? false }
                result = wilcoxonSignedRank(seeds.compactMap { fa[$0] }, seeds.compactMap { fb[$0] })
              } else {
                result = mannWhitneyU(xa, xb)
              }
              guard let test = result else { continue }
              let ma = Descriptive.median(xa), mb = Descriptive.median(xb)
              let better: String? =
                ma == mb ? nil : (direction.isBetter(ma, than: mb) ? algorithmOrder[i] : algorithmOrder[j])
              var rng = effectStream("\(algorithmOrder[i])|\(algorithmOrder[j])|\(e.name)|\(w)|\(m.rawValue)")
              let rope = ropeByEvaluator[e.name]?.value ?? 0
              let effect: PairEffect?
              if spec.paired {
                let seeds = spec.seeds.filter { fa[$0].map { !$0.isNaN } ?? false && fb[$0].map { !$0.isNaN } ?? false }
                effect = PairEffect(
                  seeds.compactMap { fa[$0] }.map(direction.objective), seeds.compactMap { fb[$0] }.map(direction.objective),
                  paired: true, rope: rope, using: &rng)
              } else {
                effect = PairEffect(xa.map(direction.objective), xb.map(direction.objective), paired: false, rope: rope, using: &rng)
              }
              comparisons.append(
                Comparison(
                  evaluator: e.name, workers: w, mode: m.rawValue, a: algorithmOrder[i], b: algorithmOrder[j],
                  test: spec.paired ? "wilcoxon" : "mann-whitney", u: test.statistic, p: test.p, pHolm: test.p, method: test.method.rawValue, better: better,
                  effect: effect))
            }
          }
        }
      }
    }
    let adjusted = holmAdjusted(comparisons.map(\.p))
    for k in comparisons.indices { comparisons[k].pHolm = adjusted[k] }
    self.comparisons = comparisons

    // One reading per cell, from the verdicts.
    var cellSummaries: [CellSummary] = []
    for e in spec.evaluators {
      let direction = byGroup.first { $0.key.evaluator == e.name }?.value.first?.record.spec.direction ?? .maximize
      for w in spec.workers {
        for m in spec.modes {
          let present = groups.filter { $0.evaluator == e.name && $0.workers == w && $0.mode == m.rawValue }
          guard present.count >= 2 else { continue }
          let inCell = comparisons.filter { $0.evaluator == e.name && $0.workers == w && $0.mode == m.rawValue }
          let lookup = { (x: String, y: String) -> PairEffect? in
            if let c = inCell.first(where: { $0.a == x && $0.b == y }) { return c.effect }
            guard let c = inCell.first(where: { $0.a == y && $0.b == x }), var r = c.effect else { return nil }
            (r.difference, r.lower, r.upper) = (-r.difference, -r.upper, -r.lower)
            r.a12 = 1 - r.a12
            r.cliffsDelta = -r.cliffsDelta
            r.verdict = r.verdict.reversed
            return r
          }
          let rope = ropeByEvaluator[e.name] ?? ROPE(evaluator: e.name, metric: "", value: 0, source: "none recorded")
          let reading = Self.cellSummary(
            algorithms: present.map { ($0.algorithm, $0.final.median) }, effect: lookup, rope: rope, direction: direction)
          cellSummaries.append(
            CellSummary(
              evaluator: e.name, workers: w, mode: m.rawValue, chain: reading.chain, top: reading.top, sentence: reading.sentence))
        }
      }
    }
    self.cells = cellSummaries

    // Async against sync, paired by seed, per evaluator × algorithm × W.
    var modes: [ModeComparison] = []
    if spec.modes.contains(.sync) && spec.modes.contains(.async) {
      for e in spec.evaluators {
        let direction = byGroup.first { $0.key.evaluator == e.name }?.value.first?.record.spec.direction ?? .maximize
        for a in algorithmOrder {
          for w in spec.workers {
            let fs = finalsByGroup[StudyGroup(algorithm: a, evaluator: e.name, workers: w, mode: .sync)] ?? [:]
            let fa = finalsByGroup[StudyGroup(algorithm: a, evaluator: e.name, workers: w, mode: .async)] ?? [:]
            let seeds = spec.seeds.filter { fs[$0].map { !$0.isNaN } ?? false && fa[$0].map { !$0.isNaN } ?? false }
            guard !seeds.isEmpty else { continue }
            var rng = effectStream("modes|\(a)|\(e.name)|\(w)")
            let xs = seeds.compactMap { fs[$0] }, xa = seeds.compactMap { fa[$0] }
            modes.append(
              ModeComparison(
                evaluator: e.name, algorithm: a, workers: w, pairs: seeds.count, medianSync: Descriptive.median(xs),
                medianAsync: Descriptive.median(xa),
                effect: PairEffect(
                  xa.map(direction.objective), xs.map(direction.objective), paired: true,
                  rope: ropeByEvaluator[e.name]?.value ?? 0, using: &rng)))
          }
        }
      }
    }
    modeComparisons = modes

    // Node-hours per evaluator.
    costs = spec.evaluators.compactMap { e in
      var members: [(group: StudyGroup, target: Double?, records: [RunRecord])] = []
      for w in spec.workers {
        for m in spec.modes {
          for a in algorithmOrder {
            let g = StudyGroup(algorithm: a, evaluator: e.name, workers: w, mode: m)
            if let runs = byGroup[g], !runs.isEmpty {
              members.append((g, e.target, runs.sorted { $0.cell.seed < $1.cell.seed }.map(\.record)))
            }
          }
        }
      }
      return members.isEmpty ? nil : Self.costTable(evaluator: e.name, groups: members)
    }
    summary = Self.summaryLines(cells: cellSummaries, comparisons: comparisons, modes: modes, ropes: ropeList)

    // Speed-up against one worker, when the study has W = 1 and more.
    var scaling: [Scaling] = []
    if spec.workers.contains(1) && spec.workers.count > 1 {
      for e in spec.evaluators {
        for m in spec.modes {
          for a in algorithmOrder {
            var times: [Int: Double?] = [:]
            for w in spec.workers {
              let g = StudyGroup(algorithm: a, evaluator: e.name, workers: w, mode: m)
              times[w] = e.target != nil ? (timeToTarget[g] ?? nil) : makespans[g]
            }
            scaling.append(
              Scaling(
                algorithm: a, evaluator: e.name, mode: m.rawValue,
                measure: e.target != nil ? "time-to-target" : "makespan", rows: SpeedUp.table(times)))
          }
        }
      }
    }
    self.scaling = scaling

    // Recorded runs against the simulated W = 1 runs of their algorithm on a surrogate of their campaign.
    var placements: [RecordedPlacement] = []
    for (run, record) in recordedRuns {
      let algorithm = record.spec.algorithm
      let final = BestSoFar.evaluations(record).final
      // The simulated group of the same algorithm at W = 1 on a surrogate of the run's campaign (by name or alias).
      let campaign = Campaign.of(run: run)
      let match = groups.first { g in
        g.algorithm == algorithm && g.workers == 1 && g.evaluator.hasPrefix("surrogate:")
          && (campaign?.isNamed(String(g.evaluator.dropFirst("surrogate:".count))) ?? false)
      }
      var percentile: Double? = nil
      if let match {
        let sims = match.finals.filter { !$0.isNaN }
        let beaten = sims.reduce(0.0) { acc, s in acc + (s == final ? 0.5 : (Direction.maximize.isBetter(final, than: s) ? 1 : 0)) }
        percentile = sims.isEmpty ? nil : 100 * beaten / Double(sims.count)
      }
      placements.append(
        RecordedPlacement(
          run: run, algorithm: algorithm, final: final,
          comparedWith: match.map { "\($0.algorithm) on \($0.evaluator), W=1, \($0.mode)" }, percentile: percentile))
    }
    recorded = placements
  }
}
