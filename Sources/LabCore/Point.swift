/// A candidate in the search space, held both in the unit cube and in the optimiser's base scale.
///
/// Both coordinate sets are kept because partition-based optimisers (SOO,
/// BaMSOO) compute their centres in the base scale, and the recordings can
/// only be reproduced bit for bit if those base values are kept exactly;
/// model-based optimisers think in the unit cube. Build points with
/// ``SearchSpace/point(unit:)`` or ``SearchSpace/point(base:)``.
public struct Point: Sendable, Hashable, Codable, CustomStringConvertible {
  /// Coordinates in [0, 1]^d.
  public let unit: [Double]
  /// Coordinates in the optimiser's base scale (bounds of each ``Parameter``).
  public let base: [Double]

  internal init(unit: [Double], base: [Double]) {
    self.unit = unit
    self.base = base
  }

  public var dimension: Int { unit.count }

  public var description: String { "[" + base.map { "\($0)" }.joined(separator: ", ") + "]" }
}

/// The values a trial is actually run with, after conversion (the traces' `converted_values`).
public struct Configuration: Sendable, Hashable, Codable, CustomStringConvertible {
  public var values: [Double]
  public init(values: [Double]) { self.values = values }

  /// Encoded as a plain array of the converted values.
  public init(from decoder: any Decoder) throws {
    values = try decoder.singleValueContainer().decode([Double].self)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(values)
  }
  public var description: String { "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }

  /// The values as name = value pairs for `space`, integers without a decimal point.
  public func describe(in space: SearchSpace) -> String {
    zip(space.parameters, values).map { p, v in
      "\(p.name)=" + (p.kind == .int ? String(Int(v)) : "\(v)")
    }.joined(separator: " ")
  }
}
