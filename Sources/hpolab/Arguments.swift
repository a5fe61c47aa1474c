import ArgumentParser
import LabCore
import LabSimulation

extension ExecutionMode: ExpressibleByArgument {
  /// The mode called `text`, or a validation error that names the option (`--mode must be sync or async, got 'x'`).
  init(option: String, _ text: String) throws {
    guard let mode = ExecutionMode(rawValue: text) else {
      throw ValidationError(
        "\(option) must be \(ExecutionMode.allCases.map(\.rawValue).joined(separator: " or ")), got '\(text)'")
    }
    self = mode
  }
}
