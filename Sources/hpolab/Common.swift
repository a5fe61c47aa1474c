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

/// A plain-text table with a header rule and aligned columns, for human-readable command output.
///
/// Columns are padded to their widest cell (counted in characters);
/// the columns listed in `rightAligned` (numbers) are padded on the left.
struct TextTable {
  var header: [String]
  var rows: [[String]] = []
  var rightAligned: Set<Int> = []

  init(header: [String], rows: [[String]] = [], rightAligned: Set<Int> = []) {
    self.header = header
    self.rows = rows
    self.rightAligned = rightAligned
  }

  /// The table as lines joined by newlines (no trailing newline, no trailing spaces).
  static func render(_ table: TextTable) -> String {
    let all = [table.header] + table.rows
    let count = all.map(\.count).max() ?? 0
    let widths = (0..<count).map { c in all.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
      let padded = (0..<count).map { c -> String in
        let cell = c < cells.count ? cells[c] : ""
        let pad = String(repeating: " ", count: widths[c] - cell.count)
        return table.rightAligned.contains(c) ? pad + cell : cell + pad
      }
      return padded.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }
    let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    return ([line(table.header), rule] + table.rows.map(line)).joined(separator: "\n")
  }
}
