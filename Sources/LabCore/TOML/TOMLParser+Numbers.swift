/// Integers and floats (toml.io/en/v1.0.0#integer, #float).
///
/// Grammar (`_` only between two digits):
/// - decimal integer: `[+-]? (0 | [1-9][0-9]*)` — no leading zeros;
/// - `0x` hexadecimal (either case of digit), `0o` octal, `0b` binary: lower-case prefix, no sign;
/// - float: a decimal integer, then `.digits`, an exponent `[eE][+-]?digits`, or both
///   (digits after `.` and in the exponent may start with 0); or `[+-]?(inf|nan)`.
///
/// Integers must fit in 64 bits (−2⁶³ … 2⁶³ − 1); a float that would overflow
/// to infinity is an error, not `inf`. Decimal floats are converted with
/// `Double(String)`, which rounds correctly.
extension TOMLParser {
  /// The number `token` (the text of one scalar) stands for.
  mutating func number(_ token: ArraySlice<UInt8>, text: String, line: Int) throws -> TOMLValue {
    let t = Array(token)
    var p = 0
    var negative = false
    if t[p] == Byte.plus || t[p] == Byte.minus {
      negative = t[p] == Byte.minus
      p += 1
    }
    let rest = String(decoding: t[p...], as: UTF8.self)
    if rest == "inf" { return TOMLValue(.float(negative ? -.infinity : .infinity), line: line) }
    if rest == "nan" { return TOMLValue(.float(negative ? -Double.nan : .nan), line: line) }

    if t.count >= p + 2, t[p] == UInt8(ascii: "0"),
      let radix = Self.radix(prefix: t[p + 1])
    {
      if p > 0 { throw fail("'\(text)': an integer with a 0x, 0o or 0b prefix cannot have a sign", line: line) }
      let isDigit: (UInt8) -> Bool
      switch radix {
      case 16: isDigit = Byte.isHexDigit
      case 8: isDigit = { (c: UInt8) -> Bool in c >= 0x30 && c <= 0x37 }
      default: isDigit = { (c: UInt8) -> Bool in c == 0x30 || c == 0x31 }
      }
      let end = try digits(t, from: p + 2, isDigit: isDigit, text: text, line: line)
      guard end == t.count else {
        throw fail("'\(text)' is not a valid \(radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary") integer", line: line)
      }
      return TOMLValue(.integer(try integer(t[(p + 2)...], radix: radix, negative: false, text: text, line: line)), line: line)
    }

    let intStart = p
    guard p < t.count, Byte.isDigit(t[p]) else { throw fail("'\(text)' is not a valid number", line: line) }
    if t[p] == UInt8(ascii: "0") {
      p += 1
      if p < t.count, Byte.isDigit(t[p]) || t[p] == Byte.underscore {
        throw fail("'\(text)': leading zeros are not allowed in a decimal number", line: line)
      }
    } else {
      p = try digits(t, from: p, isDigit: Byte.isDigit, text: text, line: line)
    }
    let intEnd = p
    var isFloat = false
    if p < t.count, t[p] == Byte.dot {
      isFloat = true
      guard p + 1 < t.count, Byte.isDigit(t[p + 1]) else {
        throw fail("'\(text)': a decimal point must have digits on both sides", line: line)
      }
      p = try digits(t, from: p + 1, isDigit: Byte.isDigit, text: text, line: line)
    }
    if p < t.count, t[p] == UInt8(ascii: "e") || t[p] == UInt8(ascii: "E") {
      isFloat = true
      p += 1
      if p < t.count, t[p] == Byte.plus || t[p] == Byte.minus { p += 1 }
      guard p < t.count, Byte.isDigit(t[p]) else { throw fail("'\(text)': the exponent has no digits", line: line) }
      p = try digits(t, from: p, isDigit: Byte.isDigit, text: text, line: line)
    }
    guard p == t.count else { throw fail("'\(text)' is not a valid number", line: line) }
    if !isFloat {
      return TOMLValue(.integer(try integer(t[intStart..<intEnd], radix: 10, negative: negative, text: text, line: line)), line: line)
    }
    let plain = String(decoding: t[intStart...].filter { $0 != Byte.underscore }, as: UTF8.self)
    guard let magnitude = Double(plain) else { throw fail("'\(text)' is not a valid number", line: line) }
    guard magnitude.isFinite else { throw fail("'\(text)' is too large for a 64-bit float", line: line) }
    return TOMLValue(.float(negative ? -magnitude : magnitude), line: line)
  }

  /// The base a `0x`, `0o` or `0b` prefix names (by its second letter).
  private static func radix(prefix letter: UInt8) -> Int? {
    switch letter {
    case UInt8(ascii: "x"): return 16
    case UInt8(ascii: "o"): return 8
    case UInt8(ascii: "b"): return 2
    default: return nil
    }
  }

  /// The end of a run of digits starting at `start` (which must be a digit), with single `_` between digits.
  private func digits(_ t: [UInt8], from start: Int, isDigit: (UInt8) -> Bool, text: String, line: Int) throws -> Int {
    guard start < t.count, isDigit(t[start]) else {
      if start < t.count, t[start] == Byte.underscore { throw fail("misplaced '_' in the number '\(text)'", line: line) }
      throw fail("'\(text)' is not a valid number", line: line)
    }
    var p = start + 1
    while p < t.count {
      if isDigit(t[p]) {
        p += 1
      } else if t[p] == Byte.underscore {
        guard p + 1 < t.count, isDigit(t[p + 1]) else { throw fail("misplaced '_' in the number '\(text)'", line: line) }
        p += 2
      } else {
        break
      }
    }
    return p
  }

  /// The value of `digits` (underscores skipped) in `radix`, or an error when it does not fit in 64 bits.
  private func integer(_ digits: ArraySlice<UInt8>, radix: Int, negative: Bool, text: String, line: Int) throws -> Int {
    var magnitude: UInt64 = 0
    for d in digits where d != Byte.underscore {
      let (shifted, o1) = magnitude.multipliedReportingOverflow(by: UInt64(radix))
      let (sum, o2) = shifted.addingReportingOverflow(UInt64(Self.hexValue(d)))
      guard !o1 && !o2 else { throw rangeError(text, line: line) }
      magnitude = sum
    }
    let limit = UInt64(Int64.max)
    if negative {
      guard magnitude <= limit + 1 else { throw rangeError(text, line: line) }
      return magnitude == limit + 1 ? Int(Int64.min) : -Int(magnitude)
    }
    guard magnitude <= limit else { throw rangeError(text, line: line) }
    return Int(magnitude)
  }

  private func rangeError(_ text: String, line: Int) -> LabError {
    fail("the integer '\(text)' is outside the 64-bit range -9223372036854775808…9223372036854775807", line: line)
  }
}
