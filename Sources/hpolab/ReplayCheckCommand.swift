import ArgumentParser
import LabCore

/// `hpolab replay check RUN`: prints, per step, the recorded point against the one hpolab proposes.
struct ReplayCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Compare, step by step, what hpolab's optimiser proposes with what a recorded run did.")

  func run() throws {
    throw ValidationError("'hpolab replay check' is not implemented yet")
  }
}
