import Foundation
import LabCore
import LabEvaluators
import LabOptimizers
import LabSimulation
import LabStore

/// An evaluator resolved once per study and shared by every worker thread.
struct ResolvedEvaluator: Sendable {
  var evaluator: any Evaluator
  var space: SearchSpace
  var metric: String
  var direction: Direction
}

/// One unit of work: a simulated cell of the grid, or the exact replay of a recorded run.
public struct StudyTask: Sendable, Hashable {
  /// The cell number stored in `study_runs` (recorded runs come after the grid).
  public var cell: Int
  public var runID: String
  /// The grid cell (nil for a recorded run).
  public var gridCell: StudyCell?
  /// The recorded run's name (nil for a grid cell).
  public var recordedRun: String?
}

/// What the runner reports after each committed run.
public struct StudyProgress: Sendable {
  public var done: Int
  public var total: Int
  /// Runs found already finished when the command started.
  public var skipped: Int
  public var runID: String
}

/// Runs a study's grid on several threads and commits each run, in grid order, from the calling thread.
///
/// Every run is a pure function of its ``RunSpec`` (see ``Simulator``), so the
/// worker threads only compute; the single thread that owns the database
/// commits finished runs strictly in the order of the task list, each in its
/// own transaction. Hence the database content does not depend on `jobs`, and
/// a study killed at any moment has committed a prefix of its task list:
/// running it again skips that prefix and ends with the same content as an
/// uninterrupted run.
public struct StudyRunner: Sendable {
  public let spec: StudySpec
  public let context: EvaluatorCatalogue.Context
  let overhead: Overhead
  let evaluators: [String: ResolvedEvaluator]

  /// Resolves the study's evaluators and checks everything the parser could not, before anything is stored.
  ///
  /// Checks every evaluator (loading it), the metric of each against what the
  /// evaluator reports, the study's space against each evaluator's dimension,
  /// every recorded run against the trace folder, and every algorithm with its
  /// options over every evaluator's space. A study read from a file has its
  /// errors located at the file and line of the offending key (``StudySource``).
  /// - Throws: the catalogues' errors (unknown names list the valid ones), prefixed with the study's name.
  public init(spec: StudySpec, context: EvaluatorCatalogue.Context) throws {
    self.spec = spec
    self.context = context
    let source = spec.source
    do {
      overhead = try Overhead(parsing: spec.overhead)
    } catch let e as LabError {
      throw source.relocate(e, "study.overhead")
    }
    var resolved: [String: ResolvedEvaluator] = [:]
    for e in spec.evaluators {
      let at = "evaluator:\(e.name)"
      let choice: EvaluatorChoice
      do {
        choice = try EvaluatorCatalogue.make(e.name, context: context)
      } catch let error as LabError {
        throw source.relocate(error, at)
      }
      if let space = spec.space, space.dimension != choice.space.dimension {
        throw LabError(
          .invalidInput,
          "study '\(spec.name)': its space has \(space.dimension) parameters but evaluator '\(e.name)' expects \(choice.space.dimension)",
          location: source.location("space", at))
      }
      let metric = e.metric ?? choice.defaultMetric
      guard choice.evaluator.metricNames.contains(metric) else {
        throw LabError(
          .invalidInput,
          "evaluator '\(e.name)' does not report metric '\(metric)'; it reports \(choice.evaluator.metricNames.joined(separator: ", "))",
          location: source.location("\(at).metric", at, field: "metric"))
      }
      resolved[e.name] = ResolvedEvaluator(
        evaluator: choice.evaluator, space: choice.space, metric: choice.defaultMetric, direction: choice.direction)
    }
    evaluators = resolved
    for run in spec.recorded {
      do {
        _ = try ReplayEvaluator.load(run: run, from: context.traces, source: context.campaigns)
      } catch let error as LabError {
        throw source.relocate(error, "recorded:\(run)", "study.recorded")
      }
    }
    // The catalogue's defaults differ only between one worker and several (SOO's batching).
    let workerClasses = [spec.workers.first { $0 == 1 }, spec.workers.first { $0 > 1 }].compactMap { $0 }
    for a in spec.algorithms {
      for e in spec.evaluators {
        guard let r = resolved[e.name] else { continue }
        for w in workerClasses {
          for m in spec.modes {
            do {
              _ = try ProposerCatalogue.make(
                a.name, options: a.options, space: spec.space ?? r.space, budget: spec.budget, workers: w, mode: m)
            } catch let error as LabError {
              let key = error.location?.field.map { "algorithm:\(a.label).\($0)" } ?? "algorithm:\(a.label).options"
              throw source.relocate(error, key, "algorithm:\(a.label).options", "algorithm:\(a.label)")
            }
          }
        }
      }
    }
  }

  /// Every task of the study: the grid, then the recorded runs.
  public var tasks: [StudyTask] {
    let grid = spec.cells
    var out = grid.map { StudyTask(cell: $0.index, runID: $0.runID, gridCell: $0, recordedRun: nil) }
    for (k, run) in spec.recorded.enumerated() {
      out.append(StudyTask(cell: grid.count + k, runID: "\(spec.name)/recorded/\(run)", gridCell: nil, recordedRun: run))
    }
    return out
  }

  /// The tasks of shard `index` of `count` (1-based): every task whose cell ≡ index − 1 (mod count).
  public func tasks(shard: (index: Int, count: Int)?) -> [StudyTask] {
    guard let shard else { return tasks }
    return tasks.filter { $0.cell % shard.count == shard.index - 1 }
  }

  /// Computes the run of `task` (pure: the same task gives the same record, on any thread).
  public func execute(_ task: StudyTask) throws -> RunRecord {
    if let run = task.recordedRun {
      let replay = try ReplayEvaluator.load(run: run, from: context.traces, source: context.campaigns)
      let proposer = RecordedSequenceProposer(run: run, trials: replay.recorded, space: replay.space)
      let runSpec = RunSpec(
        algorithm: replay.algorithm, evaluator: "replay:\(run)", space: replay.space, workers: 1,
        mode: .async, seed: 0, metric: replay.campaign.objective,
        direction: replay.campaign.metric(replay.campaign.objective)?.direction ?? .maximize, budget: max(1, proposer.count))
      return try Simulator(spec: runSpec, overhead: .none).run(proposer, evaluator: replay)
    }
    guard let cell = task.gridCell, let evaluator = evaluators[cell.evaluator.name] else {
      throw LabError(.internalInconsistency, "study task \(task.cell) has neither a grid cell nor a recorded run")
    }
    let runSpec = spec.runSpec(cell, space: evaluator.space, metric: evaluator.metric, direction: evaluator.direction)
    return try SimulatedRun.record(for: runSpec, evaluator: evaluator.evaluator, overhead: overhead)
  }

  /// Runs the unfinished tasks (of one shard) on `jobs` threads and commits them to `database`.
  ///
  /// - Parameter progress: called on the calling thread after every commit.
  /// - Returns: the number of runs computed now.
  /// - Throws: the first error of a run (runs before it in the task order stay committed),
  ///   `.invalidInput` when the database holds a different study of that name, or when another
  ///   process is running this study into the same database file (``StudyLock``: refused at once, naming its pid and host).
  @discardableResult
  public func run(
    database: LabDatabase, jobs: Int, shard: (index: Int, count: Int)? = nil,
    progress: (StudyProgress) -> Void = { _ in }
  ) throws -> Int {
    // One process per study and database file (see StudyLock): the loser is told who holds it.
    let lock = database.path == ":memory:" ? nil : try StudyLock(study: spec.name, database: database.path)
    defer { lock?.release() }
    try database.registerStudy(spec)
    let finished = try database.finishedCells(study: spec.name)
    let all = tasks(shard: shard)
    let todo = all.filter { finished[$0.cell] == nil }
    let skipped = all.count - todo.count
    guard !todo.isEmpty else { return 0 }

    let jobs = min(max(1, jobs), Limits.jobs.upperBound)
    let pool = WorkPool(count: todo.count, window: max(4, 4 * jobs))
    let runner = self
    var threads: [Thread] = []
    for _ in 0..<max(1, min(jobs, todo.count)) {
      let thread = Thread {
        while let i = pool.claim() {
          let result: Result<RunRecord, LabError>
          do {
            result = .success(try runner.execute(todo[i]))
          } catch let e as LabError {
            result = .failure(e)
          } catch {
            result = .failure(LabError(.internalInconsistency, "run \(todo[i].runID) failed", underlying: error))
          }
          pool.deliver(i, result)
        }
      }
      thread.stackSize = 8 << 20
      thread.start()
      threads.append(thread)
    }
    defer { pool.cancel() }
    for i in todo.indices {
      let task = todo[i]
      switch pool.take(i) {
      case .success(let record):
        try database.saveStudyRun(
          record, study: spec.name, cell: task.cell, runID: task.runID, recorded: task.recordedRun != nil)
        progress(StudyProgress(done: skipped + i + 1, total: all.count, skipped: skipped, runID: task.runID))
      case .failure(let error):
        throw LabError(error.code, "\(task.runID): \(error.message)", location: error.location)
      }
    }
    return todo.count
  }
}

/// Hands out task indices to worker threads and gives results back in index order.
///
/// Workers never run more than `window` tasks ahead of the next one to
/// commit, which bounds the results held in memory.
final class WorkPool: @unchecked Sendable {
  private let condition = NSCondition()
  private let count: Int
  private let window: Int
  private var next = 0
  private var committed = 0
  private var cancelled = false
  private var results: [Int: Result<RunRecord, LabError>] = [:]

  init(count: Int, window: Int) {
    self.count = count
    self.window = window
  }

  /// The next task index, or nil when there is none left or the pool was cancelled.
  func claim() -> Int? {
    condition.lock()
    defer { condition.unlock() }
    while !cancelled && next < count && next >= committed + window { condition.wait() }
    guard !cancelled, next < count else { return nil }
    next += 1
    return next - 1
  }

  func deliver(_ index: Int, _ result: Result<RunRecord, LabError>) {
    condition.lock()
    results[index] = result
    condition.broadcast()
    condition.unlock()
  }

  /// Waits for the result of task `index` and removes it.
  func take(_ index: Int) -> Result<RunRecord, LabError> {
    condition.lock()
    defer { condition.unlock() }
    while true {
      if let result = results.removeValue(forKey: index) {
        committed = index + 1
        condition.broadcast()
        return result
      }
      condition.wait()
    }
  }

  func cancel() {
    condition.lock()
    cancelled = true
    condition.broadcast()
    condition.unlock()
  }
}
