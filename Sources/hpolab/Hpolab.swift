import ArgumentParser
import LabCore

/// The `hpolab` command-line tool: traces, simulated runs, studies, figures and live runs.
@main
struct Hpolab: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hpolab",
    abstract: "Compare hyperparameter optimisers for LoRA fine-tuning by simulation, then confirm on real GPUs.",
    version: "0.1.0",
    subcommands: [
      TracesCommand.self, RunCommand.self, ReplayCommand.self, SurrogateCommand.self, StudyCommand.self,
      PlotCommand.self, LiveCommand.self,
      CampaignCommand.self,
    ])
}
