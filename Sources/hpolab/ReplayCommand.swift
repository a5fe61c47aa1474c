import ArgumentParser
import LabCore

/// `hpolab replay`: Re-time a recorded run under W workers, or check a proposer against a recording.
struct ReplayCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "replay",
    abstract: "Re-time a recorded run under W workers, or check a proposer against a recording.")

  func run() throws {
    throw ValidationError("'hpolab replay' is not implemented yet")
  }
}
