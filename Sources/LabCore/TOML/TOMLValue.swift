/// A TOML value together with the line it was written on, so that errors can point at it.
///
/// Every TOML 1.0 value: strings (all four kinds decode to ``Kind/string(_:)``),
/// 64-bit integers (decimal, `0x`, `0o`, `0b`), floats (including `inf`/`nan`),
/// booleans, the four date/time forms (``TOMLDateTime``), arrays and tables
/// (inline tables, `[headers]`, dotted keys and arrays of tables all become
/// ``Kind/table(_:)``).
public struct TOMLValue: Sendable, Hashable {
  /// What the value holds.
  public indirect enum Kind: Sendable, Hashable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    /// An offset date-time, local date-time, local date or local time.
    case dateTime(TOMLDateTime)
    case array([TOMLValue])
    case table(TOMLTable)
  }

  public var kind: Kind
  /// 1-based line of the value (for a table: of its header or opening brace).
  public var line: Int

  public init(_ kind: Kind, line: Int) {
    self.kind = kind
    self.line = line
  }

  /// The TOML type name used in error messages: `string`, `integer`, `float`, `boolean`, `array`, `table`,
  /// or the date/time form (`offset date-time`, `local date-time`, `local date`, `local time`).
  public var typeName: String {
    switch kind {
    case .string: return "string"
    case .integer: return "integer"
    case .float: return "float"
    case .boolean: return "boolean"
    case .dateTime(let d): return d.form.rawValue
    case .array: return "array"
    case .table: return "table"
    }
  }

  public var string: String? { if case .string(let s) = kind { return s } else { return nil } }
  public var integer: Int? { if case .integer(let i) = kind { return i } else { return nil } }
  /// A float, or an integer read as a float.
  public var number: Double? {
    switch kind {
    case .float(let d): return d
    case .integer(let i): return Double(i)
    default: return nil
    }
  }
  public var boolean: Bool? { if case .boolean(let b) = kind { return b } else { return nil } }
  public var dateTime: TOMLDateTime? { if case .dateTime(let d) = kind { return d } else { return nil } }
  public var array: [TOMLValue]? { if case .array(let a) = kind { return a } else { return nil } }
  public var table: TOMLTable? { if case .table(let t) = kind { return t } else { return nil } }
}

/// A TOML table: keys in the order they were written, each with its value.
public struct TOMLTable: Sendable, Hashable {
  public private(set) var keys: [String] = []
  public private(set) var values: [String: TOMLValue] = [:]
  /// The line of the table's header (`[name]`), of its opening brace, or 1 for the root.
  public var line: Int
  /// Whether the table was written as `{ … }` (closed to later additions) or defined by a header.
  internal var isInline = false
  internal var isExplicit = false

  public init(line: Int) { self.line = line }

  public subscript(key: String) -> TOMLValue? { values[key] }

  /// Sets `key`, keeping the first-insertion order.
  internal mutating func set(_ key: String, _ value: TOMLValue) {
    if values[key] == nil { keys.append(key) }
    values[key] = value
  }

  /// The entries in written order.
  public var entries: [(key: String, value: TOMLValue)] {
    keys.compactMap { k in values[k].map { (k, $0) } }
  }
}
