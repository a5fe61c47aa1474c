import LabCore
import LabPlot
import LabPresentation
import Testing

@Suite struct FigureCatalogueTests {
  /// Each ``FigureKind`` is drawn by exactly one entry, in the kind's order (the order `plot all` writes them).
  @Test func everyFigureKindHasExactlyOneEntryInOrder() {
    #expect(FigureCatalogue.standard.map(\.kind) == FigureKind.allCases)
    #expect(FigureCatalogue.names == ["convergence", "convergence-time", "scaling", "timeline", "variables", "scores", "ranks", "parity"])
  }

  /// What `plot all` tries for each source, as the plot command did before the catalogue.
  @Test func sourcesMatchWhatPlotAllTried() {
    func kinds(_ source: FigureSourceKind) -> [String] {
      FigureCatalogue.standard.filter { $0.sources.contains(source) }.map(\.kind.rawValue)
    }
    #expect(kinds(.study) == FigureCatalogue.names)
    #expect(kinds(.run) == ["convergence", "convergence-time", "timeline", "variables", "scores"])
    #expect(kinds(.recorded) == ["scores", "parity"])
  }

  @Test func helpLinesNameEveryFigureWithItsSources() {
    let lines = FigureCatalogue.helpLines
    #expect(lines.count == FigureKind.allCases.count)
    #expect(lines.contains("parity: the surrogate of a campaign against its recordings (study, recorded)"))
  }
}
