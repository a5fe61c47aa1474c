/// Parses TOML text into a ``TOMLTable``, keeping every value's line number.
///
/// Follows the TOML 1.0 grammar (toml.io/en/v1.0.0) for the constructs study
/// files use; see ``TOMLValue``. Redefining a key or a table, or extending an
/// inline table, is an error, as the specification requires.
///
/// ```swift
/// let root = try TOMLParser.parse("[study]\nname = \"smoke\"\n", file: "smoke.toml")
/// root["study"]?.table?["name"]?.string  // "smoke"
/// ```
/// - Throws: ``LabError`` `.parse` with the file and line of the fault.
/// - Complexity: O(n) in the text length.
public struct TOMLParser {
  private let bytes: [UInt8]
  private var index = 0
  private var line = 1
  private let file: String?

  private init(text: String, file: String?) {
    bytes = Array(text.utf8)
    self.file = file
  }

  /// The root table of `text`; `file` only labels error messages.
  public static func parse(_ text: String, file: String? = nil) throws -> TOMLTable {
    var parser = TOMLParser(text: text, file: file)
    return try parser.document()
  }

  // MARK: Document structure

  /// The path of the table that key/value lines currently go into, and whether it is an array-of-tables element.
  private mutating func document() throws -> TOMLTable {
    var root = TOMLTable(line: 1)
    root.isExplicit = true
    var current: [String] = []
    while true {
      skipWhitespaceCommentsAndNewlines()
      guard let c = peek() else { break }
      if c == UInt8(ascii: "[") {
        let headerLine = line
        index += 1
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { index += 1 }
        skipBlanks()
        let path = try keyPath()
        skipBlanks()
        try expect("]")
        if isArray { try expect("]") }
        try endOfLine()
        if isArray {
          try appendArrayTable(&root, path: path, line: headerLine)
        } else {
          try defineTable(&root, path: path, line: headerLine)
        }
        current = path
      } else {
        let keyLine = line
        let path = try keyPath()
        skipBlanks()
        try expect("=")
        skipBlanks()
        let value = try value()
        try endOfLine()
        try insert(&root, tablePath: current, keyPath: path, value: value, line: keyLine)
      }
    }
    return root
  }

  private func fail(_ message: String, line: Int? = nil) -> LabError {
    LabError(.parse, message, location: LabError.Location(file: file, line: line ?? self.line))
  }

  private func dotted(_ path: [String]) -> String { path.joined(separator: ".") }

  /// Runs `body` on the table at `path` below `table`, creating implicit tables, descending into the last element of arrays of tables.
  private func withTable(
    _ table: inout TOMLTable, path: ArraySlice<String>, line: Int, full: [String],
    _ body: (inout TOMLTable) throws -> Void
  ) throws {
    guard let first = path.first else { return try body(&table) }
    let rest = path.dropFirst()
    switch table[first]?.kind {
    case nil:
      var child = TOMLTable(line: line)
      try withTable(&child, path: rest, line: line, full: full, body)
      table.set(first, TOMLValue(.table(child), line: line))
    case .table(var child)?:
      if child.isInline { throw fail("cannot extend inline table '\(dotted(full))'", line: line) }
      try withTable(&child, path: rest, line: line, full: full, body)
      table.set(first, TOMLValue(.table(child), line: table[first]?.line ?? line))
    case .array(var elements)?:
      guard let lastIndex = elements.indices.last, case .table(var child) = elements[lastIndex].kind,
        !child.isInline
      else {
        throw fail("key '\(first)' of '\(dotted(full))' is an array, not a table", line: line)
      }
      try withTable(&child, path: rest, line: line, full: full, body)
      elements[lastIndex] = TOMLValue(.table(child), line: elements[lastIndex].line)
      table.set(first, TOMLValue(.array(elements), line: table[first]?.line ?? line))
    case let other?:
      throw fail("key '\(first)' is already a \(TOMLValue(other, line: 0).typeName), not a table", line: line)
    }
  }

  private func defineTable(_ root: inout TOMLTable, path: [String], line: Int) throws {
    guard let last = path.last else { return }
    try withTable(&root, path: path.dropLast()[...], line: line, full: path) { parent in
      switch parent[last]?.kind {
      case nil:
        var t = TOMLTable(line: line)
        t.isExplicit = true
        parent.set(last, TOMLValue(.table(t), line: line))
      case .table(var t)?:
        if t.isExplicit || t.isInline { throw fail("table [\(dotted(path))] is defined twice", line: line) }
        t.isExplicit = true
        t.line = line
        parent.set(last, TOMLValue(.table(t), line: line))
      case let other?:
        throw fail("[\(dotted(path))] redefines a key that is a \(TOMLValue(other, line: 0).typeName)", line: line)
      }
    }
  }

  private func appendArrayTable(_ root: inout TOMLTable, path: [String], line: Int) throws {
    guard let last = path.last else { return }
    try withTable(&root, path: path.dropLast()[...], line: line, full: path) { parent in
      var t = TOMLTable(line: line)
      t.isExplicit = true
      switch parent[last]?.kind {
      case nil:
        parent.set(last, TOMLValue(.array([TOMLValue(.table(t), line: line)]), line: line))
      case .array(var elements)?:
        guard elements.allSatisfy({ $0.table.map { !$0.isInline } ?? false }) else {
          throw fail("[[\(dotted(path))]] extends a static array", line: line)
        }
        elements.append(TOMLValue(.table(t), line: line))
        parent.set(last, TOMLValue(.array(elements), line: parent[last]?.line ?? line))
      case let other?:
        throw fail("[[\(dotted(path))]] redefines a key that is a \(TOMLValue(other, line: 0).typeName)", line: line)
      }
    }
  }

  private func insert(_ root: inout TOMLTable, tablePath: [String], keyPath: [String], value: TOMLValue, line: Int)
    throws
  {
    guard let last = keyPath.last else { return }
    let full = tablePath + keyPath
    try withTable(&root, path: (tablePath + keyPath.dropLast())[...], line: line, full: full) { table in
      if table[last] != nil { throw fail("key '\(dotted(full))' is defined twice", line: line) }
      table.set(last, value)
    }
  }

  // MARK: Lexical helpers

  private func peek(_ offset: Int = 0) -> UInt8? {
    index + offset < bytes.count ? bytes[index + offset] : nil
  }

  private mutating func skipBlanks() {
    while let c = peek(), c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { index += 1 }
  }

  private mutating func skipComment() {
    if peek() == UInt8(ascii: "#") {
      while let c = peek(), c != UInt8(ascii: "\n") { index += 1 }
    }
  }

  private mutating func skipWhitespaceCommentsAndNewlines() {
    while true {
      skipBlanks()
      skipComment()
      if peek() == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n") { index += 1 }
      if peek() == UInt8(ascii: "\n") {
        index += 1
        line += 1
      } else {
        return
      }
    }
  }

  private mutating func endOfLine() throws {
    skipBlanks()
    skipComment()
    if peek() == UInt8(ascii: "\r") { index += 1 }
    guard let c = peek() else { return }
    guard c == UInt8(ascii: "\n") else { throw fail("unexpected '\(describe(c))' after a value; expected the end of the line") }
  }

  private mutating func expect(_ character: Unicode.Scalar) throws {
    guard peek() == UInt8(ascii: character) else {
      throw fail("expected '\(character)' but found \(peek().map { "'\(describe($0))'" } ?? "the end of the file")")
    }
    index += 1
  }

  private func describe(_ byte: UInt8) -> String {
    byte == UInt8(ascii: "\n") ? "\\n" : String(decoding: [byte], as: UTF8.self)
  }

  private static func isBare(_ c: UInt8) -> Bool {
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_")
      || c == UInt8(ascii: "-")
  }

  /// `a.b."c d"` → ["a", "b", "c d"].
  private mutating func keyPath() throws -> [String] {
    var path: [String] = []
    while true {
      skipBlanks()
      guard let c = peek() else { throw fail("expected a key but found the end of the file") }
      if c == UInt8(ascii: "\"") {
        path.append(try basicString())
      } else if c == UInt8(ascii: "'") {
        path.append(try literalString())
      } else {
        let start = index
        while let c = peek(), Self.isBare(c) { index += 1 }
        guard index > start else { throw fail("expected a key but found '\(describe(c))'") }
        path.append(String(decoding: bytes[start..<index], as: UTF8.self))
      }
      skipBlanks()
      if peek() == UInt8(ascii: ".") { index += 1 } else { return path }
    }
  }

  // MARK: Values

  private mutating func value() throws -> TOMLValue {
    let valueLine = line
    guard let c = peek() else { throw fail("expected a value but found the end of the file") }
    switch c {
    case UInt8(ascii: "\""):
      if peek(1) == UInt8(ascii: "\"") && peek(2) == UInt8(ascii: "\"") {
        throw fail("multi-line strings are not supported")
      }
      return TOMLValue(.string(try basicString()), line: valueLine)
    case UInt8(ascii: "'"):
      if peek(1) == UInt8(ascii: "'") && peek(2) == UInt8(ascii: "'") {
        throw fail("multi-line strings are not supported")
      }
      return TOMLValue(.string(try literalString()), line: valueLine)
    case UInt8(ascii: "["):
      return try array()
    case UInt8(ascii: "{"):
      return try inlineTable()
    default:
      return try scalar()
    }
  }

  private mutating func array() throws -> TOMLValue {
    let start = line
    index += 1
    var elements: [TOMLValue] = []
    while true {
      skipWhitespaceCommentsAndNewlines()
      if peek() == UInt8(ascii: "]") {
        index += 1
        return TOMLValue(.array(elements), line: start)
      }
      elements.append(try value())
      skipWhitespaceCommentsAndNewlines()
      if peek() == UInt8(ascii: ",") {
        index += 1
      } else if peek() == UInt8(ascii: "]") {
        continue
      } else {
        throw fail("expected ',' or ']' in the array opened on line \(start)")
      }
    }
  }

  private mutating func inlineTable() throws -> TOMLValue {
    let start = line
    index += 1
    var table = TOMLTable(line: start)
    skipBlanks()
    if peek() == UInt8(ascii: "}") {
      index += 1
      table.isInline = true
      return TOMLValue(.table(table), line: start)
    }
    while true {
      skipBlanks()
      let keyLine = line
      let path = try keyPath()
      skipBlanks()
      try expect("=")
      skipBlanks()
      let v = try value()
      try insert(&table, tablePath: [], keyPath: path, value: v, line: keyLine)
      skipBlanks()
      if peek() == UInt8(ascii: ",") {
        index += 1
      } else if peek() == UInt8(ascii: "}") {
        index += 1
        table.isInline = true
        return TOMLValue(.table(table), line: start)
      } else {
        throw fail("expected ',' or '}' in the inline table opened on line \(start) (inline tables stay on one line)")
      }
    }
  }

  private mutating func basicString() throws -> String {
    index += 1
    var scalars = String.UnicodeScalarView()
    var raw: [UInt8] = []
    func flush() {
      if !raw.isEmpty {
        scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
        raw.removeAll()
      }
    }
    while true {
      guard let c = peek(), c != UInt8(ascii: "\n") else { throw fail("unterminated string") }
      index += 1
      if c == UInt8(ascii: "\"") { break }
      if c != UInt8(ascii: "\\") {
        raw.append(c)
        continue
      }
      flush()
      guard let e = peek() else { throw fail("unterminated string") }
      index += 1
      switch e {
      case UInt8(ascii: "n"): scalars.append("\n")
      case UInt8(ascii: "t"): scalars.append("\t")
      case UInt8(ascii: "r"): scalars.append("\r")
      case UInt8(ascii: "b"): scalars.append("\u{08}")
      case UInt8(ascii: "f"): scalars.append("\u{0C}")
      case UInt8(ascii: "\""): scalars.append("\"")
      case UInt8(ascii: "\\"): scalars.append("\\")
      case UInt8(ascii: "u"), UInt8(ascii: "U"):
        let width = e == UInt8(ascii: "u") ? 4 : 8
        guard index + width <= bytes.count,
          let code = UInt32(String(decoding: bytes[index..<(index + width)], as: UTF8.self), radix: 16),
          let scalar = Unicode.Scalar(code)
        else { throw fail("invalid unicode escape in a string") }
        index += width
        scalars.append(scalar)
      default:
        throw fail("invalid escape '\\\(describe(e))' in a string")
      }
    }
    flush()
    return String(scalars)
  }

  private mutating func literalString() throws -> String {
    index += 1
    let start = index
    while true {
      guard let c = peek(), c != UInt8(ascii: "\n") else { throw fail("unterminated string") }
      if c == UInt8(ascii: "'") { break }
      index += 1
    }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    index += 1
    return text
  }

  private mutating func scalar() throws -> TOMLValue {
    let start = index
    while let c = peek(),
      Self.isBare(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: ":")
    {
      index += 1
    }
    let token = String(decoding: bytes[start..<index], as: UTF8.self)
    guard !token.isEmpty else {
      throw fail("expected a value but found '\(peek().map(describe) ?? "")'")
    }
    switch token {
    case "true": return TOMLValue(.boolean(true), line: line)
    case "false": return TOMLValue(.boolean(false), line: line)
    case "inf", "+inf": return TOMLValue(.float(.infinity), line: line)
    case "-inf": return TOMLValue(.float(-.infinity), line: line)
    case "nan", "+nan", "-nan": return TOMLValue(.float(.nan), line: line)
    default: break
    }
    if token.contains(":") || (token.count >= 10 && token.dropFirst(4).first == "-" && token.first != "-") {
      throw fail("dates and times are not supported ('\(token)')")
    }
    let digits = token.filter { $0 != "_" }
    if token.hasPrefix("_") || token.hasSuffix("_") || token.contains("__") {
      throw fail("misplaced '_' in the number '\(token)'")
    }
    let isFloat = digits.contains(".") || digits.contains("e") || digits.contains("E")
    if !isFloat, let i = Int(digits) {
      return TOMLValue(.integer(i), line: line)
    }
    if isFloat, !digits.hasSuffix("."), !digits.hasPrefix("."), !digits.contains(".e"), !digits.contains(".E"),
      let d = Double(digits)
    {
      return TOMLValue(.float(d), line: line)
    }
    throw fail("'\(token)' is not a valid value (strings need quotes)")
  }
}
