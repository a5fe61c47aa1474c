/// One option a catalogue entry accepts: its key, what it does, its type with the values allowed, and its default.
///
/// Options arrive as strings (`--option KEY=VALUE`, a study file's
/// `options = { … }`); ``OptionSchema/validate(_:)`` turns them into typed
/// ``OptionValue``s and refuses, in one line naming the key, what the kind
/// does not allow.
///
/// ```swift
/// OptionSpec("k", "children per split (arity)", .integer(min: 2), default: "3")
/// ```
public struct OptionSpec: Sendable, Hashable {
  /// The type of an option and the values it allows.
  public enum Kind: Sendable, Hashable {
    /// An integer in `min...max` (either end may be open-ended: `nil`).
    case integer(min: Int? = nil, max: Int? = nil)
    /// A finite real number within `bounds`.
    case real(RealBounds = .init())
    /// One of `values`, spelled exactly.
    case choice([String])
    /// `true` or `false`.
    case boolean
    /// One of `keywords`, or an integer in `min...max` (SOO's `depth-limit`: `unlimited`, `sqrt` or c ≥ 0).
    case keywordOrInteger([String], min: Int? = nil, max: Int? = nil)

    /// The allowed values in words, for tables and messages: `integer ≥ 2`, `one of kb, lp`.
    public var allowed: String {
      switch self {
      case .integer(let lo, let hi): return "integer" + OptionSpec.rangeText(lo, hi)
      case .real(let b): return b.isUnbounded ? "number" : "number in \(b)"
      case .choice(let values): return "one of " + values.joined(separator: ", ")
      case .boolean: return "true or false"
      case .keywordOrInteger(let words, let lo, let hi):
        return words.joined(separator: ", ") + " or an integer" + OptionSpec.rangeText(lo, hi)
      }
    }
  }

  /// The bounds of a real option; each end may be open, closed or absent.
  public struct RealBounds: Sendable, Hashable, CustomStringConvertible {
    public var lower: Double?
    public var upper: Double?
    /// Whether `lower` itself is allowed.
    public var lowerClosed: Bool
    /// Whether `upper` itself is allowed.
    public var upperClosed: Bool
    public init(lower: Double? = nil, upper: Double? = nil, lowerClosed: Bool = true, upperClosed: Bool = true) {
      self.lower = lower
      self.upper = upper
      self.lowerClosed = lowerClosed
      self.upperClosed = upperClosed
    }
    /// `(0, 1]`-style bounds: open at `lower`, closed at `upper`.
    public static func openClosed(_ lower: Double, _ upper: Double) -> RealBounds {
      RealBounds(lower: lower, upper: upper, lowerClosed: false, upperClosed: true)
    }
    /// Whether there is no bound at either end.
    public var isUnbounded: Bool { lower == nil && upper == nil }
    /// Whether `x` lies within the bounds.
    public func contains(_ x: Double) -> Bool {
      if let lower, lowerClosed ? x < lower : x <= lower { return false }
      if let upper, upperClosed ? x > upper : x >= upper { return false }
      return true
    }
    /// Interval notation: `(0, 1]`, `[1, ∞)`.
    public var description: String {
      let lo = lower.map { OptionSpec.number($0) } ?? "−∞"
      let hi = upper.map { OptionSpec.number($0) } ?? "∞"
      return (lower != nil && lowerClosed ? "[" : "(") + lo + ", " + hi + (upper != nil && upperClosed ? "]" : ")")
    }
  }

  /// The key, as written on the command line and in study files (`depth-limit`).
  public var name: String
  /// A short phrase saying what the option does (one table cell).
  public var summary: String
  /// The type and the allowed values.
  public var kind: Kind
  /// The default as the user would write it (`"3"`, `"kb"`), or `nil` when it depends on the run.
  public var defaultValue: String?
  /// The default in words when it depends on the run (`the budget, or 50`); overrides ``defaultValue`` in docs.
  public var defaultNote: String?
  /// Longer documentation: what each value means, the paper, interactions with other options.
  public var details: String?

  public init(
    _ name: String, _ summary: String, _ kind: Kind, default defaultValue: String? = nil, defaultNote: String? = nil,
    details: String? = nil
  ) {
    self.name = name
    self.summary = summary
    self.kind = kind
    self.defaultValue = defaultValue
    self.defaultNote = defaultNote
    self.details = details
  }

  /// The default for docs and help: the note when there is one, else the value, else `none`.
  public var defaultText: String { defaultNote ?? defaultValue.map { "`\($0)`" } ?? "none" }

  static func rangeText(_ lo: Int?, _ hi: Int?) -> String {
    switch (lo, hi) {
    case (nil, nil): return ""
    case (let lo?, nil): return " ≥ \(lo)"
    case (nil, let hi?): return " ≤ \(hi)"
    case (let lo?, let hi?): return " in \(lo)...\(hi)"
    }
  }

  static func number(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
  }
}

/// A validated option value, typed by its ``OptionSpec/Kind``.
public enum OptionValue: Sendable, Hashable {
  case integer(Int)
  case real(Double)
  /// A ``OptionSpec/Kind/choice(_:)`` value or a ``OptionSpec/Kind/keywordOrInteger(_:min:max:)`` keyword.
  case keyword(String)
  case boolean(Bool)
}
