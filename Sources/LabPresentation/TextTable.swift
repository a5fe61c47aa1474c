import Foundation

/// A plain-text table with a header rule and aligned columns, for human-readable command output.
///
/// Columns are padded to their widest cell (counted in characters);
/// the columns listed in `rightAligned` (numbers) are padded on the left.
public struct TextTable: Sendable {
  /// The header cells.
  public var header: [String]
  /// The rows, each a list of cells.
  public var rows: [[String]] = []
  /// The columns padded on the left (numbers).
  public var rightAligned: Set<Int> = []

  public init(header: [String], rows: [[String]] = [], rightAligned: Set<Int> = []) {
    self.header = header
    self.rows = rows
    self.rightAligned = rightAligned
  }

  /// The table as lines joined by newlines (no trailing newline, no trailing spaces).
  public static func render(_ table: TextTable) -> String {
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
