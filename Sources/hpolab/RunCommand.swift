import ArgumentParser
import LabCore

/// `hpolab run`: Simulate one optimisation run under W workers.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Simulate one optimisation run under W workers.")

  func run() throws {
    throw ValidationError("'hpolab run' is not implemented yet")
  }
}
