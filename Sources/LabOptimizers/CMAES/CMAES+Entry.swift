import LabCore

extension ProposerEntry {
  /// `cmaes`: CMA-ES (Hansen 2016) on the unit cube, with optional IPOP restarts.
  public static let cmaes = ProposerEntry(
    name: "cmaes", summary: "CMA-ES (Hansen 2016), optional IPOP restarts (Auger and Hansen 2005)",
    options: [
      OptionSpec(
        "population", "λ, the generation size; `workers`: λ = max(W, 4 + ⌊3 ln d⌋)", .keywordOrInteger(["auto", "workers"], min: 2, max: 65_536),
        default: "auto", defaultNote: "`auto`: 4 + ⌊3 ln d⌋"),
      OptionSpec("sigma0", "initial step size, a fraction of the unit cube", .real(.openClosed(0, 1)), defaultNote: "1/6"),
      OptionSpec(
        "bounds", "`resample` (up to 100 redraws, then clip, as `cmaes`) or `mirror`",
        .choice(CMAES.BoundHandling.allCases.map(\.rawValue)), default: "resample"),
      OptionSpec("restarts", "`ipop`: restart with λ doubled when converged", .choice(CMAES.RestartRule.allCases.map(\.rawValue)), default: "none"),
    ],
    notes: """
      A generation is updated when λ of its members have succeeded, in the order they are told; \
      proposals are never withheld, so with W > λ (or async) members beyond λ are drawn and the \
      first λ successes decide (Optuna's CmaEsSampler rule). Details: docs/baselines.md.
      """
  ) { context in
    let given = context.options
    var o = CMAES.Options()
    switch given["population"] {
    case .integer(let n)?: o.population = n
    case .keyword("workers")?: o.population = max(context.workers, CMAES.defaultPopulation(dimension: context.space.dimension))
    default: break
    }
    if let s = given.real("sigma0") { o.sigma0 = s }
    if let b = given.choice("bounds", as: CMAES.BoundHandling.self) { o.bounds = b }
    if let r = given.choice("restarts", as: CMAES.RestartRule.self) { o.restarts = r }
    return try CMAES(space: context.space, options: o)
  }
}
