import LabCore
import LabData
import LabOptimizers
import Testing

@Suite struct TreeSearchBatchingTests {
  /// Proposes until `nil`; returns the batch.
  func drain<P: Proposer>(_ p: inout P, _ rng: inout SeededGenerator) throws -> [Proposal] {
    var batch: [Proposal] = []
    while let q = try p.propose(pending: batch.map(\.point), using: &rng) { batch.append(q) }
    return batch
  }

  @Test func sweepBatchingProposesAWholeSweepAtOnceAndWaitsForIt() throws {
    // Root, then sweep 0 (root's two outer children), then sweep 1 expands depth 1 only: leaves
    // created during a sweep wait for the next one.
    var soo = try SOO(space: himmelblauSpace, options: TreeSearchOptions(budget: 40, batching: .sweep))
    var rng = SeededGenerator(seed: 1)
    var sizes: [Int] = []
    var trial = 0
    while true {
      let batch = try drain(&soo, &rng)
      if batch.isEmpty { break }
      sizes.append(batch.count)
      #expect(Set(batch.map { $0.info["loop"] ?? "" }).count == 1, "a batch holds one sweep")
      for q in batch {
        let v = -himmelblau(q.point.base[0], q.point.base[1])
        try soo.observe(Observation(trial: trial, point: q.point, result: .value(v)))
        trial += 1
      }
    }
    #expect(sizes.prefix(3) == [1, 2, 2])
    #expect(sizes.dropFirst(3).contains { $0 > 2 }, "later sweeps expand several depths at once: \(sizes)")
    #expect(soo.isFinished && soo.evaluations >= 40)
    try soo.tree.checkInvariants()
  }

  @Test func asyncSweepsStartOnKnownLeavesWhileEvaluationsArePending() throws {
    var soo = try SOO(space: himmelblauSpace, options: TreeSearchOptions(budget: 30, batching: .asyncSweep))
    var rng = SeededGenerator(seed: 2)
    let root = try #require(try soo.propose(pending: [], using: &rng))
    #expect(try soo.propose(pending: [root.point], using: &rng) == nil)  // nothing is known yet
    try soo.observe(Observation(trial: 0, point: root.point, result: .value(-170)))
    let a = try #require(try soo.propose(pending: [], using: &rng))
    let b = try #require(try soo.propose(pending: [a.point], using: &rng))
    // Both outer children pending, the middle one inherited and known: the next sweep starts on it.
    let c = try #require(try soo.propose(pending: [a.point, b.point], using: &rng))
    #expect(c.info["loop"] == "1" && c.info["depth"] == "2")
    // a, b and the two outer children of (1, 1).
    #expect(soo.tree.nodes.filter { $0.kind == .pending }.count == 4)
    try soo.tree.checkInvariants()
  }

  @Test func strictInheritanceEvaluatesTheFarLearningRateChildOfSooBis() throws {
    // With the textbook rule the (3, 19) expansion of soo_bis evaluates lr = −8.5, so the run leaves the recording at step 14.
    let trials = try recordedTrials("soo_bis")
    var soo = try SOO(space: .llama32_1B, options: TreeSearchOptions(inheritance: .strict, budget: 50))
    let report = try TreeReplay.run(&soo, against: trials, space: .llama32_1B)
    #expect(report.firstDivergence == 14)
    #expect(report.steps[13].replayed?.point.base == [53.66666666666667, 11.5, 0.25, -8.5, -3.0])
  }

  @Test func aDepthLimitKeepsTheTreeShallow() throws {
    var soo = try SOO(space: himmelblauSpace, options: TreeSearchOptions(budget: 100, depthLimit: .constant(3)))
    _ = try runOnHimmelblau(&soo, limit: 500)
    #expect(soo.tree.maxDepth == 4)  // leaves of depth 3 are expanded, never those of depth 4
    #expect(soo.isFinished)
  }

  @Test func stringOptionsAreParsedAndBadOnesNamed() throws {
    let soo = try SOO.make(options: ["k": "5", "inherit": "strict", "batching": "async", "h_max": "sqrt"], space: himmelblauSpace, budget: 10)
    #expect(soo.options.arity == 5 && soo.options.inheritance == .strict && soo.options.batching == .asyncSweep)
    #expect(soo.options.depthLimit == .squareRoot && soo.options.loopCondition == .belowBudget)
    let b = try BaMSOO.make(options: ["eta": "0.5"], space: himmelblauSpace, budget: 10)
    #expect(b.options.loopCondition == .atMostBudget)
    do {
      _ = try SOO.make(options: ["batching": "parallel"], space: himmelblauSpace, budget: 10)
      Issue.record("a bad batching was accepted")
    } catch let e as LabError {
      #expect(e.message == "soo: option 'batching' must be 'sequential', 'sweep' or 'async', got 'parallel'")
    }
  }

  @Test func aFailedTrialIsAnOutcomeScoredAtTheWorstValueSeen() throws {
    var soo = try SOO(space: himmelblauSpace, options: TreeSearchOptions(budget: 5))
    var rng = SeededGenerator(seed: 4)
    let root = try #require(try soo.propose(pending: [], using: &rng))
    try soo.observe(Observation(trial: 0, point: root.point, result: .value(-3)))
    let a = try #require(try soo.propose(pending: [], using: &rng))
    let b = try #require(try soo.propose(pending: [], using: &rng))
    try soo.observe(Observation(trial: 1, point: a.point, result: .value(-7)))
    try soo.observe(Observation(trial: 2, point: b.point, result: .failed(FailureReason("collapsed"))))
    let failed = try #require(soo.tree.nodes.first { $0.centre == b.point })
    #expect(failed.kind == .failed && failed.score == -7)
  }
}
