// Notation
//   run        a recorded trace's name (file stem): lhs, bo, soo (campaign A); lhs_bis, bo_bis, soo_bis, bamsoo_bis (B)
//   c          a configuration: the converted values actually trained with (exact Double equality)
//   u          unit-cube coordinates; a recorded trial's u comes from its recorded base values
//   distance   ‖u − u_rec‖₂ in the unit cube (the "normalised space"), for the `nearest` policy
//   durations  training = end_training − opening; evaluation = ending − end_training (campaign B),
//              or the gap to the next trial's opening (campaign A, sequential runs; the last trial
//              gets the median gap) — see RecordedTrial.timings(of:) in LabData

import Foundation
import LabCore
import LabData

/// An evaluator that answers with what a recorded run measured: metrics and durations of the trial with the same configuration.
///
/// A configuration matches a recorded trial when its converted values are
/// *exactly* the recorded `converted_values` (the conversion of a point
/// reproduces them bit for bit, see ``Parameter/convert(_:integers:)``).
/// Only evaluated lines can match (BaMSOO's approximated lines ran nothing);
/// when a configuration occurs twice, the first line wins. The evaluation
/// source is ``EvaluationSource/replay(run:line:)``.
///
/// What happens for a configuration the run never evaluated is the
/// ``AbsentPolicy``: an error (the default, for exact replays), the nearest
/// recorded trial in the unit cube (with the distance in
/// ``EvaluationSource/replayNearest(run:line:distance:)``), or another
/// evaluator (the surrogate of the campaign).
///
/// Campaign A did not record the end of evaluation: its evaluation time is
/// the gap between the end of training and the next trial's opening (the
/// runs were sequential), which includes a few seconds of optimiser
/// overhead; the last trial gets the median gap.
///
/// - Complexity: O(d) per exact match (a hash of the configuration), O(n·d)
///   per nearest match over n recorded trials.
public struct ReplayEvaluator: Evaluator {
  /// What to do with a configuration the recorded run never evaluated.
  public enum AbsentPolicy: Sendable, CustomStringConvertible {
    /// Throw a ``LabError`` (`.notFound`) naming the point and the run.
    case error
    /// Answer with the nearest recorded trial in the unit cube; the distance is in the source.
    case nearest
    /// Delegate to this evaluator (typically `surrogate:CAMPAIGN`).
    case surrogate(any Evaluator)

    /// The policy names: `error`, `nearest`, `surrogate`.
    public static let names = ["error", "nearest", "surrogate"]

    public var description: String {
      switch self {
      case .error: return "error"
      case .nearest: return "nearest"
      case .surrogate(let e): return "surrogate(\(e.name))"
      }
    }
  }

  /// The recorded run's name.
  public let run: String
  /// The campaign of the run.
  public let campaign: Campaign
  /// The algorithm that made the run (its campaign's `[[runs]]` entry, or the database's record).
  public let algorithm: String
  /// The campaign's search space.
  public let space: SearchSpace
  /// The evaluated trials, in file order.
  public let recorded: [RecordedTrial]
  /// The durations of each of ``recorded``.
  public let durations: [Durations]
  public let absent: AbsentPolicy
  private let index: [[Double]: Int]
  private let units: [[Double]]

  public var name: String { "replay:\(run)" }
  /// The campaign's metrics, each followed by its standard-error field (the seed's: ``MetricName/fineTuning``).
  public var metricNames: [String] { campaign.metrics.flatMap { [$0.name] + ($0.standardError.map { [$0] } ?? []) } }

  /// An evaluator over the lines of run `run` (all of them, as parsed: approximated lines are ignored).
  /// - Throws: `.invalidInput` when no line was evaluated, or an evaluated line has no training or
  ///   evaluation time (a run that records no end of evaluation and was not sequential), naming the run and the line;
  ///   `.notFound` when no campaign file lists the run.
  public init(run: String, trials: [RecordedTrial], absent: AbsentPolicy = .error) throws {
    try self.init(run: run, trials: trials, campaign: try Campaign.recorded(run: run), algorithm: Playback.algorithm(ofRun: run), absent: absent)
  }

  /// An evaluator over the lines of run `run` of `campaign`, made by `algorithm` (a run imported into a database).
  /// - Throws: as ``init(run:trials:absent:)``.
  public init(run: String, trials: [RecordedTrial], campaign: Campaign, algorithm: String, absent: AbsentPolicy = .error) throws {
    let timings = RecordedTrial.timings(of: trials)
    var recorded: [RecordedTrial] = []
    var durations: [Durations] = []
    for (trial, timing) in zip(trials, timings) where trial.state == .evaluated {
      guard let training = timing.trainingSeconds, let evaluation = timing.evaluationSeconds else {
        throw LabError(
          .invalidInput, "replay:\(run): the trial at line \(trial.line) has no training or evaluation time",
          location: .init(file: run, line: trial.line, field: "timing"))
      }
      recorded.append(trial)
      durations.append(Durations(training: training, evaluation: evaluation))
    }
    guard !recorded.isEmpty else {
      throw LabError(.invalidInput, "replay:\(run): the recording has no evaluated trial")
    }
    var index: [[Double]: Int] = [:]
    for (i, t) in recorded.enumerated() where index[t.converted] == nil { index[t.converted] = i }
    self.run = run
    self.campaign = campaign
    self.algorithm = algorithm
    self.space = campaign.space
    self.recorded = recorded
    self.durations = durations
    self.absent = absent
    self.index = index
    self.units = recorded.map { campaign.space.point(base: $0.base).unit }
  }

  /// The names of the runs recorded in `folder` (the stems of its `.json` files), sorted.
  public static func availableRuns(in folder: URL) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
  }

  /// The replay of run `run`: from `source` when it holds the run (a database), else read from `folder/run.json`.
  /// - Throws: as ``load(run:from:absent:)``.
  public static func load(run: String, from folder: URL, source: CampaignSource?, absent: AbsentPolicy = .error) throws -> ReplayEvaluator {
    if let data = try source?.recordedRun(run) {
      return try ReplayEvaluator(run: run, trials: data.trials, campaign: data.campaign, algorithm: data.algorithm, absent: absent)
    }
    return try load(run: run, from: folder, absent: absent)
  }

  /// The replay of run `run`, read from `folder/run.json`.
  /// - Throws: `.notFound` listing the runs in `folder` when there is no such run (or no such
  ///   folder); `.parse` for a bad line (file, line and field named).
  public static func load(run: String, from folder: URL, absent: AbsentPolicy = .error) throws -> ReplayEvaluator {
    let url = folder.appendingPathComponent(run + ".json")
    guard !run.isEmpty, !run.contains("/"), FileManager.default.fileExists(atPath: url.path) else {
      let available = availableRuns(in: folder)
      let list = available.isEmpty ? "none (no traces in \(folder.path))" : available.joined(separator: ", ")
      throw LabError(.notFound, "unknown recorded run '\(run)' in \(folder.path); valid: \(list)")
    }
    let parsed = try TraceParser.parse(contentsOf: url)
    return try ReplayEvaluator(run: run, trials: parsed.trials, absent: absent)
  }

  /// The index in ``recorded`` of the trial run with exactly `configuration`, if any.
  public func match(_ configuration: Configuration) -> Int? { index[configuration.values] }

  /// The index in ``recorded`` of the trial nearest to `point` in the unit cube (lowest index on ties), and its distance.
  public func nearest(to point: Point) -> (index: Int, distance: Double) {
    var best = 0
    var bestSquared = Double.infinity
    for (i, u) in units.enumerated() {
      var s = 0.0
      for j in 0..<min(u.count, point.unit.count) {
        let d = u[j] - point.unit[j]
        s += d * d
      }
      if s < bestSquared {
        bestSquared = s
        best = i
      }
    }
    return (best, bestSquared.squareRoot())
  }

  /// The recorded evaluation of `configuration`; see ``AbsentPolicy`` for configurations never evaluated.
  /// - Throws: `.notFound` under the `error` policy for an absent configuration, naming it, its point and the run;
  ///   whatever the delegate throws under `surrogate`.
  public func evaluate(_ configuration: Configuration, at point: Point, trial: TrialID, using rng: inout SeededGenerator)
    throws -> Evaluation
  {
    if let i = index[configuration.values] {
      return Evaluation(
        outcome: .success(recorded[i].metrics), durations: durations[i],
        source: .replay(run: run, line: recorded[i].line))
    }
    switch absent {
    case .error:
      throw LabError(
        .notFound,
        "replay:\(run): no recorded trial has configuration \(configuration.describe(in: space)) (point \(point), trial \(trial)); use the 'nearest' or 'surrogate' policy to evaluate points outside the recording")
    case .nearest:
      let (i, distance) = nearest(to: point)
      return Evaluation(
        outcome: .success(recorded[i].metrics), durations: durations[i],
        source: .replayNearest(run: run, line: recorded[i].line, distance: distance))
    case .surrogate(let delegate):
      return try delegate.evaluate(configuration, at: point, trial: trial, using: &rng)
    }
  }
}
