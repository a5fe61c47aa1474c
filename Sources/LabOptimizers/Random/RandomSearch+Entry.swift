import LabCore

extension ProposerEntry {
  /// `random`: independent uniform draws (Bergstra and Bengio 2012); no options.
  public static let random = ProposerEntry(
    name: "random", summary: "random search (Bergstra and Bengio 2012)", options: []
  ) { context in RandomSearch(space: context.space) }
}
