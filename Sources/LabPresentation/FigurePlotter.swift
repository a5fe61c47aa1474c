import Foundation
import LabCore
import LabEvaluators
import LabPlot
import LabStatistics
import LabStore
import LabStudies

/// Loads what a `plot` invocation draws (a study, a run or the recorded traces) and builds its figures:
/// the data-source choice and the study rules behind `hpolab plot`.
public struct FigurePlotter {
  /// What to draw from: a stored study or run, or (neither given) the recorded traces; and the run-figure choice.
  public struct Request: Sendable {
    /// The stored study to draw.
    public var study: String?
    /// The stored run to draw.
    public var runID: String?
    /// The database holding the study or run.
    public var database: String
    /// The trace folder (nil: ``TraceFolder/locate(_:environment:)``).
    public var traces: String?
    /// `A` or `B`: the parity campaign, and a filter on the recorded scores.
    public var campaign: String?
    /// The fitted surrogate folder (parity).
    public var surrogates: String?
    /// With a study: the algorithm label whose run the run figures draw.
    public var algorithm: String?
    /// With a study: the seed whose run the run figures draw.
    public var seed: UInt64?

    public init(
      study: String? = nil, runID: String? = nil, database: String = "lab.sqlite", traces: String? = nil, campaign: String? = nil,
      surrogates: String? = nil, algorithm: String? = nil, seed: UInt64? = nil
    ) {
      self.study = study
      self.runID = runID
      self.database = database
      self.traces = traces
      self.campaign = campaign
      self.surrogates = surrogates
      self.algorithm = algorithm
      self.seed = seed
    }
  }

  /// Where the figures come from.
  enum Source {
    case study(StudySpec, simulated: [(cell: StudyCell, record: RunRecord)], recorded: [(name: String, record: RunRecord)])
    case run(id: String, RunRecord)
    case recorded
  }

  let source: Source
  let command: Request
  let style: FigureStyle
  let database: LabDatabase?
  /// Receives a line for each figure of a study skipped because it does not apply to one of its evaluators.
  let note: (String) -> Void

  /// Loads the study or run of `request` (nothing for the recorded traces).
  /// - Throws: what opening the database and loading the study or run throws; `.notFound` for a study without stored runs.
  public init(_ request: Request, style: FigureStyle, note: @escaping (String) -> Void = { _ in }) throws {
    self.command = request
    self.style = style
    self.note = note
    if let name = command.study {
      let db = try LabDatabase(path: command.database, mode: .readOnly)
      let spec = try db.loadStudy(name)
      let cells = spec.cells
      var simulated: [(StudyCell, RunRecord)] = []
      var recorded: [(String, RunRecord)] = []
      for (cell, isRecorded, record) in try db.studyRuns(name) {
        if isRecorded {
          let k = cell - cells.count
          if spec.recorded.indices.contains(k) { recorded.append((spec.recorded[k], record)) }
        } else if cells.indices.contains(cell) {
          // Curves are labelled by the study's algorithm label (two variants of one algorithm stay apart).
          var relabelled = record
          relabelled.spec.algorithm = cells[cell].algorithm.label
          simulated.append((cells[cell], relabelled))
        }
      }
      guard !simulated.isEmpty || !recorded.isEmpty else {
        throw LabError(.notFound, "study '\(name)' has no stored run yet (run 'hpolab study run' first)", location: .init(file: db.path))
      }
      source = .study(spec, simulated: simulated, recorded: recorded)
      database = db
    } else if let id = command.runID {
      let db = try LabDatabase(path: command.database, mode: .readOnly)
      source = .run(id: id, try db.loadRun(id: id))
      database = db
    } else {
      source = .recorded
      database = nil
    }
  }

  /// The output folder when none is given: plots/STUDY, plots/run-ID or plots/recorded.
  public var defaultFolder: String {
    switch source {
    case .study(let spec, _, _): return "plots/\(spec.name)"
    case .run(let id, _): return "plots/run-\(id)"
    case .recorded: return "plots/recorded"
    }
  }

  /// The figures `all` tries for this source.
  public var applicable: [FigureKind] {
    switch source {
    case .study: return FigureKind.allCases
    case .run: return [.convergence, .convergenceTime, .timeline, .variables, .scores]
    case .recorded: return [.scores, .parity]
    }
  }

  /// Writes the figures `figure` names (a ``FigureKind`` raw value, or `all`: every applicable figure, each one
  /// that does not apply skipped with a note saying why), calling `written` with each rendered file (or script).
  /// - Throws: why a named figure does not apply; what writing or rendering throws.
  public func draw(_ figure: String, with writer: FigureWriter, written: (URL) -> Void) throws {
    let kinds = figure == "all" ? applicable : FigureKind(rawValue: figure).map { [$0] } ?? []
    for kind in kinds {
      let figures: [Figure]
      do {
        figures = try self.figures(kind)
      } catch let error as LabError where figure == "all" && (error.code == .invalidInput || error.code == .notFound || error.code == .unsupported) {
        note("skipped \(kind.rawValue): \(error.description)")
        continue
      }
      for f in figures {
        let output = try writer.write(f)
        if !output.warnings.isEmpty { note("gnuplot warnings for \(f.name):\n\(output.warnings)") }
        written(output.rendered ?? output.script)
      }
    }
  }

  /// The figures of `kind` (several when a study has several evaluators).
  /// - Throws: `.invalidInput` / `.notFound` / `.unsupported` when the figure does not apply, saying why.
  public func figures(_ kind: FigureKind) throws -> [Figure] {
    switch (kind, source) {
    case (.convergence, _), (.convergenceTime, _):
      let axis: ConvergenceAxis = kind == .convergence ? .evaluations : .hours
      return try perEvaluator(kind) { runs, recorded, subtitle, name in
        try Figures.convergence(try ConvergenceData.summarising(runs, axis: axis, recorded: recorded, subtitle: subtitle), style: style, name: name)
      }
    case (.scaling, .study(let spec, _, _)):
      return try perEvaluator(kind) { runs, _, subtitle, name in
        let evaluator = runs.first?.spec.evaluator ?? ""
        guard let target = spec.evaluators.first(where: { $0.name == evaluator })?.target else {
          throw LabError(.invalidInput, "evaluator '\(evaluator)' of study '\(spec.name)' sets no target: no time-to-target to scale")
        }
        guard Set(runs.map(\.spec.workers)).count > 1 else {
          throw LabError(.invalidInput, "study '\(spec.name)' runs a single worker count: nothing to scale")
        }
        return try Figures.scaling(try ScalingData.summarising(runs, target: target, subtitle: subtitle), style: style, name: name)
      }
    case (.ranks, .study(let spec, _, _)):
      guard let database else { throw LabError(.internalInconsistency, "a study source without a database") }
      let report = try StudyReport(study: spec.name, database: database)
      guard let friedman = report.friedman else {
        throw LabError(.invalidInput, "study '\(spec.name)' has no Friedman test (it needs two algorithms and two complete blocks)")
      }
      let data = try RanksData(friedman: friedman, algorithms: report.rankedAlgorithms, subtitle: "study \(spec.name)")
      return [try Figures.ranks(data, style: style)]
    case (.timeline, _), (.variables, _):
      let (id, record) = try representative(kind)
      if kind == .timeline {
        var data = TimelineData(run: record)
        data.subtitle = "\(id): " + data.subtitle
        return [try Figures.timeline(data, style: style)]
      }
      var data = VariablesData(run: record)
      data.subtitle = "\(id): " + data.subtitle
      return [try Figures.variables(data, style: style)]
    case (.scores, .study(let spec, let simulated, let recorded)):
      if !recorded.isEmpty {
        return [try Figures.scores(ScoresData(runs: recorded.map(\.record), labels: recorded.map(\.name), subtitle: "study \(spec.name): recorded runs"), style: style)]
      }
      let firstSeed = spec.seeds.first
      let chosen = simulated.filter { $0.cell.seed == firstSeed && $0.cell.workers == spec.workers.min() && $0.cell.mode == spec.modes.first }
      let withScores = chosen.filter { c in c.record.completed.contains { $0.metrics[MetricName.mmluAcc] != nil } }
      let data = ScoresData(
        runs: withScores.map(\.record), labels: withScores.map { "\($0.cell.algorithm.label) (\($0.cell.evaluator.name))" },
        subtitle: "study \(spec.name): seed \(firstSeed.map(String.init) ?? "-"), W = \(spec.workers.min() ?? 1)")
      return [try Figures.scores(data, style: style)]
    case (.scores, .run(let id, let record)):
      return [try Figures.scores(ScoresData(runs: [record], labels: [record.spec.algorithm], subtitle: "run \(id)"), style: style)]
    case (.scores, .recorded):
      let folder = try SurrogateLocations.traces(command.traces)
      var trials: [RecordedTrial] = []
      let campaigns = command.campaign.flatMap { Campaign(rawValue: $0.uppercased()) }.map { [$0] } ?? Campaign.allCases
      for c in campaigns {
        for run in SurrogateTrainingSet.runs(of: c) {
          trials += try TraceParser.parse(contentsOf: folder.appendingPathComponent("\(run).json")).trials
        }
      }
      let what = campaigns.map { "campaign \($0.rawValue) (\($0.model))" }.joined(separator: " and ")
      return [try Figures.scores(ScoresData(recorded: trials, subtitle: "recorded A100 runs, \(what)"), style: style)]
    case (.parity, _):
      return [try Figures.parity(try parityData(), style: style)]
    default:
      throw LabError(.unsupported, "figure '\(kind.rawValue)' needs --study NAME")
    }
  }

  /// One figure per evaluator of a study (suffixed with the evaluator when there are several), or one for a run.
  private func perEvaluator(
    _ kind: FigureKind, _ make: (_ runs: [RunRecord], _ recorded: [RunRecord], _ subtitle: String, _ name: String) throws -> Figure
  ) throws -> [Figure] {
    switch source {
    case .study(let spec, let simulated, let recorded):
      var out: [Figure] = []
      var skipped: [String] = []
      for e in spec.evaluators {
        let runs = simulated.filter { $0.cell.evaluator.name == e.name }.map(\.record)
        guard let metric = runs.first?.spec.metric else { continue }
        let campaign = e.name.split(separator: ":").last.map(String.init)
        let overlay = recorded.filter { r in
          r.record.spec.metric == metric && (spec.evaluators.count == 1 || Campaign.of(run: r.name).rawValue == campaign)
        }.map { r -> RunRecord in
          var copy = r.record
          copy.spec.algorithm = r.name
          return copy
        }
        let name = spec.evaluators.count == 1 ? kind.rawValue : "\(kind.rawValue)-\(slug(e.name))"
        do {
          out.append(try make(runs, overlay, "study \(spec.name), \(e.name)", name))
        } catch let error as LabError where error.code == .invalidInput && spec.evaluators.count > 1 {
          skipped.append("\(name): \(error.message)")
        }
      }
      guard !out.isEmpty else {
        throw LabError(.invalidInput, skipped.isEmpty ? "study '\(spec.name)' has no simulated run to draw" : skipped.joined(separator: "; "))
      }
      for reason in skipped { note("skipped \(reason)") }
      return out
    case .run(let id, let record):
      return [try make([record], [], "run \(id)", kind.rawValue)]
    case .recorded:
      throw LabError(.unsupported, "figure '\(kind.rawValue)' needs --study NAME or --run ID")
    }
  }

  /// The run a run figure draws: the given run, or for a study the first run (cell order, among those of
  /// `--algorithm` and `--seed` when given) with the most workers (timeline; asynchronous preferred) or the fewest (variables).
  private func representative(_ kind: FigureKind) throws -> (String, RunRecord) {
    switch source {
    case .run(let id, let record): return ("run \(id)", record)
    case .study(let spec, let all, _):
      let simulated = all.filter {
        (command.algorithm == nil || $0.cell.algorithm.label == command.algorithm) && (command.seed == nil || $0.cell.seed == command.seed)
      }
      guard !simulated.isEmpty else {
        throw LabError(
          .notFound,
          "study '\(spec.name)' has no run of algorithm \(command.algorithm ?? "any") with seed \(command.seed.map(String.init) ?? "any"); algorithms: \(spec.algorithms.map(\.label).joined(separator: ", ")); seeds: \(spec.seeds.map(String.init).joined(separator: ", "))")
      }
      let pick: (cell: StudyCell, record: RunRecord)?
      if kind == .timeline {
        let most = simulated.map(\.cell.workers).max()
        pick = simulated.first { $0.cell.workers == most && $0.cell.mode == .async } ?? simulated.first { $0.cell.workers == most }
      } else {
        let fewest = simulated.map(\.cell.workers).min()
        pick = simulated.first { $0.cell.workers == fewest }
      }
      guard let pick else { throw LabError(.invalidInput, "study '\(spec.name)' has no simulated run") }
      return ("study \(spec.name) cell \(pick.cell.index)", pick.record)
    case .recorded:
      throw LabError(.unsupported, "figure needs --study NAME or --run ID")
    }
  }

  /// Leave-one-run-out predictions of the campaign's surrogate (its fitted hyperparameters, conditioned on the other runs).
  private func parityData() throws -> ParityData {
    let campaign: Campaign
    if let c = command.campaign.flatMap({ Campaign(rawValue: $0.uppercased()) }) {
      campaign = c
    } else if case .study(let spec, _, _) = source,
      let e = spec.evaluators.first(where: { $0.name.hasPrefix("surrogate:") }),
      let c = Campaign(rawValue: String(e.name.dropFirst("surrogate:".count)).uppercased())
    {
      campaign = c
    } else if case .study(let spec, _, _) = source {
      throw LabError(.invalidInput, "study '\(spec.name)' uses no surrogate evaluator (pass --campaign A|B to draw one anyway)")
    } else {
      campaign = .B
    }
    let modelFile = try SurrogateLocations.surrogates(command.surrogates).appendingPathComponent(SurrogateLocations.modelFileName(campaign))
    let spec = try SurrogateSpec.read(from: modelFile)
    let training = try SurrogateTrainingSet.load(campaign: campaign, directory: try SurrogateLocations.traces(command.traces))
    let metric = MetricName.hellaswagAcc
    let level = 0.9
    var points: [ParityData.Point] = []
    for run in SurrogateTrainingSet.runs(of: campaign) {
      let held = training.trials.filter { $0.run == run }
      guard !held.isEmpty else { continue }
      let model = try SurrogateModel(spec: spec, training: try SurrogateTrainingSet(campaign: campaign, trials: training.trials.filter { $0.run != run }))
      for t in held {
        guard let y = t.metrics[metric],
          let p = try model.predictive(Configuration(values: t.converted)).first(where: { $0.metric == metric })
        else { continue }
        let interval = p.interval(level)
        points.append(.init(recorded: y, predicted: p.median, lower: interval.lowerBound, upper: interval.upperBound, group: run))
      }
    }
    return ParityData(
      metric: metric, points: points,
      subtitle: "campaign \(campaign.rawValue) (\(campaign.model)), each run predicted from the others; 90 % predictive intervals")
  }

  /// `surrogate:B` → `surrogate-b`: a file-name-safe evaluator name.
  private func slug(_ text: String) -> String {
    String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
  }
}
