/// The bytes the TOML grammar names.
enum Byte {
  static let tab: UInt8 = 0x09
  static let lf: UInt8 = 0x0A
  static let cr: UInt8 = 0x0D
  static let space: UInt8 = 0x20
  static let quote: UInt8 = 0x22
  static let hash: UInt8 = 0x23
  static let apostrophe: UInt8 = 0x27
  static let plus: UInt8 = 0x2B
  static let comma: UInt8 = 0x2C
  static let minus: UInt8 = 0x2D
  static let dot: UInt8 = 0x2E
  static let colon: UInt8 = 0x3A
  static let equals: UInt8 = 0x3D
  static let openBracket: UInt8 = 0x5B
  static let backslash: UInt8 = 0x5C
  static let closeBracket: UInt8 = 0x5D
  static let underscore: UInt8 = 0x5F
  static let openBrace: UInt8 = 0x7B
  static let closeBrace: UInt8 = 0x7D
  static let delete: UInt8 = 0x7F

  static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
  static func isHexDigit(_ c: UInt8) -> Bool { isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) }
  static func isLetter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
  /// `A-Za-z0-9_-`: the characters of a bare key.
  static func isBareKey(_ c: UInt8) -> Bool { isLetter(c) || isDigit(c) || c == underscore || c == minus }
  /// A control character that no TOML string or comment may hold as itself (all but tab; DEL included).
  static func isForbiddenControl(_ c: UInt8) -> Bool { (c < 0x20 && c != tab) || c == delete }
}

extension TOMLParser {
  // MARK: Encoding

  /// Rejects bytes that are not UTF-8 (overlong forms, surrogates and code points above U+10FFFF included).
  func validateEncoding() throws {
    var i = 0
    var line = 1
    while i < bytes.count {
      let b = bytes[i]
      if b < 0x80 {
        if b == Byte.lf { line += 1 }
        i += 1
        continue
      }
      let (count, low, high): (Int, UInt8, UInt8)
      switch b {
      case 0xC2...0xDF: (count, low, high) = (1, 0x80, 0xBF)
      case 0xE0: (count, low, high) = (2, 0xA0, 0xBF)
      case 0xE1...0xEC, 0xEE...0xEF: (count, low, high) = (2, 0x80, 0xBF)
      case 0xED: (count, low, high) = (2, 0x80, 0x9F)
      case 0xF0: (count, low, high) = (3, 0x90, 0xBF)
      case 0xF1...0xF3: (count, low, high) = (3, 0x80, 0xBF)
      case 0xF4: (count, low, high) = (3, 0x80, 0x8F)
      default: throw fail("the file is not valid UTF-8 (byte \(hex(b)))", line: line)
      }
      for k in 1...count {
        guard i + k < bytes.count else {
          throw fail("the file is not valid UTF-8 (a sequence cut short by the end of the file)", line: line)
        }
        let next = bytes[i + k]
        let (lo, hi) = k == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
        guard next >= lo && next <= hi else {
          throw fail("the file is not valid UTF-8 (byte \(hex(b)) followed by \(hex(next)))", line: line)
        }
      }
      i += count + 1
    }
  }

  private func hex(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return "0x" + String(digits[Int(b >> 4)]) + String(digits[Int(b & 0xF)])
  }

  // MARK: Bytes

  func peek(_ offset: Int = 0) -> UInt8? {
    index + offset < bytes.count ? bytes[index + offset] : nil
  }

  /// The character at the read position, for messages: `'b'`, `the end of the line`, `U+000C`, `'é' (U+00E9)`.
  func found() -> String {
    guard let c = peek() else { return "the end of the file" }
    if c == Byte.lf || (c == Byte.cr && peek(1) == Byte.lf) { return "the end of the line" }
    if c < 0x80 {
      if Byte.isForbiddenControl(c) || c == Byte.tab { return codePoint(UInt32(c)) }
      return "'" + String(UnicodeScalar(c)) + "'"
    }
    var end = index + 1
    while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
    let text = String(decoding: bytes[index..<end], as: UTF8.self)
    guard let scalar = text.unicodeScalars.first else { return "a non-ASCII byte" }
    return "'\(text)' (\(codePoint(scalar.value)))"
  }

  func codePoint(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }

  mutating func expect(_ byte: UInt8, _ context: String) throws {
    guard peek() == byte else {
      throw fail("expected '\(String(UnicodeScalar(byte)))' \(context) but found \(found())")
    }
    index += 1
  }

  // MARK: Whitespace, comments, newlines

  /// Skips spaces and tabs (TOML's only whitespace).
  mutating func skipWhitespace() {
    while let c = peek(), c == Byte.space || c == Byte.tab { index += 1 }
  }

  /// Consumes a `#` comment up to (not including) the end of the line; control characters other than tab are errors.
  mutating func skipComment() throws {
    guard peek() == Byte.hash else { return }
    index += 1
    while let c = peek(), c != Byte.lf {
      if c == Byte.cr && peek(1) == Byte.lf { return }
      if Byte.isForbiddenControl(c) { throw fail("control character \(codePoint(UInt32(c))) in a comment") }
      index += 1
    }
  }

  /// Consumes a newline (LF or CR LF) if one is next; a lone CR is an error.
  mutating func newline() throws -> Bool {
    if peek() == Byte.lf {
      index += 1
      line += 1
      return true
    }
    if peek() == Byte.cr {
      guard peek(1) == Byte.lf else { throw fail("a carriage return (U+000D) must be followed by a line feed") }
      index += 2
      line += 1
      return true
    }
    return false
  }

  /// Whitespace, an optional comment, then a newline or the end of the file.
  mutating func endOfLine(after what: String) throws {
    skipWhitespace()
    try skipComment()
    if peek() == nil { return }
    guard try newline() else { throw fail("unexpected \(found()) after \(what); expected the end of the line") }
  }

  /// Whitespace, comments and newlines, as allowed between the elements of an array.
  mutating func skipWhitespaceCommentsAndNewlines() throws {
    while true {
      skipWhitespace()
      try skipComment()
      guard try newline() else { return }
    }
  }

  // MARK: Keys

  /// `a.b."c d".'e'` → ["a", "b", "c d", "e"]; at most ``maximumDepth`` parts.
  mutating func key() throws -> [String] {
    var path: [String] = []
    while true {
      skipWhitespace()
      guard let c = peek() else { throw fail("expected a key but found the end of the file") }
      if c == Byte.quote || c == Byte.apostrophe {
        if peek(1) == c && peek(2) == c { throw fail("a multi-line string cannot be a key") }
        path.append(c == Byte.quote ? try basicString() : try literalString())
      } else {
        let start = index
        while let c = peek(), Byte.isBareKey(c) { index += 1 }
        guard index > start else { throw fail("expected a key but found \(found())") }
        path.append(String(decoding: bytes[start..<index], as: UTF8.self))
      }
      guard path.count <= Self.maximumDepth else { throw depthError() }
      skipWhitespace()
      guard peek() == Byte.dot else { return path }
      index += 1
    }
  }
}
