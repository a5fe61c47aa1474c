/// One trial as a run records it: what was proposed, what ran where and when, and what came out.
public struct TrialRecord: Sendable, Hashable, Codable {
  public var id: TrialID
  public var point: Point
  public var configuration: Configuration
  public var state: TrialState
  /// Metrics of a completed trial; for an approximated one, the model's score under the metric's name plus `lcb`/`ucb`.
  public var metrics: Metrics
  public var failure: FailureReason?
  public var durations: Durations
  /// The worker that ran it (-1 for approximated trials, which use none).
  public var worker: Int
  /// Simulated (or real) seconds since the run started.
  public var start: Double
  public var end: Double
  public var source: EvaluationSource
  public var info: [String: String]

  public init(
    id: TrialID, point: Point, configuration: Configuration, state: TrialState, metrics: Metrics,
    failure: FailureReason? = nil, durations: Durations, worker: Int, start: Double, end: Double,
    source: EvaluationSource, info: [String: String] = [:]
  ) {
    self.id = id
    self.point = point
    self.configuration = configuration
    self.state = state
    self.metrics = metrics
    self.failure = failure
    self.durations = durations
    self.worker = worker
    self.start = start
    self.end = end
    self.source = source
    self.info = info
  }
}

/// How a run's workers were driven.
public enum ExecutionMode: String, Sendable, Hashable, Codable, CaseIterable {
  /// Propose a batch of up to W points, wait for all of them.
  case sync
  /// A freed worker immediately asks for a new point; running ones are pending.
  case async
}

/// Everything that defines a run: with the same spec, a run gives the same record, bit for bit.
public struct RunSpec: Sendable, Hashable, Codable {
  public var algorithm: String
  /// Algorithm options as given (e.g. `pending = kriging-believer`), for the record.
  public var options: [String: String]
  public var evaluator: String
  public var space: SearchSpace
  public var workers: Int
  public var mode: ExecutionMode
  public var seed: UInt64
  /// The metric the proposer optimises, and its direction.
  public var metric: String
  public var direction: Direction
  /// Stop after this many real evaluations (nil: no limit).
  public var budget: Int?
  /// Stop launching after this many simulated hours (nil: no limit).
  public var hours: Double?
  /// Stop once the best value reaches this target (nil: no target).
  public var target: Double?
  /// Stop launching once W × elapsed simulated hours reaches this many node-hours (nil: no limit); see ``horizonHours``.
  public var nodeHours: Double?

  public init(
    algorithm: String, options: [String: String] = [:], evaluator: String, space: SearchSpace, workers: Int = 1,
    mode: ExecutionMode = .async, seed: UInt64 = 0, metric: String = MetricName.hellaswagAcc,
    direction: Direction = .maximize, budget: Int? = 50, hours: Double? = nil, target: Double? = nil,
    nodeHours: Double? = nil
  ) {
    self.algorithm = algorithm
    self.options = options
    self.evaluator = evaluator
    self.space = space
    self.workers = workers
    self.mode = mode
    self.seed = seed
    self.metric = metric
    self.direction = direction
    self.budget = budget
    self.hours = hours
    self.target = target
    self.nodeHours = nodeHours
  }

  /// The simulated hours after which no trial starts and at which the run's result is read: the smaller of
  /// ``hours`` and ``nodeHours`` / W (nil when neither is set).
  ///
  /// A node-hours budget N on W workers is the allocation "W nodes for N / W hours": 64 node-hours are
  /// 1 hour on 64 workers or 64 hours on one. Trials running at the horizon finish and are recorded
  /// with their real end, but the run's result (``bestTrialWithinHorizon``) counts only the trials that
  /// ended by it.
  public var horizonHours: Double? {
    let byNodes = nodeHours.map { $0 / Double(max(workers, 1)) }
    switch (hours, byNodes) {
    case let (h?, n?): return min(h, n)
    case let (h?, nil): return h
    case let (nil, n?): return n
    case (nil, nil): return nil
    }
  }
}

/// The complete outcome of one run: its spec and every trial, in start order.
public struct RunRecord: Sendable, Hashable, Codable {
  public var spec: RunSpec
  public var trials: [TrialRecord]
  /// Simulated seconds from the start to the end of the last trial.
  public var makespan: Double
  /// Notes that qualify the record (e.g. "overhead measured from the host clock: not reproducible").
  public var notes: [String]

  public init(spec: RunSpec, trials: [TrialRecord], makespan: Double, notes: [String] = []) {
    self.spec = spec
    self.trials = trials
    self.makespan = makespan
    self.notes = notes
  }

  /// The trials that really ran and succeeded.
  public var completed: [TrialRecord] { trials.filter { $0.state == .completed } }

  /// Best-so-far of the spec's metric after each *evaluated* trial (completed or failed), in order of completion time.
  public func bestSoFar() -> [(evaluations: Int, time: Double, best: Double)] {
    let evaluated = trials.filter { $0.state == .completed || $0.state == .failed }
      .sorted { ($0.end, $0.id) < ($1.end, $1.id) }
    var out: [(Int, Double, Double)] = []
    var best: Double? = nil
    for (i, t) in evaluated.enumerated() {
      if t.state == .completed, let v = t.metrics[spec.metric] {
        if let b = best { if spec.direction.isBetter(v, than: b) { best = v } } else { best = v }
      }
      out.append((i + 1, t.end, best ?? .nan))
    }
    return out
  }

  /// The run's result: the best completed trial that ended by the spec's ``RunSpec/horizonHours`` (all completed
  /// trials when the run has no horizon); what `hpolab run` prints and study reports score.
  ///
  /// Trials that started before an hours limit finish after it; their values are in the record but not in
  /// the result at the limit.
  public var bestTrialWithinHorizon: TrialRecord? {
    bestTrial(endedBy: spec.horizonHours.map { $0 * 3600 } ?? .infinity)
  }

  /// The best completed trial for the spec's metric (first one on ties), whatever its end.
  public var bestTrial: TrialRecord? { bestTrial(endedBy: .infinity) }

  /// The best completed trial with `end ≤ seconds` (first one on ties), or nil when none.
  public func bestTrial(endedBy seconds: Double) -> TrialRecord? {
    var best: TrialRecord? = nil
    for t in trials where t.state == .completed && t.end <= seconds {
      guard let v = t.metrics[spec.metric] else { continue }
      if let b = best, let bv = b.metrics[spec.metric], !spec.direction.isBetter(v, than: bv) { continue }
      best = t
    }
    return best
  }
}
