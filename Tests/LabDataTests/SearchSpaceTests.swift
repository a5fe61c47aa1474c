import LabCore
import LabData
import Testing
import LabTestSupport

@Suite struct SearchSpaceTests {
  @Test func thePresetsAreTheRecordedSpaces() throws {
    #expect(SearchSpace.presets.keys.sorted() == ["llama-3.2-1b", "llama-3.2-3b"])
    let a = try SearchSpace.preset(named: "llama-3.2-3b")
    let b = try SearchSpace.preset(named: "llama-3.2-1b")
    #expect(a.names == ["lora_rank", "lora_alpha", "lora_dropout", "learning_rate", "weight_decay"])
    #expect(a.parameters.map(\.kind) == [.int, .int, .float, .log, .log])
    #expect(a.parameters.map(\.lower) == [2, 1, 0, -10, -5])
    #expect(a.parameters.map(\.upper) == [512, 64, 0.5, -1, -1])
    #expect(b.parameters.map(\.upper) == [64, 64, 0.5, -1, -1])
    #expect(Fixtures.llama3B.space == a && Fixtures.llama1B.space == b)
    #expect(Campaign.of(run: "soo_bis")?.name == "llama-3.2-1b" && Campaign.of(run: "soo")?.name == "llama-3.2-3b")
  }

  @Test func anUnknownPresetListsTheValidNames() {
    let error = #expect(throws: LabError.self) { try SearchSpace.preset(named: "llama-4") }
    #expect(error?.code == .notFound)
    #expect(error?.message == "unknown search-space preset 'llama-4'; valid: llama-3.2-1b, llama-3.2-3b")
  }

  @Test(arguments: [
    ([], "a search space needs at least one parameter"),
    ([Parameter("x", .float, lower: 0, upper: 1), Parameter("x", .int, lower: 0, upper: 3)], "parameter 'x' is declared twice"),
    ([Parameter("", .float, lower: 0, upper: 1)], "a parameter has an empty name"),
    ([Parameter("x", .float, lower: 0, upper: .infinity)], "parameter 'x' has a non-finite bound [0.0, inf]"),
    ([Parameter("x", .log, lower: -1, upper: -1)], "parameter 'x' has zero or negative width: lower -1.0 must be below upper -1.0"),
  ] as [([Parameter], String)])
  func anInvalidSpaceIsRefusedWithItsReason(parameters: [Parameter], message: String) {
    let error = #expect(throws: LabError.self) { try SearchSpace(parameters) }
    #expect(error?.code == .invalidSearchSpace)
    #expect(error?.message == message)
  }

  @Test func unitAndBaseCoordinatesConvertBothWays() {
    let space = SearchSpace.llama32_3B
    let p = space.point(unit: [0, 0.5, 1, 0.25, 0.75])
    #expect(p.base == [2, 32.5, 0.5, -7.75, -2])
    let q = space.point(base: p.base)
    #expect(q.unit == [0, 0.5, 1, 0.25, 0.75])
    #expect(space.contains(p))
    #expect(!space.contains(space.point(unit: [0, 0, 0, 0, 1.5])))
  }

  @Test func integersAreTruncatedAndLogsArePowersOfTen() throws {
    let space = SearchSpace.llama32_1B
    let c = space.configuration(for: space.point(base: [33.99, 32.5, 0.25, -5.5, -3.0]))
    // Python: [int(33.99), int(32.5), 0.25, 10**-5.5, 10**-3.0]
    #expect(c.values == [33, 32, 0.25, 3.162277660168379e-06, 0.001])
    #expect(c.describe(in: space) == "lora_rank=33 lora_alpha=32 lora_dropout=0.25 learning_rate=3.162277660168379e-06 weight_decay=0.001")
    var rounding = space
    rounding.integerConversion = .round
    #expect(rounding.configuration(for: rounding.point(base: [33.5, 32.49, 0.25, -5.5, -3.0])).values[0...1] == [34, 32])
  }
}
