/// Parses TOML 1.0 text into a ``TOMLTable``, keeping every value's line number.
///
/// Implements the whole TOML 1.0.0 specification (toml.io/en/v1.0.0): the four
/// string kinds, 64-bit integers in all four bases, floats with `inf`/`nan`,
/// booleans, offset/local date-times, local dates and times, arrays, inline
/// tables, dotted keys, tables and arrays of tables, with the specification's
/// rules on redefinition. It accepts every valid file and rejects every invalid
/// file of the toml-test 1.0.0 suite (tested by `TOMLConformanceTests`).
/// Beyond the grammar it refuses, each with the file and line:
/// - nesting deeper than ``maximumDepth`` levels (arrays, inline tables, dotted
///   key parts and header parts counted together), so that hostile input cannot
///   exhaust the stack;
/// - integers outside the 64-bit range and floats that overflow to infinity
///   (the specification requires an error rather than a lossy value).
///
/// ```swift
/// let root = try TOMLParser.parse("[study]\nname = \"smoke\"\n", file: "smoke.toml")
/// root["study"]?.table?["name"]?.string  // "smoke"
/// ```
/// - Throws: ``LabError`` `.parse` with the file and line of the fault, e.g.
///   `study.toml:4: key 'study.name' is defined twice`.
/// - Complexity: O(n) in the text length.
public struct TOMLParser {
  /// The deepest table or array accepted; deeper input gets a one-line error, never a stack overflow.
  ///
  /// Levels: the root table is 0; `[a.b]` opens a table at level 2 (in
  /// `[[a.b]]` the array and its element count one level each); `k = v` in a
  /// table at level d puts `v` at level d + (the number of parts of `k`); the
  /// elements of an array or inline table at level l are at level l + 1.
  public static let maximumDepth = 128

  let bytes: [UInt8]
  var index = 0
  var line = 1
  let file: String?
  /// Numbers the sections (header blocks and inline tables), to know which dotted-key tables may still grow.
  var sectionCount = 0
  /// The document's top-level table: every header's path starts there.
  let root = TOMLTableNode(line: 1, origin: .header, depth: 0, path: [])

  private init(bytes: [UInt8], file: String?) {
    self.bytes = bytes
    self.file = file
  }

  /// The root table of `text`; `file` only labels error messages.
  public static func parse(_ text: String, file: String? = nil) throws -> TOMLTable {
    try parse(bytes: Array(text.utf8), file: file)
  }

  /// The root table of a UTF-8 encoded document (a leading byte-order mark is skipped).
  /// - Throws: `.parse` also when `bytes` is not valid UTF-8.
  public static func parse(bytes: [UInt8], file: String? = nil) throws -> TOMLTable {
    var parser = TOMLParser(bytes: bytes, file: file)
    try parser.validateEncoding()
    return try parser.document()
  }

  // MARK: Document structure

  private mutating func document() throws -> TOMLTable {
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    var current = root
    var section = 0
    while true {
      skipWhitespace()
      guard let c = peek() else { break }
      if c == Byte.hash || c == Byte.lf || c == Byte.cr {
        try endOfLine(after: "a comment")
        continue
      }
      if c == Byte.openBracket {
        let headerLine = line
        index += 1
        let isArray = peek() == Byte.openBracket
        if isArray { index += 1 }
        skipWhitespace()
        let path = try key()
        skipWhitespace()
        try expect(Byte.closeBracket, "to close the table header")
        if isArray { try expect(Byte.closeBracket, "to close the array-of-tables header") }
        sectionCount += 1
        section = sectionCount
        current = try openTable(path, isArray: isArray, line: headerLine)
        try endOfLine(after: "a table header")
      } else {
        let keyLine = line
        let path = try key()
        skipWhitespace()
        try expect(Byte.equals, "after the key")
        skipWhitespace()
        let value = try value(depth: current.depth + path.count)
        try insert(path, value, into: current, section: section, line: keyLine)
        try endOfLine(after: "a value")
      }
    }
    return root.table()
  }

  func fail(_ message: String, line: Int? = nil) -> LabError {
    LabError(.parse, message, location: LabError.Location(file: file, line: line ?? self.line))
  }

  func depthError(line: Int? = nil) -> LabError {
    fail(
      "nesting deeper than \(Self.maximumDepth) levels (arrays, inline tables, dotted keys and table headers count together)",
      line: line)
  }

  private func dotted(_ path: [String]) -> String { path.joined(separator: ".") }

  private func article(_ type: String) -> String {
    (type.first.map { "aeiou".contains($0) } ?? false) ? "an \(type)" : "a \(type)"
  }

  /// The table a `[path]` or `[[path]]` header opens, creating implicit parents and descending into the last element
  /// of arrays of tables.
  private mutating func openTable(_ path: [String], isArray: Bool, line: Int) throws -> TOMLTableNode {
    let header = isArray ? "[[\(dotted(path))]]" : "[\(dotted(path))]"
    var table = try parentTable(of: path, line: line, what: header)
    guard let last = path.last else { throw fail("expected a key in the table header", line: line) }
    let childDepth = table.depth + (isArray ? 2 : 1)
    guard childDepth <= Self.maximumDepth else { throw depthError(line: line) }
    let fresh = TOMLTableNode(line: line, origin: .header, depth: childDepth, path: path)
    switch table[last] {
    case nil:
      table.set(last, isArray ? .tables(TOMLArrayOfTablesNode(first: fresh)) : .table(fresh))
      table = fresh
    case .table(let existing)?:
      if isArray { throw fail("\(header) redefines the table [\(dotted(path))] (line \(existing.line))", line: line) }
      switch existing.origin {
      case .implicit:
        existing.origin = .header
        existing.line = line
        table = existing
      case .dotted:
        throw fail("table [\(dotted(path))] was already defined by dotted keys on line \(existing.line)", line: line)
      case .header, .inline:
        throw fail("table [\(dotted(path))] is defined twice", line: line)
      }
    case .tables(let array)?:
      guard isArray else {
        throw fail("[\(dotted(path))] is already an array of tables (line \(array.line))", line: line)
      }
      array.append(fresh)
      table = fresh
    case .value(let value)?:
      if value.table != nil && !isArray { throw fail("table [\(dotted(path))] is defined twice", line: line) }
      if value.array != nil && isArray {
        throw fail(
          "\(header) cannot append to the static array '\(dotted(path))' written with '=' on line \(value.line)",
          line: line)
      }
      throw fail("\(header) redefines a key that is \(article(value.typeName)) (line \(value.line))", line: line)
    }
    return table
  }

  /// Walks a header's path up to its last key.
  private func parentTable(of path: [String], line: Int, what header: String) throws -> TOMLTableNode {
    var table = root
    for (i, key) in path.dropLast().enumerated() {
      let prefix = Array(path[...i])
      switch table[key] {
      case nil:
        guard table.depth + 1 <= Self.maximumDepth else { throw depthError(line: line) }
        let child = TOMLTableNode(line: line, origin: .implicit, depth: table.depth + 1, path: prefix)
        table.set(key, .table(child))
        table = child
      case .table(let child)?:
        table = child
      case .tables(let array)?:
        table = array.last
      case .value(let value)?:
        if value.table != nil {
          throw fail("\(header) cannot extend the inline table '\(dotted(prefix))' (line \(value.line))", line: line)
        }
        throw fail(
          "\(header): '\(dotted(prefix))' is \(article(value.typeName)) (line \(value.line)), not a table", line: line)
      }
    }
    return table
  }

  /// Sets `path = value` in `node`: dotted keys create (or extend, within one section) tables on the way.
  mutating func insert(_ path: [String], _ value: TOMLValue, into node: TOMLTableNode, section: Int, line: Int) throws {
    guard let last = path.last else { return }
    guard node.depth + path.count - 1 <= Self.maximumDepth else { throw depthError(line: line) }
    var table = node
    for (i, key) in path.dropLast().enumerated() {
      let full = node.path + path[...i]
      switch table[key] {
      case nil:
        let child = TOMLTableNode(line: line, origin: .dotted(section: section), depth: table.depth + 1, path: full)
        table.set(key, .table(child))
        table = child
      case .table(let child)?:
        switch child.origin {
        case .implicit:
          child.origin = .dotted(section: section)
        case .dotted(let s) where s == section:
          break
        case .dotted:
          throw fail(
            "dotted key '\(dotted(node.path + path))' extends the table '\(dotted(full))' defined by dotted keys in another section (line \(child.line))",
            line: line)
        case .header, .inline:
          throw fail(
            "dotted key '\(dotted(node.path + path))' extends the table [\(dotted(full))] defined by its header on line \(child.line)",
            line: line)
        }
        table = child
      case .tables(let array)?:
        throw fail(
          "dotted key '\(dotted(node.path + path))' extends '\(dotted(full))', an array of tables (line \(array.line))",
          line: line)
      case .value(let existing)?:
        if existing.table != nil {
          throw fail("cannot extend the inline table '\(dotted(full))' (line \(existing.line))", line: line)
        }
        throw fail(
          "key '\(dotted(full))' is already \(article(existing.typeName)) (line \(existing.line)), not a table",
          line: line)
      }
    }
    if table[last] != nil { throw fail("key '\(dotted(node.path + path))' is defined twice", line: line) }
    table.set(last, .value(value))
  }
}
