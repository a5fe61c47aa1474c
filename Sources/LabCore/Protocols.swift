/// Chooses the next point to evaluate and is told every result (ask/tell).
///
/// One proposer serves every execution policy: sequential, synchronous
/// batches, asynchronous workers, and live runs. Points still being
/// evaluated are passed as `pending`, so a proposer can avoid proposing them
/// again (BoTorch's `X_pending`, Optuna's running trials).
///
/// `nil` from ``propose(pending:using:)`` means "nothing to propose until
/// something finishes" (a SOO sweep waiting for its batch) — or, when nothing
/// is pending, "done".
///
/// - Important: Every random choice must come from the generator passed in,
///   so that a run is a pure function of its seed.
public protocol Proposer {
  /// A short name for messages and records (`random`, `lhs`, `bo`, `soo`, `bamsoo`).
  var name: String { get }

  /// The next point to evaluate, or `nil` (see the type's discussion).
  /// - Throws: ``LabError`` only for programming or numerical faults, never for a bad trial.
  mutating func propose(pending: [Point], using rng: inout SeededGenerator) throws -> Proposal?

  /// Records the result of a trial started from one of this proposer's proposals.
  /// - Throws: ``LabError`` `.invalidInput` when the value is not finite (naming the trial).
  mutating func observe(_ observation: Observation) throws

  /// Leaves scored by the model rather than evaluated since the last call (BaMSOO); empty by default.
  mutating func takeApproximations() -> [Approximation]

  /// Whether the proposer enforces the evaluation budget itself and may overshoot it (false by default).
  ///
  /// SOO and BaMSOO as recorded check the budget only when a sweep starts, so
  /// `soo_bis.json` has 51 evaluations for a budget of 50. When this is true the
  /// simulator lets the proposer stop by itself (returning `nil`) and keeps only
  /// a safety cap of twice the budget plus 64.
  var ownsBudget: Bool { get }
}

extension Proposer {
  public mutating func takeApproximations() -> [Approximation] { [] }
  public var ownsBudget: Bool { false }
}

/// Says what evaluating a configuration yields and how long it would take.
///
/// A simulated evaluator *reports* a duration; it does not spend it, and it
/// is synchronous so that the simulator can run millions of trials a second.
/// (Live mode has its own asynchronous `LiveEvaluator` in `LabLive`.)
/// Per-trial randomness comes from `rng`, which the caller derives from
/// (run seed, trial id) — never from the order in which trials complete.
public protocol Evaluator: Sendable {
  /// A short description, e.g. `replay:soo_bis`, `surrogate:B`, `function:branin`.
  var name: String { get }
  /// The metric names this evaluator produces.
  var metricNames: [String] { get }
  /// The evaluation of `configuration` (at `point`) for trial `trial`.
  /// - Throws: ``LabError`` when the evaluator cannot answer at all (e.g. a point absent
  ///   from a recording under the `error` policy). A trial that *fails* is
  ///   not an error: return an ``Evaluation`` whose outcome is `.failure`.
  func evaluate(_ configuration: Configuration, at point: Point, trial: TrialID, using rng: inout SeededGenerator) throws
    -> Evaluation
}

/// Whether a metric is to be maximised or minimised.
public enum Direction: String, Sendable, Hashable, Codable {
  case maximize, minimize
  /// `value` turned into the proposers' convention (larger is better).
  @inlinable public func objective(_ value: Double) -> Double { self == .maximize ? value : -value }
  /// Whether `a` is strictly better than `b`.
  @inlinable public func isBetter(_ a: Double, than b: Double) -> Bool { self == .maximize ? a > b : a < b }
}
