import Foundation
import LabCore
import LabData
import LabStore

/// The campaigns of a database as `hpolab campaign list` and `campaign show` print them.
public enum CampaignListing {
  /// One row per campaign: name, aliases, model, dimension, metrics, runs and trials stored.
  public static func table(_ campaigns: [StoredCampaign]) -> TextTable {
    var table = TextTable(
      header: ["campaign", "aliases", "model", "parameters", "objective", "runs", "trials", "definition"], rightAligned: [3, 5, 6])
    for s in campaigns {
      let c = s.campaign
      table.rows.append([
        c.name, c.aliases.isEmpty ? "-" : c.aliases.joined(separator: ","), c.model.isEmpty ? "-" : c.model,
        "\(c.space.dimension)", "\(c.objective) (\(c.metric(c.objective)?.direction.rawValue ?? "?"))", "\(s.runs)", "\(s.trials)",
        s.shipped ? "campaigns/\(c.name).toml" : "database",
      ])
    }
    return table
  }

  /// Everything about one campaign, as text.
  public static func text(_ s: StoredCampaign) -> String {
    let c = s.campaign
    var lines = ["campaign \(c.displayName)"]
    if !c.description.isEmpty { lines.append("  description: \(c.description)") }
    if !c.model.isEmpty { lines.append("  model: \(c.model)") }
    if !c.hardware.isEmpty { lines.append("  hardware: \(c.hardware)") }
    lines.append("  definition: \(s.shipped ? "campaigns/\(c.name).toml (shipped)" : "stored in the database")")
    lines.append("  search space (x = lower + u·(upper − lower); integers \(c.space.integerConversion.rawValue)):")
    var space = TextTable(header: ["parameter", "kind", "lower", "upper", "trained value"], rightAligned: [2, 3])
    for p in c.space.parameters {
      let kind = Campaign.parameterKinds.first { $0.kind == p.kind }?.name ?? p.kind.rawValue
      let value: String
      switch p.kind {
      case .int: value = c.space.integerConversion == .truncate ? "int(x)" : "round(x)"
      case .float: value = "x"
      case .log: value = "10^x"
      }
      space.rows.append([p.name, kind, "\(p.lower)", "\(p.upper)", value])
    }
    lines += TextTable.render(space).split(separator: "\n").map { "    " + $0 }
    lines.append("  metrics (objective \(c.objective)):")
    var metrics = TextTable(header: ["metric", "direction", "range", "standard error"])
    for m in c.metrics {
      let range = m.lower == nil && m.upper == nil ? "any" : "[\(m.lower.map { "\($0)" } ?? "-inf"), \(m.upper.map { "\($0)" } ?? "inf")]"
      metrics.rows.append([m.name, m.direction.rawValue, range, m.standardError ?? "-"])
    }
    lines += TextTable.render(metrics).split(separator: "\n").map { "    " + $0 }
    lines.append("  costs: \(c.costs.isEmpty ? "none" : c.costs.joined(separator: ", "))")
    if !c.runs.isEmpty {
      lines.append("  runs listed: " + c.runs.map { "\($0.run) (\($0.algorithm), \($0.file))" }.joined(separator: ", "))
    }
    lines.append("  stored: \(s.runs) recorded run\(s.runs == 1 ? "" : "s"), \(s.trials) line\(s.trials == 1 ? "" : "s")")
    return lines.joined(separator: "\n")
  }
}
