import LabCore

/// The search spaces of the recorded campaigns, by name.
extension SearchSpace {
  /// The five parameters of the seed's campaigns, whose rank ranges differ.
  private static func shared(rankUpper: Double) -> [Parameter] {
    [
      Parameter("lora_rank", .int, lower: 2, upper: rankUpper),
      Parameter("lora_alpha", .int, lower: 1, upper: 64),
      Parameter("lora_dropout", .float, lower: 0, upper: 0.5),
      Parameter("learning_rate", .log, lower: -10, upper: -1),
      Parameter("weight_decay", .log, lower: -5, upper: -1),
    ]
  }

  /// The llama-3.2-3b campaign's space (Llama-3.2-3B): rank in [2, 512]; `campaigns/llama-3.2-3b.toml` declares the same.
  public static let llama32_3B: SearchSpace = {
    guard let space = try? SearchSpace(shared(rankUpper: 512)) else { fatalError("preset is valid") }
    return space
  }()

  /// The llama-3.2-1b campaign's space (Llama-3.2-1B): rank in [2, 64]; `campaigns/llama-3.2-1b.toml` declares the same.
  public static let llama32_1B: SearchSpace = {
    guard let space = try? SearchSpace(shared(rankUpper: 64)) else { fatalError("preset is valid") }
    return space
  }()

  /// The named presets: `llama-3.2-3b`, `llama-3.2-1b`, and the space of every shipped campaign by its name.
  public static var presets: [String: SearchSpace] {
    var all = ["llama-3.2-3b": llama32_3B, "llama-3.2-1b": llama32_1B]
    for c in CampaignCatalogue.shipped.campaigns where all[c.name] == nil { all[c.name] = c.space }
    return all
  }

  /// The preset called `name`.
  /// - Throws: `.notFound`, listing the valid names.
  public static func preset(named name: String) throws -> SearchSpace {
    let all = presets
    if let space = all[name] { return space }
    throw LabError(.notFound, "unknown search-space preset '\(name)'; valid: \(all.keys.sorted().joined(separator: ", "))")
  }
}
