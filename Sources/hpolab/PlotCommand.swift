import ArgumentParser
import LabCore

/// `hpolab plot`: Draw figures of studies and runs with gnuplot.
struct PlotCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plot",
    abstract: "Draw figures of studies and runs with gnuplot.")

  func run() throws {
    throw ValidationError("'hpolab plot' is not implemented yet")
  }
}
