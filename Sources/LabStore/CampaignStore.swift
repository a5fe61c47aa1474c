import Foundation
import LabCore
import LabData

/// A campaign as the database holds it, with how many recorded runs and trials it has.
public struct StoredCampaign: Sendable, Hashable, Codable {
  public var campaign: Campaign
  /// Recorded runs imported into the campaign.
  public var runs: Int
  /// Recorded lines (trials) of those runs.
  public var trials: Int
  /// Whether the definition is the shipped campaign file of that name (the database stores none of its own).
  public var shipped: Bool
}

/// What `hpolab campaign create` did.
public enum CampaignCreation: String, Sendable, Hashable, Codable {
  case created
  /// Same definition already stored: nothing changed.
  case unchanged
  /// Another definition of that name replaced on request.
  case replaced
}

extension LabDatabase {
  /// Stores `campaign` (one transaction).
  ///
  /// A campaign of the same name with the same definition is left alone; with another definition it is an
  /// error unless `replace`, which is refused too while recorded runs belong to it and the search space differs
  /// (their points would no longer mean what they meant). A name or alias that another campaign uses is refused.
  /// - Throws: `.invalidInput` as above, `.database` on a storage failure.
  @discardableResult
  public func createCampaign(_ campaign: Campaign, replace: Bool = false) throws -> CampaignCreation {
    try transaction {
      let existing = try storedCampaigns()
      for other in existing where other.campaign.name != campaign.name {
        for n in [campaign.name] + campaign.aliases where other.campaign.isNamed(n) {
          throw LabError(.invalidInput, "campaign \(campaign.name): the name or alias '\(n)' is already campaign \(other.campaign.name)'s", location: .init(file: path))
        }
      }
      if let old = existing.first(where: { $0.campaign.name == campaign.name }) {
        if old.campaign == campaign && !old.shipped { return .unchanged }
        if old.campaign == campaign && old.shipped {
          try writeDefinition(campaign)
          return .unchanged
        }
        guard replace else {
          throw LabError(
            .invalidInput, "campaign \(campaign.name) already exists with another definition; use --replace to overwrite it",
            location: .init(file: path))
        }
        if old.runs > 0 && old.campaign.space != campaign.space {
          throw LabError(
            .invalidInput,
            "campaign \(campaign.name) has \(old.runs) recorded run\(old.runs == 1 ? "" : "s") in its current search space; a new space would change what their points mean",
            location: .init(file: path))
        }
        try writeDefinition(campaign)
        return .replaced
      }
      try execute(
        "INSERT INTO campaigns (name, model, space_preset, definition) VALUES (?, ?, ?, ?)",
        [campaign.name, campaign.model, campaign.name, try Self.definitionJSON(campaign)])
      return .created
    }
  }

  /// Makes sure `campaign` has a row (what importing its runs needs); an existing row is left as it is.
  func ensureCampaign(_ campaign: Campaign) throws {
    if try query("SELECT name FROM campaigns WHERE name = ?", [campaign.name]).isEmpty {
      try execute(
        "INSERT INTO campaigns (name, model, space_preset, definition) VALUES (?, ?, ?, ?)",
        [campaign.name, campaign.model, campaign.name, try Self.definitionJSON(campaign)])
    }
  }

  private func writeDefinition(_ campaign: Campaign) throws {
    try execute(
      "UPDATE campaigns SET model = ?, definition = ? WHERE name = ?", [campaign.model, try Self.definitionJSON(campaign), campaign.name])
  }

  /// Every campaign the database holds, in creation order, with its run and trial counts.
  ///
  /// A row without a definition of its own is the shipped campaign file of that name (``CampaignCatalogue/shipped``).
  /// - Throws: `.database` for a definition that cannot be read, or a row whose shipped file is missing.
  public func storedCampaigns(shipped: CampaignCatalogue = .shipped) throws -> [StoredCampaign] {
    var out: [StoredCampaign] = []
    let rows = try query(
      """
      SELECT c.name, c.definition,
        (SELECT count(*) FROM recorded_runs r WHERE r.campaign = c.name) AS runs,
        (SELECT count(*) FROM recorded_trials t JOIN recorded_runs r ON r.id = t.run_id WHERE r.campaign = c.name) AS trials
      FROM campaigns c ORDER BY c.rowid
      """)
    for row in rows {
      guard let name = row["name"].string else { continue }
      let campaign: Campaign
      var isShipped = false
      if let json = row["definition"].string {
        do { campaign = try JSONDecoder().decode(Campaign.self, from: Data(json.utf8)) } catch {
          throw LabError(.database, "campaign '\(name)' has an unreadable definition", location: .init(file: path, field: "campaigns.definition"), underlying: error)
        }
      } else {
        guard let c = try? shipped.campaign(named: name) else {
          throw LabError(
            .database, "campaign '\(name)' has no definition and no campaign file of that name is shipped (campaigns/\(name).toml)",
            location: .init(file: path, field: "campaigns.definition"))
        }
        campaign = c
        isShipped = true
      }
      out.append(StoredCampaign(campaign: campaign, runs: row["runs"].int ?? 0, trials: row["trials"].int ?? 0, shipped: isShipped))
    }
    return out
  }

  /// The stored campaign called `name` (its name or an alias).
  /// - Throws: `.notFound` listing the stored campaigns.
  public func storedCampaign(named name: String) throws -> StoredCampaign {
    let all = try storedCampaigns()
    if let c = all.first(where: { $0.campaign.name == name }) ?? all.first(where: { $0.campaign.isNamed(name) }) { return c }
    let valid = all.isEmpty ? "none" : all.map(\.campaign.displayName).joined(separator: ", ")
    throw LabError(.notFound, "no campaign '\(name)' in the database; valid: \(valid)", location: .init(file: path))
  }

  /// The shipped campaigns plus those the database defines (a stored definition wins over a file of the same name).
  public func campaignCatalogue() throws -> CampaignCatalogue {
    var catalogue = CampaignCatalogue.shipped
    for s in try storedCampaigns() where !s.shipped { catalogue = try catalogue.adding(s.campaign) }
    return catalogue
  }

  /// The recorded runs of campaign `name` as they were imported: each run's name, file name, its lines as JSON
  /// lines (byte for byte the imported file for files written by Python's `json.dumps`) and its trials.
  /// - Throws: `.notFound` for an unknown campaign.
  public func recordedRuns(ofCampaign name: String) throws -> [(run: String, file: String, bytes: Data, trials: [RecordedTrial])] {
    let campaign = try storedCampaign(named: name).campaign
    var out: [(run: String, file: String, bytes: Data, trials: [RecordedTrial])] = []
    for row in try query("SELECT name, source_file FROM recorded_runs WHERE campaign = ? ORDER BY id", [campaign.name]) {
      guard let run = row["name"].string else { continue }
      let trials = try recordedTrials(run: run).map(\.trial)
      let text = trials.map { $0.jsonLine + "\n" }.joined()
      out.append((run, row["source_file"].string ?? "\(run).json", Data(text.utf8), trials))
    }
    return out
  }

  /// The campaign and algorithm of recorded run `run`, or nil when the database does not hold it.
  public func recordedRunInfo(_ run: String) throws -> (campaign: String, algorithm: String)? {
    guard let row = try query("SELECT campaign, algorithm FROM recorded_runs WHERE name = ?", [run]).first,
      let campaign = row["campaign"].string, let algorithm = row["algorithm"].string
    else { return nil }
    return (campaign, algorithm)
  }

  /// A campaign as canonical JSON (sorted keys), as the `definition` column holds it.
  static func definitionJSON(_ campaign: Campaign) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(campaign), as: UTF8.self)
  }
}
