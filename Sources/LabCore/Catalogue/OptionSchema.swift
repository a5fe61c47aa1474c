/// The options one catalogue entry accepts, in a fixed order: validation of string options and their docs.
///
/// A schema is the single source for an entry's option keys: the list in
/// "unknown option" errors, the `--help` text, the docs' option tables
/// (``markdownTable()``) and the study-file checks all come from it.
///
/// ```swift
/// let schema = OptionSchema(owner: "lhs", [OptionSpec("count", "design size", .integer(min: 1), defaultNote: "the budget")])
/// let values = try schema.validate(["count": "20"])   // values.integer("count") == 20
/// ```
public struct OptionSchema: Sendable, Hashable {
  /// The entry's name, which starts every error message (`soo: unknown option 'arity'; …`).
  public var owner: String
  /// The options, in the order the docs and messages list them.
  public var options: [OptionSpec]

  public init(owner: String, _ options: [OptionSpec]) {
    self.owner = owner
    self.options = options
  }

  /// The option keys in order.
  public var names: [String] { options.map(\.name) }

  /// The option called `name`, if the schema has one.
  public func option(_ name: String) -> OptionSpec? { options.first { $0.name == name } }

  /// Typed values for `given`, checked against the schema (absent keys stay absent: the entry applies its default).
  ///
  /// Keys are checked in sorted order, so the first error is deterministic.
  /// - Throws: ``LabError`` `.invalidInput` with field `options.KEY`: for an unknown key (listing the valid
  ///   keys, or `none`), a value that does not parse as the kind, or one outside the allowed range or values
  ///   (naming them). An empty dictionary is not an error.
  public func validate(_ given: [String: String]) throws -> OptionValues {
    var values: [String: OptionValue] = [:]
    for key in given.keys.sorted() {
      guard let spec = option(key) else {
        throw LabError(
          .invalidInput, "\(owner): unknown option '\(key)'; valid: \(names.isEmpty ? "none" : names.joined(separator: ", "))",
          location: .init(field: "options.\(key)"))
      }
      values[key] = try parse(given[key] ?? "", as: spec)
    }
    return OptionValues(values)
  }

  /// `text` parsed as `spec` says.
  /// - Throws: ``LabError`` `.invalidInput` naming the owner, the key, what is allowed and what was given.
  public func parse(_ text: String, as spec: OptionSpec) throws -> OptionValue {
    func fail(_ what: String) -> LabError {
      LabError(.invalidInput, "\(owner): \(what), got '\(text)'", location: .init(field: "options.\(spec.name)"))
    }
    func integer(_ lo: Int?, _ hi: Int?) throws -> OptionValue {
      guard let n = Int(text) else { throw fail("option '\(spec.name)' must be an integer") }
      if let lo, n < lo { throw fail("option '\(spec.name)' must be an integer\(OptionSpec.rangeText(lo, hi))") }
      if let hi, n > hi { throw fail("option '\(spec.name)' must be an integer\(OptionSpec.rangeText(lo, hi))") }
      return .integer(n)
    }
    switch spec.kind {
    case .integer(let lo, let hi):
      return try integer(lo, hi)
    case .real(let bounds):
      guard let x = Double(text), x.isFinite else { throw fail("option '\(spec.name)' must be a finite number") }
      guard bounds.contains(x) else { throw fail("option '\(spec.name)' must be a number in \(bounds)") }
      return .real(x)
    case .choice(let allowed):
      guard allowed.contains(text) else {
        throw LabError(
          .invalidInput, "\(owner): unknown \(spec.name) '\(text)'; valid: \(allowed.joined(separator: ", "))",
          location: .init(field: "options.\(spec.name)"))
      }
      return .keyword(text)
    case .boolean:
      switch text {
      case "true": return .boolean(true)
      case "false": return .boolean(false)
      default: throw fail("option '\(spec.name)' must be true or false")
      }
    case .keywordOrInteger(let words, let lo, let hi):
      if words.contains(text) { return .keyword(text) }
      guard let n = Int(text), lo.map({ n >= $0 }) ?? true, hi.map({ n <= $0 }) ?? true else {
        throw fail("\(spec.name) must be \(spec.kind.allowed)")
      }
      return .integer(n)
    }
  }

  /// A markdown table of the options: key, type and allowed values, default, summary.
  ///
  /// One row per option in order; `none` when the schema is empty. The docs embed it and a test checks them.
  public func markdownTable() -> String {
    guard !options.isEmpty else { return "No options.\n" }
    var lines = ["| option | allowed values | default | meaning |", "|---|---|---|---|"]
    for o in options {
      lines.append("| `\(o.name)` | \(o.kind.allowed) | \(o.defaultText) | \(o.summary) |")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// One line per option for `--help`: `KEY (allowed; default D): summary`.
  public var helpLines: [String] {
    options.map { o in
      "\(o.name) (\(o.kind.allowed); default \(o.defaultNote ?? o.defaultValue ?? "none")): \(o.summary)"
    }
  }
}
