// Deterministic text data files for gnuplot.
//
// Notation
//   block    a run of rows; blocks are separated by two blank lines so that
//            gnuplot addresses them with `index i` (0-based, in writing order)
//   cell     one number written with a fixed number of decimals, `NaN` for a
//            missing value (gnuplot skips it and breaks the line there)

import Foundation

/// Fixed-format rendering of numbers, identical on every machine and locale.
public enum DataFormat {
  /// `value` with exactly `decimals` digits after the point; `NaN` when not finite.
  ///
  /// Negative zero prints as zero so that golden files do not depend on the
  /// sign of a rounding residue.
  public static func fixed(_ value: Double, decimals: Int = 6) -> String {
    guard value.isFinite else { return "NaN" }
    let text = String(format: "%.\(max(0, decimals))f", locale: nil, value)
    if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(text.dropFirst()) }
    return text
  }

  /// `value` when present, `NaN` otherwise.
  public static func fixed(_ value: Double?, decimals: Int = 6) -> String {
    value.map { fixed($0, decimals: decimals) } ?? "NaN"
  }

  /// A label safe inside a double-quoted gnuplot string or a data cell (quotes and backslashes escaped).
  public static func quoted(_ text: String) -> String {
    var out = "\""
    for c in text {
      switch c {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n", "\r", "\t": out += " "
      default: out.append(c)
      }
    }
    return out + "\""
  }
}

/// A gnuplot data file built block by block: a header, then blocks of whitespace-separated rows.
///
/// Rows are written as given, so the file is a pure function of its input:
/// the golden tests compare it byte for byte.
public struct DataTable: Sendable, Hashable {
  /// The file name inside the output folder (e.g. `convergence.dat`).
  public var fileName: String
  private var lines: [String]
  private var blockCount = 0

  /// An empty table with comment lines describing it and its columns.
  public init(fileName: String, comments: [String], columns: [String]) {
    self.fileName = fileName
    self.lines = comments.map { "# " + $0 } + ["# columns: " + columns.joined(separator: " ")]
  }

  /// The number of blocks started so far; the next block's gnuplot `index`.
  public var blocks: Int { blockCount }

  /// Starts a new block (addressed by `index blocks` in gnuplot) named in a comment.
  public mutating func beginBlock(_ name: String) {
    if blockCount > 0 { lines.append(""); lines.append("") }
    lines.append("# block \(blockCount): \(name)")
    blockCount += 1
  }

  /// Appends one row of already formatted cells.
  public mutating func row(_ cells: [String]) {
    lines.append(cells.joined(separator: " "))
  }

  /// Appends one row of numbers with `decimals` digits.
  public mutating func row(_ values: [Double], decimals: Int = 6) {
    row(values.map { DataFormat.fixed($0, decimals: decimals) })
  }

  /// The file's text, ending with a newline.
  public var text: String { lines.joined(separator: "\n") + "\n" }
}
