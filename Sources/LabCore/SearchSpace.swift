// Notation
//   u ∈ [0, 1]^d      a point in the unit cube (what GP-based optimisers see)
//   x ∈ [lo, hi]^d    the optimiser's base scale (what the traces call base_value)
//   c                 the converted value actually trained with (converted_values)
//   x = lo + u·(hi − lo);  c = int(x) (truncation) | x | 10^x

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How a parameter's base value becomes the value a trial is run with.
public enum ParameterKind: String, Sendable, Hashable, Codable, CaseIterable {
  /// An integer, searched as a real number and converted by truncation (`int(x)`), or rounding when asked.
  case int
  /// A real number used as is.
  case float
  /// A real exponent `x`, used as `10^x`.
  case log
}

/// How integer parameters are converted; the recordings truncate.
public enum IntegerConversion: String, Sendable, Hashable, Codable {
  /// `int(x)` in Python: towards zero. What the recorded runs did.
  case truncate
  /// Nearest integer, halves away from zero.
  case round
}

/// One tunable hyperparameter: a name, a kind and bounds in the base scale.
public struct Parameter: Sendable, Hashable, Codable {
  public var name: String
  public var kind: ParameterKind
  /// Lower bound in the base scale (an exponent for `.log`).
  public var lower: Double
  /// Upper bound in the base scale.
  public var upper: Double

  public init(_ name: String, _ kind: ParameterKind, lower: Double, upper: Double) {
    self.name = name
    self.kind = kind
    self.lower = lower
    self.upper = upper
  }

  /// The base value at unit coordinate `u`.
  @inlinable
  public func base(fromUnit u: Double) -> Double { lower + u * (upper - lower) }

  /// The unit coordinate of base value `x`.
  @inlinable
  public func unit(fromBase x: Double) -> Double { (x - lower) / (upper - lower) }

  /// The value trained with, for base value `x`.
  ///
  /// Integers are truncated like Python's `int()` (or rounded when asked);
  /// logs are `10^x` computed with the C library's `pow`, as CPython does,
  /// so the recorded `converted_values` are reproduced bit for bit.
  @inlinable
  public func convert(_ x: Double, integers: IntegerConversion = .truncate) -> Double {
    switch kind {
    case .int: return integers == .truncate ? x.rounded(.towardZero) : x.rounded(.toNearestOrAwayFromZero)
    case .float: return x
    case .log: return pow(10.0, x)
    }
  }
}

/// An ordered set of parameters: the box an optimiser searches.
///
/// Converts between the unit cube, the optimiser's base scale and the
/// configuration actually trained with. The presets that reproduce the recorded
/// campaigns are in LabData (`SearchSpace.llama32_3B`, `SearchSpace.llama32_1B`).
public struct SearchSpace: Sendable, Hashable, Codable {
  public private(set) var parameters: [Parameter]
  public var integerConversion: IntegerConversion

  /// A validated space.
  /// - Throws: ``LabError`` with code `.invalidSearchSpace` when there are no
  ///   parameters, a name repeats, a bound is not finite, or a width is not positive.
  public init(_ parameters: [Parameter], integerConversion: IntegerConversion = .truncate) throws {
    guard !parameters.isEmpty else {
      throw LabError(.invalidSearchSpace, "a search space needs at least one parameter")
    }
    var seen = Set<String>()
    for p in parameters {
      guard !p.name.isEmpty else { throw LabError(.invalidSearchSpace, "a parameter has an empty name") }
      guard seen.insert(p.name).inserted else {
        throw LabError(.invalidSearchSpace, "parameter '\(p.name)' is declared twice")
      }
      guard p.lower.isFinite, p.upper.isFinite else {
        throw LabError(.invalidSearchSpace, "parameter '\(p.name)' has a non-finite bound [\(p.lower), \(p.upper)]")
      }
      guard p.upper > p.lower else {
        throw LabError(
          .invalidSearchSpace,
          "parameter '\(p.name)' has zero or negative width: lower \(p.lower) must be below upper \(p.upper)")
      }
    }
    self.parameters = parameters
    self.integerConversion = integerConversion
  }

  /// The number of parameters, d.
  @inlinable public var dimension: Int { parameters.count }
  /// Parameter names in order.
  public var names: [String] { parameters.map(\.name) }

  /// The point at unit coordinates `unit` (each in [0, 1]).
  public func point(unit: [Double]) -> Point {
    precondition(unit.count == dimension, "point(unit:) expects \(dimension) coordinates, got \(unit.count)")
    var base = [Double](repeating: 0, count: dimension)
    for i in 0..<dimension { base[i] = parameters[i].base(fromUnit: unit[i]) }
    return Point(unit: unit, base: base)
  }

  /// The point at base-scale values `base` (exactly these values are kept).
  public func point(base: [Double]) -> Point {
    precondition(base.count == dimension, "point(base:) expects \(dimension) values, got \(base.count)")
    var unit = [Double](repeating: 0, count: dimension)
    for i in 0..<dimension { unit[i] = parameters[i].unit(fromBase: base[i]) }
    return Point(unit: unit, base: base)
  }

  /// The configuration trained with at `point`.
  public func configuration(for point: Point) -> Configuration {
    var values = [Double](repeating: 0, count: dimension)
    for i in 0..<dimension { values[i] = parameters[i].convert(point.base[i], integers: integerConversion) }
    return Configuration(values: values)
  }

  /// Whether every unit coordinate of `point` lies in [0, 1] (up to `tolerance`).
  public func contains(_ point: Point, tolerance: Double = 1e-12) -> Bool {
    point.unit.count == dimension && point.unit.allSatisfy { $0 >= -tolerance && $0 <= 1 + tolerance }
  }

  /// The index of the parameter called `name`.
  public func index(of name: String) -> Int? { parameters.firstIndex { $0.name == name } }
}
