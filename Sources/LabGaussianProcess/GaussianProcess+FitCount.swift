import Synchronization

/// The number of hyperparameter fits performed in this process, for benchmarks (`make bench` reports GP fits per study).
///
/// A relaxed atomic counter: it costs one uncontended atomic add per fit and
/// never influences results.
private let fitCounter = Atomic<Int>(0)

extension GaussianProcess {
  /// Hyperparameter fits (``fit(x:y:options:warmStart:using:)`` calls) since the process started.
  public static var fitCount: Int { fitCounter.load(ordering: .relaxed) }

  /// Counts one fit.
  static func countFit() { fitCounter.add(1, ordering: .relaxed) }
}
