import LabCore
import LabEvaluators
import Testing

@Suite struct FunctionsTests {
  /// Each function takes its stated optimum at each stated optimiser (to the digits the literature gives).
  @Test(arguments: TestFunction.all.map(\.name))
  func optimumIsAttainedAtEveryOptimizer(name: String) throws {
    let f = try TestFunction.named(name)
    #expect(!f.optimizers.isEmpty)
    for x in f.optimizers {
      #expect(abs(f.value(x) - f.optimum) < 1e-6, "\(name) at \(x): \(f.value(x)) vs \(f.optimum)")
      #expect(f.space.contains(f.space.point(base: x)))
    }
  }

  /// No point of the box (2 000 random points per function) does better than the stated optimum.
  @Test(arguments: TestFunction.all.map(\.name))
  func noRandomPointBeatsTheOptimum(name: String) throws {
    let f = try TestFunction.named(name)
    var rng = SeededGenerator(seed: stableHash(name))
    for _ in 0..<2000 {
      let p = f.space.point(unit: (0..<f.dimension).map { _ in rng.uniform() })
      #expect(f.value(p.base) >= f.optimum - 1e-9)
    }
  }

  /// Known values: Branin at its optimisers is 5/(4π); Hartmann-6 at its optimiser −3.32237 to 5 digits; Ackley at 0 is 0.
  @Test func knownValues() {
    #expect(abs(TestFunction.branin.value([Double.pi, 2.275]) - 0.397_887_357_729_738) < 1e-12)
    #expect(abs(TestFunction.hartmann6.value(TestFunction.hartmann6.optimizers[0]) + 3.32237) < 1e-5)
    #expect(abs(TestFunction.ackley5.value([0, 0, 0, 0, 0])) < 1e-12)
    #expect(TestFunction.branin.regret(0.5) == 0.5 - 5 / (4 * Double.pi))
  }

  /// An unknown name is `.notFound` and the message lists every valid name.
  @Test func unknownNameListsTheCatalogue() {
    do {
      _ = try TestFunction.named("rastrigin")
      Issue.record("expected an error")
    } catch let error as LabError {
      #expect(error.code == .notFound)
      for name in TestFunction.names { #expect(error.message.contains(name)) }
    } catch { Issue.record("unexpected \(error)") }
  }

  /// The evaluator reports `value` at the configuration, its constant durations and its source; noise comes only from the trial's generator.
  @Test func evaluatorReportsValueDurationAndSource() throws {
    let f = TestFunction.himmelblau
    let e = try FunctionEvaluator(function: f, durations: Durations(training: 30, evaluation: 5))
    let p = f.space.point(base: [3, 2])
    var rng = SeededGenerator(seed: 1)
    let r = try e.evaluate(f.space.configuration(for: p), at: p, trial: 0, using: &rng)
    #expect(r.metrics?[MetricName.value] == 0)
    #expect(r.durations.total == 35)
    #expect(r.source == .function(name: "himmelblau"))
    #expect(e.name == "function:himmelblau")

    let noisy = try FunctionEvaluator(function: f, noise: 0.1)
    var a = SeededGenerator.stream(1, 5, StreamPurpose.evaluation.rawValue)
    var b = a
    let va = try noisy.evaluate(f.space.configuration(for: p), at: p, trial: 5, using: &a).metrics?[MetricName.value]
    let vb = try noisy.evaluate(f.space.configuration(for: p), at: p, trial: 5, using: &b).metrics?[MetricName.value]
    #expect(va == vb && va != 0)
  }

  /// Bad settings and wrong-sized configurations are errors naming the function.
  @Test func badInputIsRejected() throws {
    #expect(throws: LabError.self) { try FunctionEvaluator(function: .branin, noise: -1) }
    let e = try FunctionEvaluator(function: .branin)
    var rng = SeededGenerator(seed: 1)
    let p = TestFunction.branin.space.point(unit: [0.5, 0.5])
    do {
      _ = try e.evaluate(Configuration(values: [1, 2, 3]), at: p, trial: 4, using: &rng)
      Issue.record("expected an error")
    } catch let error as LabError {
      #expect(error.message.contains("branin") && error.message.contains("trial 4"))
    }
  }
}
