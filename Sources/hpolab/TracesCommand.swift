import ArgumentParser
import LabCore

/// `hpolab traces`: Import, list and export the recorded A100 traces.
struct TracesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "traces",
    abstract: "Import, list and export the recorded A100 traces.")

  func run() throws {
    throw ValidationError("'hpolab traces' is not implemented yet")
  }
}
