import Foundation
import LabCore
import LabData
import LabTestSupport
import Testing

/// The campaign files: the shipped two reproduce the seed's campaigns; bad files are one-line errors.
@Suite struct CampaignTests {
  @Test func theShippedFilesAreTheSeedsTwoCampaigns() throws {
    // ../shared/traces/README.md, "Campaigns": A = lhs, bo, soo on Llama-3.2-3B, rank int [2, 512];
    // B = lhs_bis, bo_bis, soo_bis, bamsoo_bis on Llama-3.2-1B, rank int [2, 64]; the other four shared.
    let large = Fixtures.llama3B
    let small = Fixtures.llama1B
    #expect(Fixtures.campaigns.map(\.name) == ["llama-3.2-1b", "llama-3.2-3b"])
    #expect(large.aliases == ["A"] && small.aliases == ["B"])
    #expect(large.model == "Llama-3.2-3B" && small.model == "Llama-3.2-1B")
    #expect(large.runs.map(\.run) == ["lhs", "bo", "soo"])
    #expect(small.runs.map(\.run) == ["lhs_bis", "bo_bis", "soo_bis", "bamsoo_bis"])
    #expect(small.runs.map(\.algorithm) == ["lhs", "bo", "soo", "bamsoo"])
    #expect(large.space.names == ["lora_rank", "lora_alpha", "lora_dropout", "learning_rate", "weight_decay"])
    #expect(large.space.parameters.map(\.kind) == [.int, .int, .float, .log, .log])
    #expect(large.space.parameters.map(\.lower) == [2, 1, 0, -10, -5])
    #expect(large.space.parameters.map(\.upper) == [512, 64, 0.5, -1, -1])
    #expect(small.space.parameters.map(\.upper) == [64, 64, 0.5, -1, -1])
    #expect(large.space == SearchSpace.llama32_3B && small.space == SearchSpace.llama32_1B)
    // The optimisers maximised HellaSwag acc,none (README); accuracies lie in [0, 1].
    #expect(small.objective == MetricName.hellaswagAcc && small.metric(MetricName.hellaswagAcc)?.direction == .maximize)
    #expect(small.metrics.map(\.standardError) == [MetricName.hellaswagAccStderr, MetricName.hellaswagAccNormStderr, MetricName.mmluAccStderr])
    #expect(small.metric(MetricName.mmluAcc)?.accepts(1.7) == false && small.metric(MetricName.mmluAcc)?.accepts(0.3) == true)
  }

  @Test func everyRecordedFileIsListedByExactlyOneCampaign() throws {
    for run in Fixtures.recordedRuns {
      let owners = Fixtures.campaigns.filter { $0.run(file: "\(run).json") != nil }
      #expect(owners.count == 1, "\(run).json is listed by \(owners.map(\.name))")
    }
    #expect(Campaign.algorithm(ofRun: "bamsoo_bis") == "bamsoo" && Campaign.algorithm(ofRun: "soo") == "soo")
    // A file no campaign lists has no campaign: the old `_bis` rule is gone.
    #expect(Campaign.of(run: "lhs_live_bis") == nil && Campaign.algorithm(ofRun: "soo_A_bis") == nil)
  }

  @Test func namesAndAliasesResolveAliasesInAnyCase() throws {
    let catalogue = CampaignCatalogue.shipped
    #expect(try catalogue.campaign(named: "b").name == "llama-3.2-1b")
    #expect(try catalogue.campaign(named: "A").name == "llama-3.2-3b")
    #expect(try catalogue.campaign(named: "llama-3.2-1b").name == "llama-3.2-1b")
    let error = #expect(throws: LabError.self) { try catalogue.campaign(named: "Llama-3.2-1B") }
    #expect(error?.code == .notFound)
    #expect(error?.message == "unknown campaign 'Llama-3.2-1B'; valid: llama-3.2-1b (alias B), llama-3.2-3b (alias A)")
    var clash = Fixtures.llama3B
    clash.name = "other"
    clash.aliases = ["b"]
    #expect(throws: LabError.self) { try catalogue.adding(clash) }
  }

  static let minimal = """
    name = "toy"
    description = "a toy campaign"
    [[parameter]]
    name = "x"
    kind = "float"
    lower = -5
    upper = 10
    [[parameter]]
    name = "n"
    kind = "integer"
    lower = 1
    upper = 8
    [[metric]]
    name = "loss"
    direction = "minimize"
    """

  @Test func aMinimalFileNeedsOnlyParametersAndAMetric() throws {
    let c = try Campaign(toml: try TOMLParser.parse(Self.minimal, file: "toy.toml"), file: "toy.toml")
    #expect(c.name == "toy" && c.objective == "loss" && c.metric("loss")?.direction == .minimize)
    #expect(c.space.dimension == 2 && c.space.integerConversion == .truncate && c.runs.isEmpty && c.aliases.isEmpty)
    // The name may come from the command line instead, but must then agree with the file's.
    let named = try Campaign(toml: try TOMLParser.parse(Self.minimal.replacingOccurrences(of: "name = \"toy\"\n", with: ""), file: "t.toml"), file: "t.toml", name: "given")
    #expect(named.name == "given")
    let mismatch = #expect(throws: LabError.self) {
      try Campaign(toml: try TOMLParser.parse(Self.minimal, file: "toy.toml"), file: "toy.toml", name: "other")
    }
    #expect(mismatch?.description == "toy.toml:1: the file names the campaign 'toy', the command 'other'")
  }

  @Test(arguments: [
    ("kind = \"float\"\n", "kind = \"cubic\"\n", "toy.toml:5: 'kind' in [parameter[1]] must be one of \"float\", \"integer\", \"log-float\""),
    ("kind = \"float\"\n", "kind = \"categorical\"\n", "toy.toml:5: [parameter[1]]: categorical parameters are not supported yet"),
    ("direction = \"minimize\"", "direction = \"down\"", "toy.toml:15: 'direction' in [metric[1]] must be \"maximize\" or \"minimize\""),
    ("description = ", "descripton = ", "toy.toml:2: unknown key 'descripton' in the top level"),
    ("upper = 10\n", "upper = -5\n", "toy.toml:3: parameter 'x' has zero or negative width: lower -5.0 must be below upper -5.0"),
    ("direction = \"minimize\"", "direction = \"minimize\"\nrange = [1, 0]", "toy.toml:16: 'range' in [metric[1]] must be [lower, upper] with finite lower < upper"),
  ])
  func aBadFileIsOneLineNamingFileLineAndKey(old: String, new: String, message: String) throws {
    let text = Self.minimal.replacingOccurrences(of: old, with: new)
    let error = #expect(throws: LabError.self) { try Campaign(toml: try TOMLParser.parse(text, file: "toy.toml"), file: "toy.toml") }
    #expect(error?.description == message)
  }

  @Test func anObjectiveMustBeAMetric() throws {
    let text = Self.minimal.replacingOccurrences(of: "description = \"a toy campaign\"", with: "objective = \"accuracy\"")
    let error = #expect(throws: LabError.self) { try Campaign(toml: try TOMLParser.parse(text, file: "toy.toml"), file: "toy.toml") }
    #expect(error?.description == "toy.toml:2: objective 'accuracy' of campaign toy is not one of its metrics (loss)")
  }
}
