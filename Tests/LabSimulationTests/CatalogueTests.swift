import Foundation
import LabCore
import LabData
import LabEvaluators
import LabOptimizers
import LabSimulation
import Testing
import LabTestSupport

@Suite struct ProposerCatalogueTests {
  @Test func everyNamedAlgorithmBuilds() throws {
    for name in ProposerCatalogue.names {
      let proposer = try ProposerCatalogue.make(name, space: .llama32_1B, budget: 20)
      #expect(proposer.name == name)
    }
  }

  @Test func anUnknownAlgorithmListsTheValidOnes() throws {
    let error = try #require(throws: LabError.self) { try ProposerCatalogue.make("hyperband", space: .llama32_1B, budget: 5) }
    #expect(error.code == .notFound)
    #expect(error.message == "unknown algorithm 'hyperband'; valid: random, lhs, bo, soo, bamsoo, tpe, cmaes")
  }

  @Test func anUnknownOptionListsTheAlgorithmsOptions() throws {
    let error = try #require(throws: LabError.self) {
      try ProposerCatalogue.make("soo", options: ["arity": "3"], space: .llama32_1B, budget: 5)
    }
    #expect(error.message == "soo: unknown option 'arity'; valid: k, inheritance, batching, depth-limit, budget")
    let bad = try #require(throws: LabError.self) {
      try ProposerCatalogue.make("soo", options: ["batching": "eager"], space: .llama32_1B, budget: 5)
    }
    #expect(bad.message.contains("valid: sequential, sweep, asyncSweep"))
    let notInt = try #require(throws: LabError.self) {
      try ProposerCatalogue.make("lhs", options: ["count": "many"], space: .llama32_1B, budget: 5)
    }
    #expect(notInt.message == "lhs: option 'count' must be an integer, got 'many'")
  }

  @Test func lhsDrawsADesignOfTheBudgetUnlessToldOtherwise() throws {
    var rng = SeededGenerator(seed: 1)
    for (options, expected) in [([String: String](), 7), (["count": "3"], 3)] {
      var proposer = try ProposerCatalogue.make("lhs", options: options, space: .llama32_1B, budget: 7)
      var n = 0
      while try proposer.propose(pending: [], using: &rng) != nil { n += 1 }
      #expect(n == expected)
    }
  }

  @Test(arguments: ["soo", "bamsoo"])
  func strictBudgetCapsTheTreeSearchesWhereTheRecordedRuleMayOvershoot(_ algorithm: String) throws {
    let folder = try Fixtures.traceFolder()
    // SOO replays soo_bis exactly; BaMSOO with hpolab's GP leaves the recording, so it runs on the surrogate.
    let evaluator = algorithm == "soo" ? "replay:soo_bis" : "surrogate:B"
    let choice = try EvaluatorCatalogue.make(evaluator, context: .init(traces: folder))
    let spec = RunSpec(
      algorithm: algorithm, evaluator: evaluator, space: choice.space, workers: 1, mode: .sync, budget: 50)
    func evaluations(_ options: [String: String]) throws -> Int {
      var proposer = try ProposerCatalogue.make(algorithm, options: options, space: choice.space, budget: 50)
      return try Simulator(spec: spec).run(&proposer, evaluator: choice.evaluator).evaluated.count
    }
    // Recorded rule: soo_bis has 51 evaluations for a budget of 50; strict: exactly the budget.
    if algorithm == "soo" { #expect(try evaluations([:]) == 51) } else { #expect(try evaluations([:]) >= 50) }
    #expect(try evaluations(["budget": "strict"]) == 50)
    #expect(throws: LabError.self) { try evaluations(["budget": "loose"]) }
  }

  @Test func sooFromTheCatalogueSimulatedOnOneWorkerReplaysTheRecordedRunPointForPoint() throws {
    let folder = try Fixtures.traceFolder()
    let choice = try EvaluatorCatalogue.make("replay:soo_bis", context: .init(traces: folder))
    var proposer = try ProposerCatalogue.make("soo", space: choice.space, budget: 50)
    let spec = RunSpec(
      algorithm: "soo", evaluator: "replay:soo_bis", space: choice.space, workers: 1, mode: .sync, budget: 50)
    // The error policy: any point SOO proposes that the recording lacks would throw.
    let record = try Simulator(spec: spec).run(&proposer, evaluator: choice.evaluator)
    let recorded = try TraceParser.parse(contentsOf: folder.appendingPathComponent("soo_bis.json")).trials
    // SOO checks the budget only when a sweep starts: all 51 recorded evaluations, in order.
    #expect(recorded.count == 51)
    #expect(record.trials.count == 51)
    #expect(record.trials.map(\.point.base) == recorded.map(\.base))
    #expect(record.trials.map(\.source) == recorded.map { .replay(run: "soo_bis", line: $0.line) })
    // And therefore the recorded best-so-far curve, to the last digit.
    var best = -Double.infinity
    let recordedCurve = recorded.map { t -> Double in
      best = max(best, t.metrics[MetricName.hellaswagAcc] ?? -.infinity)
      return best
    }
    #expect(record.bestSoFar().map(\.best) == recordedCurve)
  }
}

@Suite struct EvaluatorCatalogueTests {
  @Test func eachKindGivesItsSpaceMetricAndDirection() throws {
    let folder = try Fixtures.traceFolder()
    let context = EvaluatorCatalogue.Context(traces: folder)
    let a = try EvaluatorCatalogue.make("replay:lhs", context: context)
    #expect(a.space == .llama32_3B && a.defaultMetric == MetricName.hellaswagAcc && a.direction == .maximize)
    let b = try EvaluatorCatalogue.make("replay:bamsoo_bis", context: context)
    #expect(b.space == .llama32_1B && b.evaluator.name == "replay:bamsoo_bis")
    let f = try EvaluatorCatalogue.make("function:branin", context: context)
    #expect(f.direction == .minimize && f.defaultMetric == MetricName.value && f.space.dimension == 2)
    let c = try EvaluatorCatalogue.make("constant:10", context: context)
    #expect(c.evaluator.name == "constant:10.0")
  }

  @Test func unknownNamesListTheValidOnes() throws {
    let context = EvaluatorCatalogue.Context(traces: try Fixtures.traceFolder())
    let kind = try #require(throws: LabError.self) { try EvaluatorCatalogue.make("oracle:x", context: context) }
    #expect(kind.message.contains("valid: replay:RUN, surrogate:CAMPAIGN, function:NAME, constant[:SECONDS]"))
    let run = try #require(throws: LabError.self) { try EvaluatorCatalogue.make("replay:sobol", context: context) }
    #expect(run.message.contains("valid: bamsoo_bis, bo, bo_bis, lhs, lhs_bis, soo, soo_bis"))
    let function = try #require(throws: LabError.self) { try EvaluatorCatalogue.make("function:sphere", context: context) }
    #expect(function.message.contains("branin"))
    let campaign = try #require(throws: LabError.self) { try EvaluatorCatalogue.make("surrogate:C", context: context) }
    #expect(campaign.message.contains("valid: llama-3.2-1b (alias B), llama-3.2-3b (alias A)"))
    var nearestLess = context
    nearestLess.absent = "closest"
    let policy = try #require(throws: LabError.self) { try EvaluatorCatalogue.make("replay:lhs", context: nearestLess) }
    #expect(policy.message.contains("valid: error, nearest, surrogate"))
  }
}
