import Foundation
import LabCore
import LabEvaluators
import LabOptimizers
import LabSimulation

/// Turns a ``RunSpec`` into a ``RunRecord`` on the simulated clock: the one place that builds
/// proposer + simulator + evaluator, used by `hpolab run`, the study runner and `hpolab-bench`.
///
/// The proposer comes from ``ProposerCatalogue`` (by `spec.algorithm` and `spec.options`;
/// SOO and BaMSOO get sweep batching for W > 1 unless told otherwise), the evaluator from
/// ``EvaluatorCatalogue`` or the caller, and ``Simulator`` runs them. A run is a pure function
/// of the spec (its seed included) and the evaluator.
public enum SimulatedRun {
  /// Runs `spec` against `evaluator`.
  /// - Parameters:
  ///   - overhead: the optimiser's modelled compute time per proposal.
  ///   - checksPoints: whether the simulator checks every proposed point against the space (benchmarks turn it off).
  /// - Throws: what ``ProposerCatalogue/make(_:options:space:budget:workers:mode:)`` throws for an unknown
  ///   algorithm or option; what ``Simulator`` throws for a bad spec. Failed trials are outcomes, not errors.
  public static func record(
    for spec: RunSpec, evaluator: any Evaluator, overhead: Overhead = .none, checksPoints: Bool = true
  ) throws -> RunRecord {
    var proposer = try ProposerCatalogue.make(
      spec.algorithm, options: spec.options, space: spec.space, budget: spec.budget, workers: spec.workers, mode: spec.mode)
    return try Simulator(spec: spec, overhead: overhead, checksPoints: checksPoints).run(&proposer, evaluator: evaluator)
  }

  /// What `hpolab run` asks for: an algorithm and an evaluator by name, with the run's limits.
  public struct Request: Sendable {
    public var algorithm: String
    public var options: [String: String]
    /// An evaluator name of ``EvaluatorCatalogue`` (`replay:RUN`, `function:NAME`, …).
    public var evaluator: String
    public var workers: Int
    public var mode: ExecutionMode
    /// Real evaluations allowed; nil: 50, or no limit when `hours` or `nodeHours` is given.
    public var budget: Int?
    public var hours: Double?
    public var target: Double?
    /// A compute budget in node-hours (W × simulated hours); see ``RunSpec/horizonHours``.
    public var nodeHours: Double?
    public var seed: UInt64
    /// The metric to optimise; nil: the evaluator's default.
    public var metric: String?
    public var overhead: Overhead
    public var context: EvaluatorCatalogue.Context

    public init(
      algorithm: String, options: [String: String] = [:], evaluator: String, workers: Int = 1, mode: ExecutionMode = .async,
      budget: Int? = nil, hours: Double? = nil, target: Double? = nil, nodeHours: Double? = nil, seed: UInt64 = 0,
      metric: String? = nil, overhead: Overhead = .none, context: EvaluatorCatalogue.Context
    ) {
      self.algorithm = algorithm
      self.options = options
      self.evaluator = evaluator
      self.workers = workers
      self.mode = mode
      self.budget = budget
      self.hours = hours
      self.target = target
      self.nodeHours = nodeHours
      self.seed = seed
      self.metric = metric
      self.overhead = overhead
      self.context = context
    }
  }

  /// Resolves the request's evaluator, completes the spec with the evaluator's space, metric and direction, and runs it.
  /// - Throws: what ``EvaluatorCatalogue/make(_:context:)`` throws; `.invalidInput` (field `metric`) for a metric the
  ///   evaluator does not report; what ``record(for:evaluator:overhead:checksPoints:)`` throws.
  public static func run(_ request: Request) throws -> RunRecord {
    let choice = try EvaluatorCatalogue.make(request.evaluator, context: request.context)
    let metric = request.metric ?? choice.defaultMetric
    guard choice.evaluator.metricNames.contains(metric) else {
      throw LabError(
        .invalidInput,
        "\(choice.evaluator.name) does not report '\(metric)'; it reports \(choice.evaluator.metricNames.joined(separator: ", "))",
        location: .init(field: "metric"))
    }
    let spec = RunSpec(
      algorithm: request.algorithm, options: request.options, evaluator: request.evaluator, space: choice.space,
      workers: request.workers, mode: request.mode, seed: request.seed, metric: metric, direction: choice.direction,
      budget: request.budget ?? (request.hours == nil && request.nodeHours == nil ? 50 : nil), hours: request.hours,
      target: request.target, nodeHours: request.nodeHours)
    return try record(for: spec, evaluator: choice.evaluator, overhead: request.overhead)
  }
}
