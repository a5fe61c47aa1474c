// Notation
//   n        the number of observations (completed + failed trials) the proposer has been told so far
//   c(n)     simulated seconds one proposal costs: 0 | c | a + b·n | a + b·n³
//   a, b     the model's coefficients (seconds; b in seconds per observation or per observation³)

import LabCore

/// What one proposal costs in *simulated* time: the optimiser's own compute, modelled, not measured.
///
/// The optimiser is one process: its proposals are computed one after the
/// other, and a trial starts when its proposal is ready. A model fitted to
/// BO's cost is typically cubic in the number of observations (the Cholesky
/// factorisation of the GP's kernel matrix is O(n³)); the recorded campaign B
/// runs show 2–6 s between the end of one trial and the opening of the next.
///
/// ``measured`` reads the host clock around each `propose` call: a run that
/// uses it is no longer a pure function of its seed, and its ``RunRecord``
/// says so in its notes.
public enum Overhead: Sendable, Hashable, Codable, CustomStringConvertible {
  /// Proposals are free.
  case none
  /// Every proposal costs the same number of seconds.
  case constant(seconds: Double)
  /// `a + b·n` seconds after n observations.
  case linear(a: Double, b: Double)
  /// `a + b·n³` seconds after n observations (e.g. a GP's Cholesky factorisation).
  case cubic(a: Double, b: Double)
  /// The host's wall-clock time of each `propose` call (not reproducible).
  case measured

  /// The note a ``RunRecord`` carries when the overhead was measured.
  public static let measuredNote = "overhead measured from the host clock: this run is not reproducible"

  /// Parses `none`, `constant:SECONDS`, `linear:A,B`, `cubic:A,B` or `measured`.
  /// - Throws: `.invalidInput` naming the text and the valid forms, for anything else,
  ///   including negative or non-finite coefficients.
  public init(parsing text: String) throws {
    let valid = "valid: none, constant:SECONDS, linear:A,B, cubic:A,B, measured"
    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
    func numbers(_ count: Int) throws -> [Double] {
      let fields = parts.count == 2 ? parts[1].split(separator: ",", omittingEmptySubsequences: false) : []
      let values = fields.compactMap { Double(String($0.filter { $0 != " " })) }
      guard fields.count == count, values.count == count, values.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
        throw LabError(
          .invalidInput,
          "overhead '\(text)' needs \(count) finite non-negative number\(count == 1 ? "" : "s") after ':'; \(valid)")
      }
      return values
    }
    switch parts.first ?? "" {
    case "none" where parts.count == 1: self = .none
    case "measured" where parts.count == 1: self = .measured
    case "constant": self = .constant(seconds: try numbers(1)[0])
    case "linear":
      let v = try numbers(2)
      self = .linear(a: v[0], b: v[1])
    case "cubic":
      let v = try numbers(2)
      self = .cubic(a: v[0], b: v[1])
    default: throw LabError(.invalidInput, "unknown overhead '\(text)'; \(valid)")
    }
  }

  /// The modelled cost of a proposal after `observations` observations (0 for ``measured``, which is read later).
  @inlinable
  public func seconds(afterObservations observations: Int) -> Double {
    let n = Double(observations)
    switch self {
    case .none, .measured: return 0
    case .constant(let c): return c
    case .linear(let a, let b): return a + b * n
    case .cubic(let a, let b): return a + b * n * n * n
    }
  }

  public var description: String {
    switch self {
    case .none: return "none"
    case .constant(let c): return "constant:\(c)"
    case .linear(let a, let b): return "linear:\(a),\(b)"
    case .cubic(let a, let b): return "cubic:\(a),\(b)"
    case .measured: return "measured"
    }
  }
}
