import LabCore

/// The search spaces of the recorded campaigns, by name.
extension SearchSpace {
  /// The four parameters both campaigns share, after `lora_rank`.
  private static func shared(rankUpper: Double) -> [Parameter] {
    [
      Parameter("lora_rank", .int, lower: 2, upper: rankUpper),
      Parameter("lora_alpha", .int, lower: 1, upper: 64),
      Parameter("lora_dropout", .float, lower: 0, upper: 0.5),
      Parameter("learning_rate", .log, lower: -10, upper: -1),
      Parameter("weight_decay", .log, lower: -5, upper: -1),
    ]
  }

  /// Campaign A (Llama-3.2-3B): rank in [2, 512].
  public static let llama32_3B: SearchSpace = {
    guard let space = try? SearchSpace(shared(rankUpper: 512)) else { fatalError("preset is valid") }
    return space
  }()

  /// Campaign B (Llama-3.2-1B): rank in [2, 64].
  public static let llama32_1B: SearchSpace = {
    guard let space = try? SearchSpace(shared(rankUpper: 64)) else { fatalError("preset is valid") }
    return space
  }()

  /// The named presets: `llama-3.2-3b` and `llama-3.2-1b`.
  public static let presets: [String: SearchSpace] = [
    "llama-3.2-3b": llama32_3B,
    "llama-3.2-1b": llama32_1B,
  ]

  /// The preset called `name`.
  /// - Throws: `.notFound`, listing the valid names.
  public static func preset(named name: String) throws -> SearchSpace {
    if let space = presets[name] { return space }
    throw LabError(.notFound, "unknown search-space preset '\(name)'; valid: \(presets.keys.sorted().joined(separator: ", "))")
  }
}
