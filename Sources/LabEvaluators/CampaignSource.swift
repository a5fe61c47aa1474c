import LabCore
import LabData

/// Where an evaluator finds a campaign by name, the recorded trials its surrogate is conditioned on, and recorded runs.
///
/// The default is the shipped campaign files and the trace folder; a database supplies campaigns created
/// with `hpolab campaign create` and the runs imported into it (LabStudies' `CampaignData.source(database:traces:)`).
public struct CampaignSource: Sendable {
  /// The campaign called `name` (name or alias).
  public var campaign: @Sendable (_ name: String) throws -> Campaign
  /// The evaluated trials of a campaign.
  public var trainingSet: @Sendable (_ campaign: Campaign) throws -> SurrogateTrainingSet
  /// Recorded run `run` with its campaign and algorithm, or nil when the source does not hold it (then the trace folder is read).
  public var recordedRun: @Sendable (_ run: String) throws -> RecordedRunData?

  public init(
    campaign: @escaping @Sendable (_ name: String) throws -> Campaign,
    trainingSet: @escaping @Sendable (_ campaign: Campaign) throws -> SurrogateTrainingSet,
    recordedRun: @escaping @Sendable (_ run: String) throws -> RecordedRunData? = { _ in nil }
  ) {
    self.campaign = campaign
    self.trainingSet = trainingSet
    self.recordedRun = recordedRun
  }
}

/// A recorded run as a database holds it: its campaign, the algorithm that made it, its lines.
public struct RecordedRunData: Sendable {
  public var campaign: Campaign
  public var algorithm: String
  public var trials: [RecordedTrial]

  public init(campaign: Campaign, algorithm: String, trials: [RecordedTrial]) {
    self.campaign = campaign
    self.algorithm = algorithm
    self.trials = trials
  }
}
