import ArgumentParser
import LabCore
import LabOptimizers

/// The `--algorithm` option shared by `hpolab run` and `hpolab live` (same name, same help).
struct OptimizerChoice: ParsableArguments {
  @Option(name: .long, help: "The optimiser: \(ProposerCatalogue.names.joined(separator: ", ")).")
  var algorithm: String
}

/// Turns repeated `--option KEY=VALUE` arguments into a dictionary (a later KEY replaces an earlier one).
///
/// The value is everything after the first `=` and may be empty; the key may not.
/// - Throws: ``LabError`` `.invalidInput` (field `option`) naming the first argument without a key and `=`.
func algorithmOptions(_ arguments: [String]) throws -> [String: String] {
  var result: [String: String] = [:]
  for argument in arguments {
    guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else {
      throw LabError(.invalidInput, "--option must be KEY=VALUE, got '\(argument)'", location: .init(field: "option"))
    }
    result[String(argument[..<eq])] = String(argument[argument.index(after: eq)...])
  }
  return result
}
