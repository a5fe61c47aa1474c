/// The prior on hyperparameters added to the log marginal likelihood when fitting.
public enum GPPrior: String, Sendable, Hashable, Codable {
  /// No prior: maximum likelihood (type-II).
  case none
  /// Optuna's default: −(0.1/λ + 0.1λ) per dimension, Gamma(2, 1) on s, Gamma(1.1, 30) on σ_n².
  case optuna
  /// Hvarfner, Hellsten and Nardi (2024), "Vanilla Bayesian optimization performs great in high dimensions", ICML:
  /// ℓ ~ LogNormal(√2 + ½ log d, 3) with ℓ ≥ 0.025, σ_n² ~ LogNormal(−4, 1) with σ_n² ≥ 1e-4, s fixed to 1.
  case hvarfner
}
