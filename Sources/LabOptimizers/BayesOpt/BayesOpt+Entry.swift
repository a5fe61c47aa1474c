import LabCore

extension ProposerEntry {
  /// `bo`: GP-based Bayesian optimisation with LogEI (Jones et al. 1998; Ament et al. 2023).
  public static let bo = ProposerEntry(
    name: "bo", summary: "Bayesian optimisation, GP + LogEI (Jones et al. 1998; Ament et al. 2023)",
    options: [
      OptionSpec("initial", "LHS points before the first model-based proposal", .integer(min: 0), default: "10"),
      OptionSpec(
        "pending", "how pending points enter the model", .choice(["cl-min", "cl-mean", "cl-max", "kb", "lp"]), default: "kb",
        details: "constant liar with the min, mean or max observed value (Ginsbourger et al. 2010), kriging believer, local penalisation (González et al. 2016)"),
      OptionSpec("kernel", "the GP kernel", .choice(KernelKind.allCases.map(\.rawValue)), default: "matern52"),
      OptionSpec("raw-samples", "uniform points scored before the local searches", .integer(min: 1), default: "256"),
      OptionSpec("restarts", "local searches of the acquisition function", .integer(min: 1), default: "5"),
    ]
  ) { context in
    let given = context.options
    var o = BayesOptOptions()
    if let n = given.integer("initial") { o.initialPoints = n }
    if let p = given.keyword("pending") { o.pending = try PendingStrategy(named: p) }
    if let kind = given.choice("kernel", as: KernelKind.self) { o.gp.kernel = kind }
    if let n = given.integer("raw-samples") { o.acquisition.rawSamples = n }
    if let n = given.integer("restarts") { o.acquisition.restarts = n }
    return try BayesOptProposer(space: context.space, options: o)
  }
}
