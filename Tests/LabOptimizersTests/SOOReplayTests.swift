import LabCore
import LabData
import LabOptimizers
import Testing

/// Drives SOO with budget 50 against recorded run `name`, answering each proposal with the recorded trial of the same converted values.
func replaySOO(_ name: String) throws -> (report: ReplayReport, trials: [RecordedTrial], soo: SOO) {
  let trials = try recordedTrials(name)
  let space = try Campaign.recorded(run: name).space
  var soo = try SOO(space: space, options: TreeSearchOptions(budget: 50))
  let report = try TreeReplay.run(&soo, against: trials, space: space)
  return (report, trials, soo)
}

@Suite struct SOOReplayTests {
  /// The first 15 centres SOO evaluated in soo_bis.json (campaign B, rank in [2, 64]), in order.
  static let sooBisFirst15: [[Double]] = [
    [33.0, 32.5, 0.25, -5.5, -3.0],
    [12.333333333333334, 32.5, 0.25, -5.5, -3.0],
    [53.66666666666667, 32.5, 0.25, -5.5, -3.0],
    [53.66666666666667, 11.5, 0.25, -5.5, -3.0],
    [53.66666666666667, 53.5, 0.25, -5.5, -3.0],
    [33.0, 11.5, 0.25, -5.5, -3.0],
    [33.0, 53.5, 0.25, -5.5, -3.0],
    [53.66666666666667, 11.5, 0.08333333333333333, -5.5, -3.0],
    [53.66666666666667, 11.5, 0.41666666666666663, -5.5, -3.0],
    [12.333333333333334, 11.5, 0.25, -5.5, -3.0],
    [12.333333333333334, 53.5, 0.25, -5.5, -3.0],
    [33.0, 11.5, 0.08333333333333333, -5.5, -3.0],
    [33.0, 11.5, 0.41666666666666663, -5.5, -3.0],
    [53.66666666666667, 11.5, 0.25, -2.5, -3.0],
    [53.66666666666667, 32.5, 0.08333333333333333, -5.5, -3.0],
  ]

  /// The first 15 centres SOO evaluated in soo.json (campaign A, rank in [2, 512]), in order.
  static let sooFirst15: [[Double]] = [
    [257.0, 32.5, 0.25, -5.5, -3.0],
    [87.0, 32.5, 0.25, -5.5, -3.0],
    [427.0, 32.5, 0.25, -5.5, -3.0],
    [257.0, 11.5, 0.25, -5.5, -3.0],
    [257.0, 53.5, 0.25, -5.5, -3.0],
    [427.0, 11.5, 0.25, -5.5, -3.0],
    [427.0, 53.5, 0.25, -5.5, -3.0],
    [427.0, 11.5, 0.08333333333333333, -5.5, -3.0],
    [427.0, 11.5, 0.41666666666666663, -5.5, -3.0],
    [87.0, 11.5, 0.25, -5.5, -3.0],
    [87.0, 53.5, 0.25, -5.5, -3.0],
    [257.0, 32.5, 0.08333333333333333, -5.5, -3.0],
    [257.0, 32.5, 0.41666666666666663, -5.5, -3.0],
    [427.0, 11.5, 0.08333333333333333, -2.5, -3.0],
    [257.0, 11.5, 0.08333333333333333, -5.5, -3.0],
  ]

  @Test func sooProposesTheFirst15RecordedPointsOfSooBis() throws {
    let (report, _, _) = try replaySOO("soo_bis")
    let proposed = report.steps.prefix(15).map { $0.replayed?.point.base ?? [] }
    for k in 0..<15 { #expect(proposed[k] == Self.sooBisFirst15[k], "step \(k + 1)") }
  }

  @Test func sooProposesTheFirst15RecordedPointsOfSooInCampaignA() throws {
    let (report, _, _) = try replaySOO("soo")
    let proposed = report.steps.prefix(15).map { $0.replayed?.point.base ?? [] }
    for k in 0..<15 { #expect(proposed[k] == Self.sooFirst15[k], "step \(k + 1)") }
  }

  @Test func sooReproducesAll51LinesOfSooBisWithABudgetOf50() throws {
    // The budget is checked when a sweep starts: sweep 8 starts at 40 evaluations and adds 11.
    let (report, trials, soo) = try replaySOO("soo_bis")
    #expect(trials.count == 51)
    #expect(report.evaluations == 51)
    #expect(soo.isFinished && soo.loop == 9)
    #expect(report.firstDivergence == nil, "first divergence at step \(report.firstDivergence ?? 0): \(report.note ?? "")")
    for step in report.steps {
      #expect(step.replayed?.point.base == step.recorded?.base, "step \(step.step)")
    }
    // … hence the best-so-far curve, to the last digit.
    var best = -Double.infinity
    var bestRecorded = -Double.infinity
    for step in report.steps {
      best = max(best, step.replayed?.score ?? .nan)
      bestRecorded = max(bestRecorded, step.recorded?.metrics[MetricName.hellaswagAcc] ?? .nan)
      #expect(best == bestRecorded)
    }
    #expect(best == 0.4783907588129855)
  }

  @Test func sooReproducesAll50LinesOfSoo() throws {
    let (report, trials, _) = try replaySOO("soo")
    #expect(trials.count == 50 && report.evaluations == 50)
    #expect(report.firstDivergence == nil, "first divergence at step \(report.firstDivergence ?? 0): \(report.note ?? "")")
  }

  @Test func theRecordedTreeHas6FarLearningRateInheritancesInSooBisAnd7InSoo() throws {
    // Inherited children other than the middle one: the 10^-8.5 learning-rate children.
    for (name, expected) in [("soo_bis", 6), ("soo", 7)] {
      let (_, _, soo) = try replaySOO(name)
      let far = soo.tree.nodes.filter { $0.kind == .inherited && ($0.key.index ?? 0) % 3 != 1 }
      #expect(far.count == expected, "\(name)")
      #expect(far.allSatisfy { $0.centre.base[3] == -8.5 }, "\(name)")
      try soo.tree.checkInvariants()
    }
  }

  @Test func proposalsCarryDepthIndexAndLoopLikeTheTraces() throws {
    let (report, _, _) = try replaySOO("soo_bis")
    let s = try #require(report.steps.first { $0.step == 18 })
    #expect(s.replayed?.depth == 5 && s.replayed?.index == 171 && s.replayed?.loop == 4)
  }
}
