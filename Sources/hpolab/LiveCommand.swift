import ArgumentParser
import LabCore

/// `hpolab live`: Drive real litgpt fine-tuning and evaluation with the same optimisers.
struct LiveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "live",
    abstract: "Drive real litgpt fine-tuning and evaluation with the same optimisers.")

  func run() throws {
    throw ValidationError("'hpolab live' is not implemented yet")
  }
}
