/// A parsed JSON value that keeps object keys in their order and numbers as their exact text.
///
/// hpolab reads the recorded traces with this small parser rather than
/// `JSONSerialization`, which on Linux turns long decimals into
/// `NSDecimalNumber` and loses the last bit when converted to `Double`.
/// Numbers are converted with `Double(String)`, which is correctly rounded,
/// so every recorded value is read bit for bit; `1` and `1.0` stay
/// distinguishable, and the order of keys survives a round trip.
public indirect enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  /// The number's text exactly as written.
  case number(String)
  case string(String)
  case array([JSONValue])
  /// Key–value pairs in document order.
  case object([(key: String, value: JSONValue)])

  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.number(let x), .number(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.array(let x), .array(let y)): return x == y
    case (.object(let x), .object(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    default: return false
    }
  }

  public func hash(into hasher: inout Hasher) {
    switch self {
    case .null: hasher.combine(0)
    case .bool(let b): hasher.combine(b)
    case .number(let n): hasher.combine(n)
    case .string(let s): hasher.combine(s)
    case .array(let a): hasher.combine(a)
    case .object(let o):
      for (k, v) in o {
        hasher.combine(k)
        hasher.combine(v)
      }
    }
  }

  /// The member named `key` of an object.
  public subscript(key: String) -> JSONValue? {
    if case .object(let members) = self { return members.first { $0.key == key }?.value }
    return nil
  }

  /// The value as a `Double` when it is a number.
  public var double: Double? {
    if case .number(let text) = self { return Double(text) }
    return nil
  }

  /// Whether the number was written without a fraction or exponent.
  public var isIntegerLiteral: Bool {
    if case .number(let text) = self { return !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) }
    return false
  }

  public var string: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// Parses one JSON document (RFC 8259) from UTF-8 bytes.
  /// - Throws: ``JSONValue/SyntaxError`` with the byte offset of the problem.
  public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
    try parse(bytes, allowNonFinite: false)
  }

  /// Parses one JSON document, optionally accepting Python's `NaN`, `Infinity` and `-Infinity` as numbers
  /// (kept as their text, so that a caller can reject them with a precise location).
  public static func parse(_ bytes: [UInt8], allowNonFinite: Bool) throws -> JSONValue {
    var parser = Parser(bytes: bytes, allowNonFinite: allowNonFinite)
    parser.skipSpace()
    let value = try parser.value(depth: 0)
    parser.skipSpace()
    guard parser.index == bytes.count else { throw SyntaxError(offset: parser.index, message: "trailing characters") }
    return value
  }

  /// Where and why a JSON text does not parse.
  public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public var description: String { "\(message) at byte \(offset)" }
  }

  /// The value written as compact JSON with a space after `:` and `,` (Python's `json.dumps` default).
  public var pythonStyle: String {
    switch self {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .number(let n): return n
    case .string(let s): return JSONValue.quote(s)
    case .array(let a): return "[" + a.map(\.pythonStyle).joined(separator: ", ") + "]"
    case .object(let o): return "{" + o.map { JSONValue.quote($0.key) + ": " + $0.value.pythonStyle }.joined(separator: ", ") + "}"
    }
  }

  /// A JSON string literal for `s`, escaping like Python's `json.dumps` (non-ASCII as \uXXXX).
  public static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value > 0x7E {
          if scalar.value > 0xFFFF {
            let v = scalar.value - 0x10000
            out += hex4(0xD800 + (v >> 10)) + hex4(0xDC00 + (v & 0x3FF))
          } else {
            out += hex4(scalar.value)
          }
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  private static func hex4(_ v: UInt32) -> String {
    let digits = String(v, radix: 16)
    return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
  }

  private struct Parser {
    let bytes: [UInt8]
    var allowNonFinite = false
    var index = 0

    init(bytes: [UInt8], allowNonFinite: Bool) {
      self.bytes = bytes
      self.allowNonFinite = allowNonFinite
    }

    mutating func skipSpace() {
      while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
        index += 1
      }
    }

    func error(_ message: String) -> SyntaxError { SyntaxError(offset: index, message: message) }

    mutating func value(depth: Int) throws -> JSONValue {
      guard depth < 512 else { throw error("nesting too deep") }
      guard index < bytes.count else { throw error("unexpected end of input") }
      switch bytes[index] {
      case UInt8(ascii: "{"):
        index += 1
        var members: [(key: String, value: JSONValue)] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
          index += 1
          return .object(members)
        }
        while true {
          skipSpace()
          guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key") }
          let key = try string()
          skipSpace()
          guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
          index += 1
          skipSpace()
          members.append((key, try value(depth: depth + 1)))
          skipSpace()
          guard index < bytes.count else { throw error("unexpected end of input") }
          if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
          if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
          throw error("expected ',' or '}'")
        }
      case UInt8(ascii: "["):
        index += 1
        var items: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
          index += 1
          return .array(items)
        }
        while true {
          skipSpace()
          items.append(try value(depth: depth + 1))
          skipSpace()
          guard index < bytes.count else { throw error("unexpected end of input") }
          if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
          if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
          throw error("expected ',' or ']'")
        }
      case UInt8(ascii: "\""):
        return .string(try string())
      case UInt8(ascii: "t"): return try literal("true", .bool(true))
      case UInt8(ascii: "f"): return try literal("false", .bool(false))
      case UInt8(ascii: "n"): return try literal("null", .null)
      case UInt8(ascii: "N") where allowNonFinite: return try literal("NaN", .number("NaN"))
      case UInt8(ascii: "I") where allowNonFinite: return try literal("Infinity", .number("Infinity"))
      case UInt8(ascii: "-") where allowNonFinite && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "I"):
        return try literal("-Infinity", .number("-Infinity"))
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        return try number()
      default:
        throw error("unexpected character")
      }
    }

    mutating func literal(_ word: String, _ value: JSONValue) throws -> JSONValue {
      let w = Array(word.utf8)
      guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else {
        throw error("unexpected character")
      }
      index += w.count
      return value
    }

    mutating func number() throws -> JSONValue {
      let start = index
      func digits() -> Int {
        let s = index
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
        return index - s
      }
      if bytes[index] == UInt8(ascii: "-") { index += 1 }
      guard index < bytes.count else { throw error("malformed number") }
      if bytes[index] == UInt8(ascii: "0") { index += 1 } else if digits() == 0 { throw error("malformed number") }
      if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
        index += 1
        guard digits() > 0 else { throw error("malformed number") }
      }
      if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
        index += 1
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard digits() > 0 else { throw error("malformed number") }
      }
      return .number(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    mutating func string() throws -> String {
      index += 1  // opening quote
      var scalars = String.UnicodeScalarView()
      var runStart = index
      func flush(_ end: Int) throws {
        guard let s = String(validating: bytes[runStart..<end], as: UTF8.self) else {
          throw SyntaxError(offset: runStart, message: "invalid UTF-8 in a string")
        }
        scalars.append(contentsOf: s.unicodeScalars)
      }
      while index < bytes.count {
        let b = bytes[index]
        if b == UInt8(ascii: "\"") {
          try flush(index)
          index += 1
          return String(scalars)
        }
        if b < 0x20 { throw error("control character in a string") }
        if b == UInt8(ascii: "\\") {
          try flush(index)
          index += 1
          guard index < bytes.count else { break }
          let e = bytes[index]
          index += 1
          switch e {
          case UInt8(ascii: "\""): scalars.append("\"")
          case UInt8(ascii: "\\"): scalars.append("\\")
          case UInt8(ascii: "/"): scalars.append("/")
          case UInt8(ascii: "b"): scalars.append("\u{08}")
          case UInt8(ascii: "f"): scalars.append("\u{0C}")
          case UInt8(ascii: "n"): scalars.append("\n")
          case UInt8(ascii: "r"): scalars.append("\r")
          case UInt8(ascii: "t"): scalars.append("\t")
          case UInt8(ascii: "u"):
            var code = try hex()
            if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
              bytes[index + 1] == UInt8(ascii: "u")
            {
              index += 2
              let low = try hex()
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
            scalars.append(scalar)
          default: throw error("invalid escape")
          }
          runStart = index
          continue
        }
        index += 1
      }
      throw error("unterminated string")
    }

    mutating func hex() throws -> UInt32 {
      guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
      var v: UInt32 = 0
      for _ in 0..<4 {
        let b = bytes[index]
        let d: UInt32
        switch b {
        case 0x30...0x39: d = UInt32(b - 0x30)
        case 0x61...0x66: d = UInt32(b - 0x61 + 10)
        case 0x41...0x46: d = UInt32(b - 0x41 + 10)
        default: throw error("invalid \\u escape")
        }
        v = v * 16 + d
        index += 1
      }
      return v
    }
  }
}
