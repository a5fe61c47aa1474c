import LabCore
import LabStatistics
@testable import LabStudies
import Testing

/// The report's plain-language summary, generated from hand-made verdicts (no simulation): the chain, the top group
/// and the sentence must follow the verdicts exactly as docs/studies.md describes them.
@Suite struct StudySummaryTests {
  /// An effect with the given interval; the verdict is derived by the rule under test elsewhere (Kruschke 2018).
  func effect(_ lower: Double, _ upper: Double, rope: Double) throws -> PairEffect {
    var rng = SeededGenerator(seed: 1)
    var e = try #require(PairEffect([1, 2, 3], [1, 2, 3], paired: false, rope: rope, resamples: 10, using: &rng))
    (e.difference, e.lower, e.upper) = ((lower + upper) / 2, lower, upper)
    e.verdict = Verdict(lower: lower, upper: upper, rope: rope)
    return e
  }

  @Test func chainTopGroupAndSentenceFollowTheVerdicts() throws {
    let rope = StudyReport.ROPE(evaluator: "e", metric: "acc", value: 0.004, source: "study file")
    // Medians: bo 0.478 > random 0.477 > soo 0.470 > bamsoo 0.4699.
    // bo vs random: CI [-0.001, 0.003] lies inside ±0.004 → practically equivalent.
    // random vs soo: CI [0.005, 0.009] beyond +0.004 → better. soo vs bamsoo: CI [-0.003, 0.002] → equivalent.
    // bo vs soo / bamsoo: beyond the ROPE → better (so neither joins the top group).
    let table: [String: PairEffect] = [
      "bo|random": try effect(-0.001, 0.003, rope: 0.004), "random|soo": try effect(0.005, 0.009, rope: 0.004),
      "soo|bamsoo": try effect(-0.003, 0.002, rope: 0.004), "bo|soo": try effect(0.006, 0.010, rope: 0.004),
      "bo|bamsoo": try effect(0.006, 0.011, rope: 0.004),
    ]
    let reading = StudyReport.cellSummary(
      algorithms: [("soo", 0.470), ("random", 0.477), ("bamsoo", 0.4699), ("bo", 0.478)],
      effect: { table["\($0)|\($1)"] }, rope: rope, direction: .maximize)
    #expect(reading.chain == "bo ≈ random > soo ≈ bamsoo")
    #expect(reading.top == ["bo", "random"])
    #expect(reading.sentence.contains("the top group {bo, random} is practically equivalent at ROPE 0.004"))
    #expect(reading.sentence.contains("medians within 0.0081"))
  }

  @Test func anUndecidedNeighbourIsWrittenGreaterOrEqualAndStaysInTheTopGroup() throws {
    let rope = StudyReport.ROPE(evaluator: "e", metric: "acc", value: 0.001, source: "study file")
    // CI [-0.002, 0.004] straddles +ROPE: undecided.
    let table: [String: PairEffect] = ["lhs|random": try effect(-0.002, 0.004, rope: 0.001)]
    let reading = StudyReport.cellSummary(
      algorithms: [("random", 0.4777), ("lhs", 0.4785)], effect: { table["\($0)|\($1)"] }, rope: rope, direction: .maximize)
    #expect(reading.chain == "lhs ≥ random")
    #expect(reading.top == ["lhs", "random"])
    #expect(reading.sentence.contains("cannot be separated at ROPE 0.001 (undecided)"))
  }

  @Test func aClearWinnerIsNamedAndMinimisedMetricsOrderAscending() throws {
    let rope = StudyReport.ROPE(evaluator: "f", metric: "value", value: 0.1, source: "study file")
    // Minimised: bo's 0.01 is the best median; bo over random: CI [0.5, 2] beyond +0.1 → better.
    let table: [String: PairEffect] = ["bo|random": try effect(0.5, 2, rope: 0.1)]
    let reading = StudyReport.cellSummary(
      algorithms: [("random", 1.3), ("bo", 0.01)], effect: { table["\($0)|\($1)"] }, rope: rope, direction: .minimize)
    #expect(reading.chain == "bo > random")
    #expect(reading.top == ["bo"])
    #expect(reading.sentence.contains("bo is better than every other algorithm by more than the ROPE 0.1"))
  }
}
