import ArgumentParser
import LabCore

/// `hpolab surrogate`: Fit and validate the surrogate of fine-tuning accuracy, cost and noise.
struct SurrogateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "surrogate",
    abstract: "Fit and validate the surrogate of fine-tuning accuracy, cost and noise.")

  func run() throws {
    throw ValidationError("'hpolab surrogate' is not implemented yet")
  }
}
