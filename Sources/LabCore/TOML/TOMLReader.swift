/// Reads typed fields out of a ``TOMLTable`` and rejects the keys nobody asked for.
///
/// Every accessor marks its key as known; ``finish()`` then throws for the
/// first unknown key, so a misspelt option is an error rather than silently
/// ignored. Messages look like `studies/x.toml:12: unknown key 'budgets' in [study]`.
///
/// ```swift
/// var study = try TOMLReader(root, file: "x.toml").table("study")
/// let name = try study.requiredString("name")
/// try study.finish()
/// ```
public struct TOMLReader: Sendable {
  public let table: TOMLTable
  /// The dotted name shown in messages, e.g. `study` or `algorithm[2]`; empty for the root.
  public let path: String
  public let file: String?
  private var used = Set<String>()

  public init(_ table: TOMLTable, path: String = "", file: String? = nil) {
    self.table = table
    self.path = path
    self.file = file
  }

  /// `[study]`-style label of this table for messages.
  public var label: String { path.isEmpty ? "the top level" : "[\(path)]" }

  /// An error located at `line` of this reader's file.
  public func error(_ message: String, line: Int? = nil, code: LabError.Code = .invalidInput) -> LabError {
    LabError(code, message, location: LabError.Location(file: file, line: line ?? table.line))
  }

  /// Whether `key` is present (marks it as known).
  public mutating func has(_ key: String) -> Bool {
    used.insert(key)
    return table[key] != nil
  }

  /// The raw value of `key`, marking it known.
  public mutating func value(_ key: String) -> TOMLValue? {
    used.insert(key)
    return table[key]
  }

  private func wrongType(_ key: String, _ value: TOMLValue, expected: String) -> LabError {
    error("'\(key)' in \(label) must be \(expected), not \(article(value.typeName))", line: value.line)
  }

  private func article(_ type: String) -> String { (type.first.map { "aeiou".contains($0) } ?? false) ? "an \(type)" : "a \(type)" }

  public mutating func string(_ key: String) throws -> String? {
    guard let v = value(key) else { return nil }
    guard let s = v.string else { throw wrongType(key, v, expected: "a string") }
    return s
  }

  public mutating func requiredString(_ key: String) throws -> String {
    guard let s = try string(key) else { throw error("missing key '\(key)' in \(label)") }
    return s
  }

  public mutating func integer(_ key: String) throws -> Int? {
    guard let v = value(key) else { return nil }
    guard let i = v.integer else { throw wrongType(key, v, expected: "an integer") }
    return i
  }

  /// A float or an integer, as a Double.
  public mutating func number(_ key: String) throws -> Double? {
    guard let v = value(key) else { return nil }
    guard let d = v.number else { throw wrongType(key, v, expected: "a number") }
    return d
  }

  public mutating func requiredNumber(_ key: String) throws -> Double {
    guard let d = try number(key) else { throw error("missing key '\(key)' in \(label)") }
    return d
  }

  public mutating func boolean(_ key: String) throws -> Bool? {
    guard let v = value(key) else { return nil }
    guard let b = v.boolean else { throw wrongType(key, v, expected: "a boolean") }
    return b
  }

  /// An array of strings; a single string is accepted as a one-element array when `allowSingle`.
  public mutating func strings(_ key: String, allowSingle: Bool = false) throws -> [String]? {
    guard let v = value(key) else { return nil }
    if allowSingle, let s = v.string { return [s] }
    guard let a = v.array else { throw wrongType(key, v, expected: "an array of strings") }
    return try a.map { e in
      guard let s = e.string else { throw wrongType(key, e, expected: "an array of strings") }
      return s
    }
  }

  /// An array of integers; a single integer is accepted as a one-element array when `allowSingle`.
  public mutating func integers(_ key: String, allowSingle: Bool = false) throws -> [Int]? {
    guard let v = value(key) else { return nil }
    if allowSingle, let i = v.integer { return [i] }
    guard let a = v.array else { throw wrongType(key, v, expected: "an array of integers") }
    return try a.map { e in
      guard let i = e.integer else { throw wrongType(key, e, expected: "an array of integers") }
      return i
    }
  }

  /// The sub-table `key` as a reader (nil when absent).
  public mutating func table(_ key: String) throws -> TOMLReader? {
    guard let v = value(key) else { return nil }
    guard let t = v.table else { throw wrongType(key, v, expected: "a table") }
    return TOMLReader(t, path: path.isEmpty ? key : "\(path).\(key)", file: file)
  }

  /// The array of tables `key` (`[[key]]` or an array of inline tables), each as a reader.
  public mutating func tables(_ key: String) throws -> [TOMLReader]? {
    guard let v = value(key) else { return nil }
    guard let a = v.array else { throw wrongType(key, v, expected: "an array of tables") }
    return try a.enumerated().map { i, e in
      guard let t = e.table else { throw wrongType(key, e, expected: "an array of tables") }
      return TOMLReader(t, path: (path.isEmpty ? key : "\(path).\(key)") + "[\(i + 1)]", file: file)
    }
  }

  /// Marks `keys` as known and throws at once for the first other key (in written order).
  ///
  /// Call it first, so that a misspelt key is reported before what its absence causes.
  public mutating func expectOnly(_ keys: [String]) throws {
    for key in keys { used.insert(key) }
    try finish()
  }

  /// Throws for the first key (in written order) that no accessor asked for.
  public func finish() throws {
    for (key, v) in table.entries where !used.contains(key) {
      throw error("unknown key '\(key)' in \(label)", line: v.line)
    }
  }
}

/// Reads a whole TOML file.
extension TOMLParser {
  /// Parses the file at `path`; errors name `path`.
  /// - Throws: `.io` when the file cannot be read, `.parse` for bad TOML (invalid UTF-8 included).
  public static func parse(fileAtPath path: String) throws -> TOMLTable {
    guard let bytes = readFileBytes(path) else {
      throw LabError(.io, "cannot read the file", location: LabError.Location(file: path))
    }
    return try parse(bytes: bytes, file: path)
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a file, or nil when it cannot be opened or read (LabCore avoids Foundation).
func readFileBytes(_ path: String) -> [UInt8]? {
  guard let handle = fopen(path, "rb") else { return nil }
  defer { fclose(handle) }
  var data: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = fread(&buffer, 1, buffer.count, handle)
    if n > 0 { data.append(contentsOf: buffer[0..<n]) }
    if n < buffer.count { break }
  }
  return ferror(handle) == 0 ? data : nil
}
