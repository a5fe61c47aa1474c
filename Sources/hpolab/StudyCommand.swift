import ArgumentParser
import LabCore

/// `hpolab study`: Run, resume, merge and report multi-seed studies from studies/*.toml.
struct StudyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "study",
    abstract: "Run, resume, merge and report multi-seed studies from studies/*.toml.")

  func run() throws {
    throw ValidationError("'hpolab study' is not implemented yet")
  }
}
