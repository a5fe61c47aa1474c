// Notation
//   seed        64-bit unsigned integer that fully defines a stream
//   stream(k…)  the generator derived from a tuple of keys by SplitMix64 mixing
//   uniform()   a double in [0, 1) with 53 random bits
//   normal()    a standard normal draw (Box–Muller, both halves used)

/// SplitMix64: the 64-bit mixing generator of Steele, Lea and Flood (2014), used to seed and derive streams.
///
/// Fast and statistically good enough for seeding; ``SeededGenerator`` is the
/// generator used for actual draws.
/// - Complexity: O(1) per draw.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
  public var state: UInt64
  public init(seed: UInt64) { state = seed }
  @inlinable
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return SplitMix64.mix(state)
  }
  /// The SplitMix64 finaliser: a bijective avalanche of 64 bits.
  @inlinable
  public static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// The seedable generator every random choice in hpolab uses: xoshiro256** (Blackman and Vigna, 2018).
///
/// Same seed, same numbers, on every machine and every Swift version: the
/// helpers ``uniform()``, ``uniform(in:)``, ``normal()`` and ``index(below:)``
/// are defined here bit for bit, rather than relying on the standard library's
/// `random(in:using:)`, whose algorithm is not promised to stay the same.
///
/// Independent streams are derived from a tuple of keys with
/// ``stream(_:)``: the rule used throughout is
/// `stream(studyKey, runSeed, trialID, purpose)` — see ``StreamPurpose``.
///
/// - Complexity: O(1) per draw; 32 bytes of state.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
  @usableFromInline internal var s0, s1, s2, s3: UInt64

  /// A generator whose state is filled from `seed` by SplitMix64 (the seeding Vigna recommends).
  public init(seed: UInt64) {
    var sm = SplitMix64(seed: seed)
    s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
    if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
  }

  /// The generator for a tuple of keys, e.g. `(study, run seed, trial id, purpose)`.
  ///
  /// Keys are folded in order with the SplitMix64 finaliser, so `(1, 2)` and
  /// `(2, 1)` give unrelated streams, and so do tuples of different lengths.
  public static func stream(_ keys: UInt64...) -> SeededGenerator {
    SeededGenerator(seed: deriveSeed(keys))
  }

  /// The seed that ``stream(_:)`` uses for `keys`.
  public static func deriveSeed(_ keys: [UInt64]) -> UInt64 {
    var h: UInt64 = 0x6A09_E667_F3BC_C908 ^ UInt64(truncatingIfNeeded: keys.count)
    for key in keys {
      h = SplitMix64.mix(h &+ 0x9E37_79B9_7F4A_7C15 &+ key)
    }
    return h
  }

  @inlinable
  public mutating func next() -> UInt64 {
    let result = rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 45)
    return result
  }

  @inlinable @inline(__always)
  internal func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

  /// A double in [0, 1) from the top 53 bits of one draw.
  @inlinable
  public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// A double in [lower, upper).
  @inlinable
  public mutating func uniform(in range: ClosedRange<Double>) -> Double {
    range.lowerBound + (range.upperBound - range.lowerBound) * uniform()
  }

  /// An integer in 0 ..< bound by Lemire's nearly-divisionless method (unbiased).
  @inlinable
  public mutating func index(below bound: Int) -> Int {
    precondition(bound > 0, "index(below:) needs a positive bound")
    let b = UInt64(bound)
    var m = next().multipliedFullWidth(by: b)
    if m.low < b {
      let t = (0 &- b) % b
      while m.low < t { m = next().multipliedFullWidth(by: b) }
    }
    return Int(m.high)
  }

  /// A standard normal draw by the Box–Muller transform (one draw per call; the pair's second half is discarded for simplicity of state).
  @inlinable
  public mutating func normal() -> Double {
    var u1 = uniform()
    while u1 <= 0 { u1 = uniform() }
    let u2 = uniform()
    return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
  }

  /// Shuffles `array` in place (Fisher–Yates, drawing with ``index(below:)``).
  public mutating func shuffle<T>(_ array: inout [T]) {
    guard array.count > 1 else { return }
    for i in stride(from: array.count - 1, to: 0, by: -1) {
      let j = index(below: i + 1)
      array.swapAt(i, j)
    }
  }
}

/// What a derived random stream is used for; the last key of ``SeededGenerator/stream(_:)``.
public enum StreamPurpose: UInt64, Sendable {
  /// The proposer's own choices within a run.
  case proposer = 1
  /// Per-trial evaluation noise, keyed also by the trial id.
  case evaluation = 2
  /// Anything the simulator itself draws (e.g. duration jitter).
  case simulator = 3
  /// Statistics (bootstrap resamples).
  case statistics = 4
}

/// A stable 64-bit FNV-1a hash of a string, used to turn names (a study, an algorithm) into stream keys.
public func stableHash(_ text: String) -> UInt64 {
  var h: UInt64 = 0xCBF2_9CE4_8422_2325
  for byte in text.utf8 {
    h ^= UInt64(byte)
    h &*= 0x0000_0100_0000_01B3
  }
  return h
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@usableFromInline internal func _log(_ x: Double) -> Double { log(x) }
@usableFromInline internal func _cos(_ x: Double) -> Double { cos(x) }
