/// The options of one entry after ``OptionSchema/validate(_:)``: typed values by key, absent keys absent.
public struct OptionValues: Sendable, Hashable {
  /// The validated values by key.
  public var values: [String: OptionValue]

  public init(_ values: [String: OptionValue] = [:]) { self.values = values }

  /// The value of `key`, if given.
  public subscript(_ key: String) -> OptionValue? { values[key] }

  /// The integer given for `key` (an `.integer` option, or a keyword-or-integer option given as a number).
  public func integer(_ key: String) -> Int? {
    if case .integer(let n)? = values[key] { return n }
    return nil
  }

  /// The number given for `key` (a `.real` option; an integer widens).
  public func real(_ key: String) -> Double? {
    switch values[key] {
    case .real(let x)?: return x
    case .integer(let n)?: return Double(n)
    default: return nil
    }
  }

  /// The keyword given for `key` (a `.choice` option, or a keyword-or-integer option given as a keyword).
  public func keyword(_ key: String) -> String? {
    if case .keyword(let s)? = values[key] { return s }
    return nil
  }

  /// The keyword given for `key` as a case of `E` (for `.choice` options whose values are `E`'s raw values).
  public func choice<E: RawRepresentable>(_ key: String, as _: E.Type = E.self) -> E? where E.RawValue == String {
    keyword(key).flatMap(E.init(rawValue:))
  }

  /// The boolean given for `key`.
  public func boolean(_ key: String) -> Bool? {
    if case .boolean(let b)? = values[key] { return b }
    return nil
  }
}
