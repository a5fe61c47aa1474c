// Comma-separated values as RFC 4180 describes them: a header record, then one record per line; a field may be
// quoted ("a, b"), a quote inside a quoted field is doubled (""), and a quoted field may span lines.
// A UTF-8 byte-order mark and CRLF or LF line ends are accepted; blank lines are skipped.

import Foundation
import LabCore

/// A CSV file read into its header and records, each record with the line it starts on.
public struct CSVTable: Sendable, Hashable {
  /// One record: its fields and the 1-based line of the file it starts on.
  public struct Record: Sendable, Hashable {
    public var line: Int
    public var fields: [String]
  }

  /// The header's column names, in order.
  public var header: [String]
  /// The records after the header.
  public var records: [Record]

  /// Parses CSV `data` (`file` names it in messages).
  /// - Throws: `.parse` naming file and line for invalid UTF-8, a quote inside an unquoted field, an unterminated
  ///   quoted field, an empty or repeated header name, or a record with another number of fields than the header.
  public static func parse(_ data: Data, file: String) throws -> CSVTable {
    var bytes = [UInt8](data)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw LabError(.parse, "CSV file is not valid UTF-8", location: .init(file: file))
    }
    var rows: [Record] = []
    var fields: [String] = []
    var field = ""
    var line = 1
    var recordLine = 1
    var quoted = false  // inside a quoted field
    var wasQuoted = false  // the current field was quoted (only a separator or line end may follow)
    var scalars = Array(text.unicodeScalars)
    scalars.append("\n")  // a last record without a line end
    var i = 0
    func endRecord() {
      fields.append(field)
      // A blank line is one empty field: skip it.
      if !(fields.count == 1 && fields[0].isEmpty && !wasQuoted) { rows.append(Record(line: recordLine, fields: fields)) }
      fields = []
      field = ""
      wasQuoted = false
    }
    while i < scalars.count {
      let c = scalars[i]
      if quoted {
        if c == "\"" {
          if i + 1 < scalars.count && scalars[i + 1] == "\"" {
            field.unicodeScalars.append("\"")
            i += 1
          } else {
            quoted = false
          }
        } else {
          if c == "\n" { line += 1 }
          field.unicodeScalars.append(c)
        }
      } else if c == "," {
        fields.append(field)
        field = ""
        wasQuoted = false
      } else if c == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n" {
        // CRLF: the LF ends the record.
      } else if c == "\n" {
        endRecord()
        line += 1
        recordLine = line
      } else if c == "\"" {
        guard field.isEmpty && !wasQuoted else {
          throw LabError(.parse, "a quote inside an unquoted field (quote the whole field and double the quote: \"\"\"\")",
                         location: .init(file: file, line: line, field: "column \(fields.count + 1)"))
        }
        quoted = true
        wasQuoted = true
      } else {
        guard !wasQuoted else {
          throw LabError(.parse, "characters after a closing quote", location: .init(file: file, line: line, field: "column \(fields.count + 1)"))
        }
        field.unicodeScalars.append(c)
      }
      i += 1
    }
    if quoted {
      throw LabError(.parse, "a quoted field is never closed", location: .init(file: file, line: recordLine))
    }
    guard let first = rows.first else {
      throw LabError(.parse, "CSV file has no header line", location: .init(file: file, line: 1))
    }
    var seen = Set<String>()
    for (i, name) in first.fields.enumerated() {
      let name = name.trimmingCharacters(in: .whitespaces)
      guard !name.isEmpty else {
        throw LabError(.parse, "header column \(i + 1) has no name", location: .init(file: file, line: first.line))
      }
      guard seen.insert(name).inserted else {
        throw LabError(.parse, "header names column '\(TraceValidation.clip(name))' twice", location: .init(file: file, line: first.line))
      }
    }
    let header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
    for r in rows.dropFirst() where r.fields.count != header.count {
      throw LabError(.parse, "expected \(header.count) fields (as in the header), found \(r.fields.count)", location: .init(file: file, line: r.line))
    }
    return CSVTable(header: header, records: Array(rows.dropFirst()))
  }
}
