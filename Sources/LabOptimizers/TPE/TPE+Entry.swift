import LabCore

extension ProposerEntry {
  /// `tpe`: the tree-structured Parzen estimator (Bergstra et al. 2011) with Optuna 5.0's defaults.
  public static let tpe = ProposerEntry(
    name: "tpe", summary: "tree-structured Parzen estimator (Bergstra et al. 2011), Optuna 5.0's defaults",
    options: [
      OptionSpec("startup", "uniform proposals before the first model-based one", .integer(min: 0, max: 1_000_000), default: "10"),
      OptionSpec("candidates", "points drawn from l per proposal (EI candidates)", .integer(min: 1, max: 65_536), default: "24"),
      OptionSpec("multivariate", "one joint density (true) or one per coordinate", .boolean, default: "true"),
      OptionSpec("constant-liar", "pending points join the bad group", .boolean, default: "true"),
      OptionSpec("prior-weight", "weight of the prior kernel", .real(.init(lower: 0, lowerClosed: false)), default: "1"),
    ],
    notes: """
      The good group is the best min(⌈0.1·n⌉, 25) of the n successful results; bandwidths are \
      Optuna's (neighbour gaps, clipped to [1/min(100, m + 2), 1] of the unit range); failed \
      trials are ignored, as Optuna ignores FAIL trials. Details: docs/baselines.md.
      """
  ) { context in
    let given = context.options
    var o = TPE.Options()
    if let n = given.integer("startup") { o.startup = n }
    if let n = given.integer("candidates") { o.candidates = n }
    if let b = given.boolean("multivariate") { o.multivariate = b }
    if let b = given.boolean("constant-liar") { o.constantLiar = b }
    if let w = given.real("prior-weight") { o.priorWeight = w }
    return try TPE(space: context.space, options: o)
  }
}
