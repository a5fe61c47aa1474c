import LabCore

extension Overhead {
  /// Checks every number of the model against ``Limits/overheadSeconds`` (so no proposal costs more than 10⁶ s per term).
  /// - Parameter text: the model as written, for the message.
  /// - Throws: `.invalidInput` naming the model and the range.
  public func checkLimits(text: String) throws {
    let numbers: [Double]
    switch self {
    case .none, .measured: numbers = []
    case .constant(let s): numbers = [s]
    case .linear(let a, let b), .cubic(let a, let b): numbers = [a, b]
    }
    for x in numbers {
      try Limits.check(x, in: Limits.overheadSeconds, name: "each number of overhead '\(text)'", unit: "seconds")
    }
  }
}
