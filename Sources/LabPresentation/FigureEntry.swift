import LabCore
import LabPlot

/// What a figure is drawn from: a stored study, a stored run, or the recorded traces.
public enum FigureSourceKind: String, Sendable, Hashable, CaseIterable {
  case study, run, recorded
}

/// One figure of the catalogue: its name, what it shows, the sources `plot all` tries it for, and how it is drawn.
///
/// Adding a figure is its data and renderer in a folder of `Sources/LabPlot/Figures/`, its
/// ``FigureKind`` case, one file declaring its entry here (a `static let` on `FigureEntry`) and
/// one line in ``FigureCatalogue/standard``; `hpolab plot`'s help, `plot all` and the valid-name
/// list come from the entries, and a test checks that every kind has exactly one entry.
public struct FigureEntry: Sendable {
  /// The figure's name (`hpolab plot NAME`).
  public let kind: FigureKind
  /// What it shows, in a few words, for the help text.
  public let summary: String
  /// The sources `plot all` tries it for, in the order the help names them.
  public let sources: [FigureSourceKind]
  let draw: @Sendable (FigurePlotter) throws -> [Figure]

  /// - Parameter draw: the figures for the plotter's source; throws `.invalidInput`, `.notFound` or `.unsupported`,
  ///   saying why, when the figure does not apply (`plot all` then skips it with that reason).
  init(kind: FigureKind, summary: String, sources: [FigureSourceKind], draw: @escaping @Sendable (FigurePlotter) throws -> [Figure]) {
    self.kind = kind
    self.summary = summary
    self.sources = sources
    self.draw = draw
  }
}

/// The figures `hpolab plot` draws, in the order `plot all` writes them.
public enum FigureCatalogue {
  /// Every figure: **add a new one here, with one line**.
  public static let standard: [FigureEntry] = [
    .convergence,
    .convergenceTime,
    .scaling,
    .timeline,
    .variables,
    .scores,
    .ranks,
    .parity,
  ]

  /// The entry of `kind`, if any.
  public static func entry(_ kind: FigureKind) -> FigureEntry? { standard.first { $0.kind == kind } }

  /// The figure names, in order.
  public static var names: [String] { standard.map(\.kind.rawValue) }

  /// One line per figure for `hpolab plot --help`: `name: summary (sources)`.
  public static var helpLines: [String] {
    standard.map { "\($0.kind.rawValue): \($0.summary) (\($0.sources.map(\.rawValue).joined(separator: ", ")))" }
  }
}
