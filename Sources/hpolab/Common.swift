import ArgumentParser
import Foundation
import LabCore

/// Options shared by every command that touches the database.
struct DatabaseOptions: ParsableArguments {
  @Option(name: .long, help: "The SQLite database (created when absent).")
  var db: String = "lab.sqlite"
}

/// Turns a ``LabError`` into a one-line message and a non-zero exit, without a stack trace.
func runReportingErrors(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as LabError {
    throw ValidationOrRuntimeError(error)
  }
}

/// Same as ``runReportingErrors(_:)`` for async bodies.
func runReportingErrors(_ body: () async throws -> Void) async throws {
  do {
    try await body()
  } catch let error as LabError {
    throw ValidationOrRuntimeError(error)
  }
}

/// A ``LabError`` printed by ArgumentParser as `Error: <description>` with exit status 1.
struct ValidationOrRuntimeError: Error, CustomStringConvertible {
  let error: LabError
  init(_ error: LabError) { self.error = error }
  var description: String { error.description }
}

/// Writes `value` as pretty, key-sorted JSON to standard output.
func printJSON<T: Encodable>(_ value: T) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  let data = try encoder.encode(value)
  FileHandle.standardOutput.write(data)
  FileHandle.standardOutput.write(Data("\n".utf8))
}

/// Writes a line to standard error.
func printError(_ text: String) {
  FileHandle.standardError.write(Data((text + "\n").utf8))
}
