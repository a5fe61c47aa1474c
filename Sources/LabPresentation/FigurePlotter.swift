import Foundation
import LabCore
import LabData
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
    /// A campaign's name or alias: the parity campaign, and a filter on the recorded scores.
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

  /// What the figures are drawn from.
  var sourceKind: FigureSourceKind {
    switch source {
    case .study: return .study
    case .run: return .run
    case .recorded: return .recorded
    }
  }

  /// The figures `all` tries for this source, in catalogue order.
  public var applicable: [FigureKind] { FigureCatalogue.standard.filter { $0.sources.contains(sourceKind) }.map(\.kind) }

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
    guard let entry = FigureCatalogue.entry(kind) else {
      throw LabError(.notFound, "unknown figure '\(kind.rawValue)'; valid: \(FigureCatalogue.names.joined(separator: ", "))")
    }
    return try entry.draw(self)
  }

  /// The error of a study figure asked of a run or of the recorded traces.
  func needsStudy(_ kind: FigureKind) -> LabError {
    LabError(.unsupported, "figure '\(kind.rawValue)' needs --study NAME")
  }

  /// One figure per evaluator of a study (suffixed with the evaluator when there are several), or one for a run.
  func perEvaluator(
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
          r.record.spec.metric == metric && (spec.evaluators.count == 1 || (campaign.map { Campaign.of(run: r.name)?.isNamed($0) ?? false } ?? false))
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
  func representative(_ kind: FigureKind) throws -> (String, RunRecord) {
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

  /// `surrogate:B` → `surrogate-b`: a file-name-safe evaluator name.
  private func slug(_ text: String) -> String {
    String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
  }
}
