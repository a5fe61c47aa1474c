import LabCore
import LabData

/// Where an evaluator finds a campaign by name and the recorded trials its surrogate is conditioned on.
///
/// The default is the shipped campaign files and the trace folder; a database supplies campaigns created
/// with `hpolab campaign create` and the runs imported into it (LabStudies' `CampaignData.source(database:traces:)`).
public struct CampaignSource: Sendable {
  /// The campaign called `name` (name or alias).
  public var campaign: @Sendable (_ name: String) throws -> Campaign
  /// The evaluated trials of a campaign.
  public var trainingSet: @Sendable (_ campaign: Campaign) throws -> SurrogateTrainingSet

  public init(
    campaign: @escaping @Sendable (_ name: String) throws -> Campaign,
    trainingSet: @escaping @Sendable (_ campaign: Campaign) throws -> SurrogateTrainingSet
  ) {
    self.campaign = campaign
    self.trainingSet = trainingSet
  }
}
