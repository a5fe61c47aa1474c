import ArgumentParser
import Foundation
import LabCore
import LabData
import LabPresentation
import LabStore

/// `hpolab campaign`: create, list and show campaigns (a search space, metrics, costs and runs, from TOML).
struct CampaignCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "campaign",
    abstract: "Create, list and show campaigns: a search space, its metrics and costs, from a TOML file (docs/campaigns.md).",
    subcommands: [CampaignCreateCommand.self, CampaignListCommand.self, CampaignShowCommand.self],
    defaultSubcommand: CampaignListCommand.self)
}

/// `hpolab campaign create [NAME] --from FILE.toml`: stores a campaign in the database.
struct CampaignCreateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "create", abstract: "Store the campaign a TOML file describes (the name is NAME, or the file's own).")

  @Argument(help: "The campaign's name (default: the file's 'name').")
  var name: String?

  @Option(name: .long, help: "The campaign file (TOML; format in docs/campaigns.md).")
  var from: String?

  @Option(name: .customLong("from-optuna"), help: "Or: an Optuna storage (SQLite) whose study's distributions give the space.")
  var fromOptuna: String?

  @Option(name: .customLong("optuna-study"), help: "The study of --from-optuna (default: its only one).")
  var optunaStudy: String?

  @OptionGroup var database: DatabaseOptions

  @Flag(name: .long, help: "Replace a stored campaign of that name whose definition differs.")
  var replace = false

  func run() throws {
    try runReportingErrors {
      // Read and validate first, so that a bad file never creates or changes a database.
      let campaign = try Campaign.read(toml: from, optuna: fromOptuna, study: optunaStudy, name: name)
      let outcome = try LabDatabase(path: database.db).createCampaign(campaign, replace: replace)
      print("\(outcome.rawValue) campaign \(campaign.displayName): \(campaign.space.dimension) parameters, \(campaign.metrics.count) metrics, \(campaign.runs.count) runs listed, in \(database.db)")
    }
  }
}

/// `hpolab campaign list`: the campaigns the database holds.
struct CampaignListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "List the campaigns of the database.")

  @OptionGroup var database: DatabaseOptions

  @Flag(name: .long, help: "Print the campaigns as JSON.")
  var json = false

  func run() throws {
    try runReportingErrors {
      let campaigns = try LabDatabase(path: database.db).storedCampaigns()
      if json { try printJSON(campaigns) } else { print(TextTable.render(CampaignListing.table(campaigns))) }
    }
  }
}

/// `hpolab campaign show NAME`: one campaign in full.
struct CampaignShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one campaign: space, metrics, costs, runs.")

  @Argument(help: "The campaign's name or alias.")
  var name: String

  @OptionGroup var database: DatabaseOptions

  @Flag(name: .long, help: "Print the campaign as JSON.")
  var json = false

  func run() throws {
    try runReportingErrors {
      let campaign = try LabDatabase(path: database.db).storedCampaign(named: name)
      if json { try printJSON(campaign) } else { print(CampaignListing.text(campaign)) }
    }
  }
}
