import LabCore
import LabOptimizers
import Testing

@Suite struct BaMSOOReplayTests {
  @Test func recordedDecisionsReproduceAll68LinesOfBamsooBis() throws {
    let trials = try recordedTrials("bamsoo_bis")
    let space = Campaign.B.space
    var bamsoo = try BaMSOO(
      space: space, model: try RecordedConfidence(trials: trials), eta: 1, options: BaMSOO<RecordedConfidence>.recordedOptions(budget: 50))
    let report = try TreeReplay.run(&bamsoo, against: trials, space: space)
    #expect(trials.count == 68)
    #expect(report.firstDivergence == nil, "first divergence at step \(report.firstDivergence ?? 0): \(report.note ?? "")")
    #expect(report.steps.count == 68)
    #expect(report.steps.filter { $0.replayed?.state == .evaluated }.count == 52)
    #expect(report.steps.filter { $0.replayed?.state == .approximated }.count == 16)
    // Approximated leaves carry the recorded LCB as their score.
    let line17 = report.steps[16]
    #expect(line17.replayed?.state == .approximated && line17.replayed?.score == 0.16647719958043095)
    #expect(bamsoo.isFinished && bamsoo.evaluations == 52)
    try bamsoo.tree.checkInvariants()
  }
}
