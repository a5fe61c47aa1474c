import LabCore

extension ProposerEntry {
  /// `lhs`: a Latin hypercube design of `count` points (McKay et al. 1979), proposed in order.
  public static let lhs = ProposerEntry(
    name: "lhs", summary: "Latin hypercube design (McKay et al. 1979)",
    options: [
      OptionSpec("count", "points in the design; the proposer stops after them", .integer(min: 1), defaultNote: "the budget, or 50")
    ]
  ) { context in
    try LatinHypercubeSearch(space: context.space, count: context.options.integer("count") ?? context.budget ?? 50)
  }
}
