/// Values: strings, arrays, inline tables and the bare scalars (booleans, numbers, dates and times).
extension TOMLParser {
  /// The value at the read position; `depth` is the nesting level a container here would have.
  mutating func value(depth: Int) throws -> TOMLValue {
    let valueLine = line
    guard let c = peek() else { throw fail("expected a value but found the end of the file") }
    switch c {
    case Byte.quote:
      let multiline = peek(1) == Byte.quote && peek(2) == Byte.quote
      return TOMLValue(.string(multiline ? try multilineBasicString() : try basicString()), line: valueLine)
    case Byte.apostrophe:
      let multiline = peek(1) == Byte.apostrophe && peek(2) == Byte.apostrophe
      return TOMLValue(.string(multiline ? try multilineLiteralString() : try literalString()), line: valueLine)
    case Byte.openBracket:
      return try array(depth: depth)
    case Byte.openBrace:
      return try inlineTable(depth: depth)
    default:
      return try scalar()
    }
  }

  /// `[ v, v, … ]`, over several lines and with comments if wanted; a trailing comma is allowed.
  private mutating func array(depth: Int) throws -> TOMLValue {
    guard depth <= Self.maximumDepth else { throw depthError() }
    let start = line
    index += 1
    var elements: [TOMLValue] = []
    while true {
      try skipWhitespaceCommentsAndNewlines()
      if peek() == Byte.closeBracket {
        index += 1
        return TOMLValue(.array(elements), line: start)
      }
      if peek() == Byte.comma { throw fail("expected a value but found ',' in the array opened on line \(start)") }
      elements.append(try value(depth: depth + 1))
      try skipWhitespaceCommentsAndNewlines()
      if peek() == Byte.comma {
        index += 1
      } else if peek() != Byte.closeBracket {
        throw fail("expected ',' or ']' in the array opened on line \(start)")
      }
    }
  }

  /// `{ k = v, … }` on one line, closed to later additions; dotted keys inside it may build sub-tables.
  private mutating func inlineTable(depth: Int) throws -> TOMLValue {
    guard depth <= Self.maximumDepth else { throw depthError() }
    let start = line
    index += 1
    sectionCount += 1
    let section = sectionCount
    let node = TOMLTableNode(line: start, origin: .inline, depth: depth, path: [])
    skipWhitespace()
    if peek() == Byte.closeBrace {
      index += 1
      return TOMLValue(.table(node.table()), line: start)
    }
    while true {
      skipWhitespace()
      if peek() == Byte.closeBrace {
        throw fail("a trailing comma is not allowed in an inline table (TOML 1.0)")
      }
      let keyLine = line
      let path = try key()
      skipWhitespace()
      try expect(Byte.equals, "after the key")
      skipWhitespace()
      let v = try value(depth: depth + path.count)
      try insert(path, v, into: node, section: section, line: keyLine)
      skipWhitespace()
      if peek() == Byte.comma {
        index += 1
      } else if peek() == Byte.closeBrace {
        index += 1
        return TOMLValue(.table(node.table()), line: start)
      } else {
        throw fail(
          "expected ',' or '}' in the inline table opened on line \(start) (inline tables stay on one line)")
      }
    }
  }

  /// Booleans, numbers, dates and times: a run of `A-Za-z0-9_+-.:` (a date and a time may be joined by one space).
  private mutating func scalar() throws -> TOMLValue {
    let valueLine = line
    let start = index
    func isTokenByte(_ c: UInt8) -> Bool {
      Byte.isBareKey(c) || c == Byte.plus || c == Byte.dot || c == Byte.colon
    }
    while let c = peek(), isTokenByte(c) { index += 1 }
    // `1979-05-27 07:32:00`: a full date, one space, then HH:
    if index - start == 10, Self.isDateShape(bytes[start..<index]), peek() == Byte.space,
      let h1 = peek(1), let h2 = peek(2), Byte.isDigit(h1), Byte.isDigit(h2), peek(3) == Byte.colon
    {
      index += 1
      while let c = peek(), isTokenByte(c) { index += 1 }
    }
    let token = bytes[start..<index]
    guard !token.isEmpty else { throw fail("expected a value but found \(found())") }
    let text = String(decoding: token, as: UTF8.self)
    switch text {
    case "true": return TOMLValue(.boolean(true), line: valueLine)
    case "false": return TOMLValue(.boolean(false), line: valueLine)
    default: break
    }
    guard let first = token.first,
      Byte.isDigit(first) || first == Byte.plus || first == Byte.minus || text == "inf" || text == "nan"
    else {
      throw fail("'\(text)' is not a valid value (strings need quotes)", line: valueLine)
    }
    if Self.isDateShape(token) || Self.isTimeShape(token) {
      return TOMLValue(.dateTime(try dateTime(token, text: text)), line: valueLine)
    }
    return try number(token, text: text, line: valueLine)
  }

  /// `DDDD-`: the start of a date.
  static func isDateShape(_ t: ArraySlice<UInt8>) -> Bool {
    let b = Array(t.prefix(5))
    return b.count == 5 && b[0...3].allSatisfy(Byte.isDigit) && b[4] == Byte.minus
  }

  /// `DD:`: the start of a time.
  static func isTimeShape(_ t: ArraySlice<UInt8>) -> Bool {
    let b = Array(t.prefix(3))
    return b.count == 3 && Byte.isDigit(b[0]) && Byte.isDigit(b[1]) && b[2] == Byte.colon
  }
}
