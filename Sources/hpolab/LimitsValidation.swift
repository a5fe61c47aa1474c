import ArgumentParser
import LabCore

/// Runs the ``Limits`` checks of a command's `validate()`, turning their ``LabError`` into a one-line `ValidationError`.
///
/// ```swift
/// try validateLimits { try Limits.check(workers, in: Limits.workers, name: "--workers") }
/// ```
func validateLimits(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as LabError {
    throw ValidationError(error.message)
  }
}
