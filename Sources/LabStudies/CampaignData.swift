import Foundation
import LabCore
import LabData
import LabEvaluators
import LabStore

/// Where a campaign and its recorded trials come from: the database when one is named, else the shipped
/// campaign files and the trace folder.
public enum CampaignData {
  /// The campaign called `name` (name or alias): the database's campaigns (stored definitions and shipped files)
  /// when `database` is given, else the shipped ones.
  /// - Throws: `.notFound` listing the valid names.
  public static func campaign(named name: String, database: String? = nil) throws -> Campaign {
    let bare = name.hasPrefix("surrogate:") ? String(name.dropFirst("surrogate:".count)) : name
    guard let database else { return try SurrogateEvaluator.campaign(named: bare) }
    let catalogue = try LabDatabase(path: database, mode: .existing).campaignCatalogue()
    return try SurrogateEvaluator.campaign(named: bare, in: catalogue)
  }

  /// The evaluated trials a surrogate of `campaign` is fitted on: the runs imported into `database` when it is
  /// given and holds some, else the campaign's trace files (its `[[runs]]`) in `traces` (default: the trace folder).
  /// - Throws: `.invalidInput` naming how many trials there are when fewer than ``SurrogateTrainingSet/minimumTrials``;
  ///   `.notFound` for a missing trace file.
  public static func trainingSet(campaign: Campaign, database: String? = nil, traces: String? = nil) throws -> SurrogateTrainingSet {
    if let database {
      let runs = try LabDatabase(path: database, mode: .existing).recordedRuns(ofCampaign: campaign.name)
      if !runs.isEmpty { return try SurrogateTrainingSet(campaign: campaign, runs: runs) }
      if campaign.runs.isEmpty {
        throw LabError(
          .invalidInput,
          "campaign \(campaign.name) has no recorded run in \(database) (0 evaluated trials); a surrogate needs at least \(SurrogateTrainingSet.minimumTrials): import its runs with 'hpolab traces import'")
      }
    }
    return try SurrogateTrainingSet.load(campaign: campaign, directory: try SurrogateLocations.traces(traces))
  }
}

extension CampaignData {
  /// The campaigns and trials of `database` for `surrogate:NAME` (``campaign(named:database:)``,
  /// ``trainingSet(campaign:database:traces:)``), or nil without a database or when its file does not exist yet
  /// (the shipped files only).
  public static func source(database: String?, traces: String?) -> CampaignSource? {
    guard let database, FileManager.default.fileExists(atPath: database) else { return nil }
    return CampaignSource(
      campaign: { try campaign(named: $0, database: database) },
      trainingSet: { try trainingSet(campaign: $0, database: database, traces: traces) },
      recordedRun: { run in
        let db = try LabDatabase(path: database, mode: .existing)
        guard let info = try db.recordedRunInfo(run) else { return nil }
        let campaign = try db.storedCampaign(named: info.campaign).campaign
        return RecordedRunData(campaign: campaign, algorithm: info.algorithm, trials: try db.recordedTrials(run: run).map(\.trial))
      })
  }
}
