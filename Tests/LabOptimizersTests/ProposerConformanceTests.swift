import Foundation
import LabCore
import LabData
import LabEvaluators
import LabOptimizers
import LabSimulation
import Testing

// The proposer conformance suite: one body per contract, run over every entry of the
// catalogue (the shipped ones and the test-only Halton proposer of ExtendingCatalogueTests),
// so registering an optimiser is enough to have it checked.

/// Every entry the suite checks: ``ProposerCatalogue/standard`` plus the test-only `halton`.
let conformanceCatalogue = extendedCatalogue

/// A proposer of `name` from the conformance catalogue, for W workers in `mode`, with its default options.
private func proposer(_ name: String, space: SearchSpace = .llama32_1B, budget: Int, workers: Int = 1, mode: ExecutionMode = .sync)
  throws -> any Proposer
{
  try conformanceCatalogue.make(name, space: space, budget: budget, workers: workers, mode: mode)
}

/// The suite's objective on the unit cube: −Σ (u_i − 0.3)², larger is better, maximum 0 at u = 0.3.
private func objective(_ p: Point) -> Double { -p.unit.reduce(0) { $0 + ($1 - 0.3) * ($1 - 0.3) } }

/// One step of a recorded ask/tell session.
private enum Event: Equatable {
  case proposed(Proposal?)
  case observed(Observation)
}

/// Ask/tell without the simulator: W workers, a batch barrier (sync) or one completion at a time (async).
///
/// Async completions are taken in a fixed scrambled order (index `(k·7919) mod |pending|` for the k-th
/// completion), so the order differs from the proposal order. Every proposal is checked against the
/// points pending at the time it was made. `result` gives each trial's outcome.
private struct Session {
  var events: [Event] = []
  var proposals: [Proposal] = []
  var duplicates: [String] = []
  /// Whether the proposer said "done" (nil with nothing pending) before the budget.
  var finishedEarly = false

  mutating func run(
    _ p: inout any Proposer, workers: Int, mode: ExecutionMode, budget: Int, seed: UInt64 = 1, stopAfterEvents: Int = .max,
    result: (TrialID, Point) -> Observation.Result = { .value(objective($1)) }
  ) throws {
    var rng = SeededGenerator(seed: seed)
    var pending: [(trial: TrialID, point: Point)] = []
    var started = 0
    var completions = 0
    func complete(_ index: Int, _ p: inout any Proposer) throws {
      let (trial, point) = pending.remove(at: index)
      let o = Observation(trial: trial, point: point, result: result(trial, point))
      try p.observe(o)
      events.append(.observed(o))
      completions += 1
    }
    while events.count < stopAfterEvents {
      if started < budget && pending.count < workers {
        let proposal = try p.propose(pending: pending.map(\.point), using: &rng)
        events.append(.proposed(proposal))
        if let proposal {
          if pending.contains(where: { $0.point == proposal.point }) { duplicates.append("trial \(started): \(proposal.point)") }
          pending.append((started, proposal.point))
          proposals.append(proposal)
          started += 1
          continue
        }
        if pending.isEmpty {  // nothing pending, nothing proposed: done
          finishedEarly = true
          return
        }
      }
      if pending.isEmpty { return }
      if mode == .sync {
        while !pending.isEmpty && events.count < stopAfterEvents { try complete(0, &p) }
      } else {
        try complete((completions * 7919) % pending.count, &p)
      }
    }
  }
}

@Suite("Proposer conformance: every catalogue entry")
struct ProposerConformanceTests {
  @Test(arguments: conformanceCatalogue.names)
  func theSameSeedGivesTheSameProposals(_ name: String) throws {
    var runs: [[Proposal]] = []
    for _ in 0..<2 {
      var p = try proposer(name, budget: 24, workers: 4, mode: .async)
      var s = Session()
      try s.run(&p, workers: 4, mode: .async, budget: 24, seed: 42)
      runs.append(s.proposals)
    }
    #expect(runs[0].count == 24)
    #expect(runs[0] == runs[1])
  }

  @Test(arguments: conformanceCatalogue.names)
  func everyProposalLiesInTheSpaceAndConvertsAsTheSpaceSays(_ name: String) throws {
    let space = SearchSpace.llama32_3B
    var p = try proposer(name, space: space, budget: 30, workers: 3, mode: .sync)
    var s = Session()
    try s.run(&p, workers: 3, mode: .sync, budget: 30)
    #expect(s.proposals.count == 30)
    for proposal in s.proposals {
      let point = proposal.point
      #expect(space.contains(point), "\(point) outside the cube")
      for (i, parameter) in space.parameters.enumerated() {
        // The two coordinate sets agree, and the configuration is the parameter's conversion of the base value.
        #expect(abs(parameter.base(fromUnit: point.unit[i]) - point.base[i]) <= 1e-9 * max(1, abs(point.base[i])))
        #expect(point.base[i] >= parameter.lower - 1e-9 && point.base[i] <= parameter.upper + 1e-9)
      }
      let c = space.configuration(for: point)
      #expect(c.values[0] == point.base[0].rounded(.towardZero), "lora_rank is truncated")
      #expect(c.values[3] == pow10(point.base[3]), "learning_rate is 10^x")
    }
  }

  @Test(arguments: conformanceCatalogue.names)
  func noPointIsProposedTwiceWhilePendingUnderEightAsyncWorkers(_ name: String) throws {
    var p = try proposer(name, budget: 40, workers: 8, mode: .async)
    var s = Session()
    try s.run(&p, workers: 8, mode: .async, budget: 40)
    #expect(s.duplicates.isEmpty, "\(s.duplicates)")
    #expect(s.proposals.count == 40)
  }

  /// Every batch is filled with distinct points until the budget. A proposer that owns its budget may
  /// instead say "done" early, as documented: SOO and BaMSOO stop after 1,000 consecutive sweeps that
  /// propose no evaluation (`maxIdleSweeps`) — which BaMSOO reaches on this smooth objective with
  /// W = 64 (its GP approximates every new leaf: 50 evaluations and 6,392 approximations for 70).
  @Test(arguments: conformanceCatalogue.names, [1, 3, 64])
  func synchronousBatchesAreFilledWithoutDuplicates(_ name: String, workers: Int) throws {
    let budget = workers == 64 ? 70 : 18
    var p = try proposer(name, budget: budget, workers: workers, mode: .sync)
    var s = Session()
    try s.run(&p, workers: workers, mode: .sync, budget: budget)
    #expect(s.duplicates.isEmpty, "\(s.duplicates)")
    #expect(s.proposals.count == budget || (p.ownsBudget && s.finishedEarly), "\(s.proposals.count) of \(budget)")
  }

  /// Documented: a failed trial is an outcome the proposer is told and carries on after; a
  /// non-finite value is refused with `.invalidInput` naming the trial, and the proposer stays usable.
  @Test(arguments: conformanceCatalogue.names)
  func failuresAreToleratedAndNonFiniteValuesRefused(_ name: String) throws {
    var p = try proposer(name, budget: 30, workers: 2, mode: .async)
    var s = Session()
    try s.run(&p, workers: 2, mode: .async, budget: 30) { trial, point in
      trial % 4 == 3 ? .failed(FailureReason("collapsed")) : .value(objective(point))
    }
    #expect(s.proposals.count == 30)
    var rng = SeededGenerator(seed: 3)
    var q = try proposer(name, budget: 30)
    for bad in [Double.nan, .infinity, -.infinity] {
      let next = try #require(try q.propose(pending: [], using: &rng))
      let error = try #require(throws: LabError.self) {
        try q.observe(Observation(trial: 0, point: next.point, result: .value(bad)))
      }
      #expect(error.code == .invalidInput)
      #expect(error.message.contains("non-finite"))
      try q.observe(Observation(trial: 0, point: next.point, result: .value(objective(next.point))))
    }
    #expect(try q.propose(pending: [], using: &rng) != nil)
  }

  /// The simulator stops at the budget; a proposer that owns its budget (SOO and BaMSOO as recorded)
  /// may overshoot by its last sweep, documented as at most one sweep (here: below B/2).
  @Test(arguments: conformanceCatalogue.names, [ExecutionMode.sync, .async])
  func theBudgetIsRespectedUnderTheSimulator(_ name: String, mode: ExecutionMode) throws {
    let budget = 20
    let function = TestFunction.hartmann6
    let spec = RunSpec(
      algorithm: name, evaluator: "function:hartmann6", space: function.space, workers: 3, mode: mode, metric: MetricName.value,
      direction: .minimize, budget: budget)
    var p = try proposer(name, space: function.space, budget: budget, workers: 3, mode: mode)
    let record = try Simulator(spec: spec).run(&p, evaluator: try FunctionEvaluator(function: function))
    let n = record.trials.filter { $0.state == .completed || $0.state == .failed }.count
    if p.ownsBudget {
      #expect(n >= budget && n < budget + budget / 2, "\(n) evaluations for a budget of \(budget)")
    } else {
      #expect(n == budget)
    }
  }

  /// Live mode resumes by replaying the recorded proposals and observations in order; the
  /// proposer must then make the same next proposal as a run that was never interrupted.
  @Test(arguments: conformanceCatalogue.names)
  func resumingByReplayingToldResultsGivesTheUninterruptedNextProposal(_ name: String) throws {
    var whole = Session()
    var p = try proposer(name, budget: 30, workers: 4, mode: .async)
    try whole.run(&p, workers: 4, mode: .async, budget: 30, seed: 8)
    // Interrupted after event k (the middle of the run), then replayed into a fresh proposer.
    let k = whole.events.count / 2
    var fresh = try proposer(name, budget: 30, workers: 4, mode: .async)
    var rng = SeededGenerator(seed: 8)
    var pending: [Point] = []
    for event in whole.events.prefix(k) {
      switch event {
      case .proposed(let recorded):
        let again = try fresh.propose(pending: pending, using: &rng)
        #expect(again == recorded, "replay diverged")
        if let again { pending.append(again.point) }
      case .observed(let o):
        try fresh.observe(o)
        pending.removeAll { $0 == o.point }
      }
    }
    // The uninterrupted run's next proposal after event k.
    let nextRecorded = whole.events.dropFirst(k).first { if case .proposed = $0 { return true } else { return false } }
    guard case .proposed(let expected)? = nextRecorded else { Issue.record("no proposal after event \(k)"); return }
    // Bring pending up to date with the observations recorded between k and that proposal.
    for event in whole.events.dropFirst(k) {
      if case .observed(let o) = event {
        try fresh.observe(o)
        pending.removeAll { $0 == o.point }
      } else { break }
    }
    #expect(try fresh.propose(pending: pending, using: &rng) == expected)
  }

  @Test(arguments: conformanceCatalogue.names)
  func aConstantObjectiveAndAOneDimensionalSpaceDoNotCrash(_ name: String) throws {
    let line = try SearchSpace([Parameter("x", .float, lower: -1, upper: 1)])
    for (space, constant) in [(line, false), (line, true), (SearchSpace.llama32_1B, true)] {
      var p = try proposer(name, space: space, budget: 25, workers: 2, mode: .async)
      var s = Session()
      try s.run(&p, workers: 2, mode: .async, budget: 25) { _, point in .value(constant ? 0.5 : objective(point)) }
      #expect(s.proposals.count == 25, "\(space.dimension)-D, constant \(constant)")
      #expect(s.proposals.allSatisfy { space.contains($0.point) })
    }
  }
}

/// 10^x with the C library's pow, as ``Parameter/convert(_:integers:)`` promises.
private func pow10(_ x: Double) -> Double { Foundation.pow(10.0, x) }
