/// The four TOML string kinds (toml.io/en/v1.0.0#string).
///
/// - basic `"…"`: escapes `\b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX` (Unicode scalar values only);
/// - multi-line basic `"""…"""`: a newline right after the opening delimiter is
///   dropped, a `\` at the end of a line removes the newline and the whitespace
///   that follows, up to two quotes may stand before the closing delimiter;
/// - literal `'…'` and multi-line literal `'''…'''`: no escapes.
///
/// No string may hold a control character other than tab as itself (DEL
/// included); newlines inside multi-line strings are read as LF (a CR LF in the
/// file becomes LF).
extension TOMLParser {
  /// A `"…"` string; the read position is on the opening quote.
  mutating func basicString() throws -> String {
    index += 1
    var out: [UInt8] = []
    while true {
      guard let c = peek(), c != Byte.lf, c != Byte.cr || peek(1) != Byte.lf else {
        throw fail("unterminated string")
      }
      if c == Byte.quote {
        index += 1
        return String(decoding: out, as: UTF8.self)
      }
      if c == Byte.backslash {
        try escape(into: &out)
      } else {
        try plain(c, into: &out, in: "a string")
      }
    }
  }

  /// A `"""…"""` string; the read position is on the first of the three quotes.
  mutating func multilineBasicString() throws -> String {
    let openLine = line
    index += 3
    _ = try newline()
    var out: [UInt8] = []
    while true {
      guard let c = peek() else { throw fail("unterminated multi-line string (opened on line \(openLine))") }
      if c == Byte.quote {
        if try closesMultiline(Byte.quote, into: &out) { return String(decoding: out, as: UTF8.self) }
      } else if c == Byte.backslash {
        if let next = peek(1), next == Byte.space || next == Byte.tab || next == Byte.lf || next == Byte.cr {
          try lineEndingBackslash()
        } else {
          try escape(into: &out)
        }
      } else if try newline() {
        out.append(Byte.lf)
      } else {
        try plain(c, into: &out, in: "a multi-line string")
      }
    }
  }

  /// A `'…'` string; the read position is on the opening apostrophe.
  mutating func literalString() throws -> String {
    index += 1
    var out: [UInt8] = []
    while true {
      guard let c = peek(), c != Byte.lf, c != Byte.cr || peek(1) != Byte.lf else {
        throw fail("unterminated string")
      }
      if c == Byte.apostrophe {
        index += 1
        return String(decoding: out, as: UTF8.self)
      }
      try plain(c, into: &out, in: "a literal string")
    }
  }

  /// A `'''…'''` string; the read position is on the first of the three apostrophes.
  mutating func multilineLiteralString() throws -> String {
    let openLine = line
    index += 3
    _ = try newline()
    var out: [UInt8] = []
    while true {
      guard let c = peek() else { throw fail("unterminated multi-line string (opened on line \(openLine))") }
      if c == Byte.apostrophe {
        if try closesMultiline(Byte.apostrophe, into: &out) { return String(decoding: out, as: UTF8.self) }
      } else if try newline() {
        out.append(Byte.lf)
      } else {
        try plain(c, into: &out, in: "a multi-line literal string")
      }
    }
  }

  /// At a run of `delimiter`s: fewer than three belong to the string; three to five close it, the first
  /// one or two of them still belonging to the string.
  private mutating func closesMultiline(_ delimiter: UInt8, into out: inout [UInt8]) throws -> Bool {
    var run = 0
    while peek(run) == delimiter { run += 1 }
    index += run
    guard run >= 3 else {
      out.append(contentsOf: repeatElement(delimiter, count: run))
      return false
    }
    guard run <= 5 else {
      throw fail("\(run) quotes in a row in a multi-line string; escape one, or split the string")
    }
    out.append(contentsOf: repeatElement(delimiter, count: run - 3))
    return true
  }

  /// A character that stands for itself, or an error for a control character.
  private mutating func plain(_ c: UInt8, into out: inout [UInt8], in what: String) throws {
    if Byte.isForbiddenControl(c) {
      if c == Byte.cr { throw fail("a carriage return (U+000D) must be followed by a line feed") }
      throw fail("control character \(codePoint(UInt32(c))) in \(what); write it as an escape such as \\u\(codePoint(UInt32(c)).dropFirst(2))")
    }
    out.append(c)
    index += 1
  }

  /// `\` + whitespace up to the end of the line: drops it, the newline and all whitespace and newlines after it.
  private mutating func lineEndingBackslash() throws {
    index += 1
    skipWhitespace()
    guard try newline() else {
      throw fail("a '\\' followed by whitespace must end the line in a multi-line string (found \(found()))")
    }
    while true {
      skipWhitespace()
      guard try newline() else { return }
    }
  }

  /// An escape sequence; the read position is on the backslash.
  private mutating func escape(into out: inout [UInt8]) throws {
    index += 1
    guard let e = peek() else { throw fail("unterminated string") }
    index += 1
    switch e {
    case UInt8(ascii: "b"): out.append(0x08)
    case UInt8(ascii: "t"): out.append(Byte.tab)
    case UInt8(ascii: "n"): out.append(Byte.lf)
    case UInt8(ascii: "f"): out.append(0x0C)
    case UInt8(ascii: "r"): out.append(Byte.cr)
    case Byte.quote: out.append(Byte.quote)
    case Byte.backslash: out.append(Byte.backslash)
    case UInt8(ascii: "u"), UInt8(ascii: "U"):
      let width = e == UInt8(ascii: "u") ? 4 : 8
      var code: UInt32 = 0
      for k in 0..<width {
        guard let h = peek(k), Byte.isHexDigit(h) else {
          throw fail("'\\\(String(UnicodeScalar(e)))' must be followed by \(width) hexadecimal digits")
        }
        code = code &* 16 &+ UInt32(Self.hexValue(h))
      }
      guard let scalar = Unicode.Scalar(code) else {
        throw fail("'\\\(String(UnicodeScalar(e)))\(String(decoding: bytes[index..<(index + width)], as: UTF8.self))' is not a Unicode scalar value (surrogate or above U+10FFFF)")
      }
      index += width
      out.append(contentsOf: String(Character(scalar)).utf8)
    default:
      index -= 1
      if e > 0x20 && e < 0x7F { throw fail("invalid escape '\\\(String(UnicodeScalar(e)))' in a string") }
      throw fail("invalid escape: '\\' followed by \(found()) in a string")
    }
  }

  static func hexValue(_ h: UInt8) -> UInt8 {
    switch h {
    case 0x30...0x39: return h - 0x30
    case 0x41...0x46: return h - 0x41 + 10
    default: return h - 0x61 + 10
    }
  }
}
