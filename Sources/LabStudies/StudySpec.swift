import Foundation
import LabCore

/// One algorithm of a study: a proposer name, its options, and the label results are reported under.
public struct StudyAlgorithm: Sendable, Hashable, Codable {
  /// The catalogue name: `random`, `lhs`, `bo`, `soo`, `bamsoo`.
  public var name: String
  /// Distinguishes two variants of one algorithm (`bo-kb`, `bo-cl`); defaults to `name`.
  public var label: String
  /// Options passed to the catalogue as strings (`pending = "kriging-believer"`, `K = "3"`).
  public var options: [String: String]

  public init(name: String, label: String? = nil, options: [String: String] = [:]) {
    self.name = name
    self.label = label ?? name
    self.options = options
  }
}

/// One evaluator of a study with the metric optimised on it and its time-to-target threshold.
public struct StudyEvaluator: Sendable, Hashable, Codable {
  /// `replay:RUN`, `surrogate:CAMPAIGN` or `function:NAME`.
  public var name: String
  /// The metric optimised (nil: the evaluator's default, e.g. `hellaswag.acc` or a function's `value`).
  public var metric: String?
  /// Its direction (nil: the evaluator's default).
  public var direction: Direction?
  /// The score whose time-to-target is reported (nil: not reported).
  public var target: Double?
  /// The half-width of the region of practical equivalence for pairwise verdicts, in the metric's units
  /// (nil: the median recorded standard error of the metric, see ``StudyReport``).
  public var rope: Double?

  public init(name: String, metric: String? = nil, direction: Direction? = nil, target: Double? = nil, rope: Double? = nil) {
    self.name = name
    self.metric = metric
    self.direction = direction
    self.target = target
    self.rope = rope
  }
}

/// A study: the grid algorithms × evaluators × worker counts × modes × seeds, with a shared budget.
///
/// Parsed from `studies/NAME.toml` by ``init(toml:file:)``; see `docs/studies.md`
/// for the file format. ``cells`` expands the grid in a fixed order, which
/// defines run ids, shards and the order results are committed in.
public struct StudySpec: Sendable, Hashable, Codable {
  public var name: String
  public var description: String
  /// An explicit space for every evaluator (nil: each evaluator's own space).
  public var space: SearchSpace?
  public var algorithms: [StudyAlgorithm]
  public var evaluators: [StudyEvaluator]
  public var workers: [Int]
  public var modes: [ExecutionMode]
  public var seeds: [UInt64]
  /// Real evaluations per run (nil: no limit).
  public var budget: Int?
  /// Simulated hours per run (nil: no limit).
  public var hours: Double?
  /// Node-hours per run, W × simulated hours (nil: no limit): a run on W workers stops launching at `nodeHours / W` hours.
  public var nodeHours: Double?
  /// The overhead model, as `Overhead(parsing:)` reads it (`none`, `constant:S`, `linear:A,B`, `cubic:A,B`).
  public var overhead: String
  /// Recorded runs (trace names, e.g. `bo_bis`) whose results are placed in the simulated distributions.
  public var recorded: [String]
  /// Whether seeds pair the runs of different algorithms (pairwise tests: Wilcoxon signed-rank instead of Mann–Whitney U).
  public var paired: Bool
  /// Where the study was written (file and lines, for messages); not part of the definition (see ``StudySource``).
  public var source = StudySource()

  /// Every stored key: ``source`` is not one (its lines do not define the study).
  enum CodingKeys: String, CodingKey {
    case name, description, space, algorithms, evaluators, workers, modes, seeds, budget, hours, nodeHours, overhead, recorded
    case paired
  }

  public init(
    name: String, description: String = "", space: SearchSpace? = nil, algorithms: [StudyAlgorithm],
    evaluators: [StudyEvaluator], workers: [Int] = [1], modes: [ExecutionMode] = [.async], seeds: [UInt64],
    budget: Int? = nil, hours: Double? = nil, nodeHours: Double? = nil, overhead: String = "none", recorded: [String] = [],
    paired: Bool = false
  ) {
    self.name = name
    self.description = description
    self.space = space
    self.algorithms = algorithms
    self.evaluators = evaluators
    self.workers = workers
    self.modes = modes
    self.seeds = seeds
    self.budget = budget
    self.hours = hours
    self.nodeHours = nodeHours
    self.overhead = overhead
    self.recorded = recorded
    self.paired = paired
  }

  /// The canonical JSON of the spec (sorted keys): two files that define the same study give the same text.
  /// - Throws: `.invalidInput` when the spec cannot be encoded (a non-finite number, which the
  ///   parser refuses); never an empty or partial text.
  public func canonicalJSON() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    do {
      return String(decoding: try encoder.encode(self), as: UTF8.self)
    } catch {
      throw LabError(
        .invalidInput, "study '\(name)' cannot be stored: its definition does not encode as JSON",
        location: source.file.map { .init(file: $0) }, underlying: error)
    }
  }

  /// A 64-bit FNV-1a hash of ``canonicalJSON()``, in hex: shards and merges refuse mismatches.
  /// - Throws: what ``canonicalJSON()`` throws.
  public var specHash: String {
    get throws {
      let h = stableHash(try canonicalJSON())
      let hex = String(h, radix: 16)
      return String(repeating: "0", count: 16 - hex.count) + hex
    }
  }

  /// The number of runs in the grid (algorithms × evaluators × workers × modes × seeds), nil when it overflows `Int`.
  public var cellCount: Int? {
    var n = 1
    for factor in [algorithms.count, evaluators.count, workers.count, modes.count, seeds.count] {
      let (product, overflow) = n.multipliedReportingOverflow(by: factor)
      if overflow { return nil }
      n = product
    }
    return n
  }

  /// Whether `name` can name a study: `[A-Za-z0-9][A-Za-z0-9._-]*` without `..` (so it is safe in paths and run ids).
  public static func isValidName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, isNameScalar(first), first != ".", first != "-", first != "_" else {
      return false
    }
    return !name.contains("..") && name.unicodeScalars.allSatisfy(isNameScalar)
  }

  private static func isNameScalar(_ c: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "-" || c == "_" || c == "."
  }

  /// Every run of the study, in the fixed order algorithm, evaluator, workers, mode, seed (seed fastest).
  public var cells: [StudyCell] {
    var out: [StudyCell] = []
    for a in algorithms {
      for e in evaluators {
        for w in workers {
          for m in modes {
            for s in seeds {
              out.append(StudyCell(index: out.count, study: name, algorithm: a, evaluator: e, workers: w, mode: m, seed: s))
            }
          }
        }
      }
    }
    return out
  }

  /// The cells of shard `index` (1-based) of `count`: every cell whose position ≡ index − 1 (mod count).
  public func cells(shard index: Int, of count: Int) -> [StudyCell] {
    cells.filter { $0.index % count == index - 1 }
  }

  /// The run spec of `cell`, given the evaluator's own space, metric and direction (used unless the study sets them).
  public func runSpec(
    _ cell: StudyCell, space evaluatorSpace: SearchSpace, metric defaultMetric: String, direction defaultDirection: Direction
  ) -> RunSpec {
    RunSpec(
      algorithm: cell.algorithm.name, options: cell.algorithm.options, evaluator: cell.evaluator.name,
      space: space ?? evaluatorSpace, workers: cell.workers, mode: cell.mode, seed: cell.seed,
      metric: cell.evaluator.metric ?? defaultMetric, direction: cell.evaluator.direction ?? defaultDirection,
      budget: budget, hours: hours, target: nil, nodeHours: nodeHours)
  }
}

/// One run of a study's grid.
public struct StudyCell: Sendable, Hashable, Codable {
  /// Position in ``StudySpec/cells``.
  public var index: Int
  public var study: String
  public var algorithm: StudyAlgorithm
  public var evaluator: StudyEvaluator
  public var workers: Int
  public var mode: ExecutionMode
  public var seed: UInt64

  /// The stored run id: `STUDY/LABEL/EVALUATOR/wW-MODE/sSEED`.
  public var runID: String {
    "\(study)/\(algorithm.label)/\(evaluator.name)/w\(workers)-\(mode.rawValue)/s\(seed)"
  }

  /// The cell's group key without the seed: runs that differ only by seed are summarised together.
  public var group: StudyGroup {
    StudyGroup(algorithm: algorithm.label, evaluator: evaluator.name, workers: workers, mode: mode)
  }
}

/// A cell of the grid without its seed: the unit statistics summarise over seeds.
public struct StudyGroup: Sendable, Hashable, Codable, Comparable {
  public var algorithm: String
  public var evaluator: String
  public var workers: Int
  public var mode: ExecutionMode

  public init(algorithm: String, evaluator: String, workers: Int, mode: ExecutionMode) {
    self.algorithm = algorithm
    self.evaluator = evaluator
    self.workers = workers
    self.mode = mode
  }

  public static func < (a: StudyGroup, b: StudyGroup) -> Bool {
    (a.evaluator, a.workers, a.mode.rawValue, a.algorithm) < (b.evaluator, b.workers, b.mode.rawValue, b.algorithm)
  }
}
