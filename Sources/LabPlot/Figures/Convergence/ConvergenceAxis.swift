// Plain input data of the figure catalogue, independent of how it was computed.
//
// Notation
//   x         evaluations (1, 2, …) or simulated hours, depending on the figure
//   median, q1, q3   the 50 %, 25 % and 75 % quantiles over seeds at each x
//   score     the optimised metric of a trial (e.g. hellaswag.acc, in [0, 1])
//   W         the number of parallel workers

import LabCore

/// The unit of a convergence figure's horizontal axis.
public enum ConvergenceAxis: String, Sendable, Hashable {
  /// Number of evaluated trials.
  case evaluations
  /// Simulated wall-clock hours since the run started.
  case hours
}
