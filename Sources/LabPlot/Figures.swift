// Generators of the figure catalogue: input data → data tables + gnuplot script.
//
// Notation
//   file      the figure's data file, `NAME.dat`; blocks addressed by `index i`
//   panel     one plot of a multiplot (one per worker count, benchmark, parameter)
//   colour    Okabe–Ito by algorithm (FigureStyle.colors), viridis ramp for scores
//   hours     simulated seconds / 3600

import LabCore

/// Builds the catalogue's figures from their input data.
///
/// Every generator throws `.invalidInput` when there is nothing to draw, so that
/// `hpolab plot all` can skip a figure that does not apply with a reason.
public enum Figures {

  /// Terminal, output and shared settings, sized for `panels` panels unless scales are given.
  static func header(_ style: FigureStyle, output: String, panels: Int, widthScale: Double? = nil, heightScale: Double? = nil) -> String {
    let (rows, columns) = grid(panels)
    let ws = [1.0, 1.6, 1.8, 2.2][columns - 1]
    let hs = columns == 1 ? 1.0 : 0.85 + 0.6 * Double(rows - 1)
    return "# Written by hpolab (LabPlot); edit freely and rerun: gnuplot \(output.split(separator: ".").dropLast().joined(separator: ".")).gp\n"
      + style.terminal(output: output, widthScale: widthScale ?? ws, heightScale: heightScale ?? hs) + "\n"
      + style.commonSettings + "\n"
  }

  /// A single plot with a two-line title, or a multiplot with one titled panel per entry.
  static func multiplot(main: String, subtitle: String, panelTitles: [String?], plots: [GnuplotPlot]) -> String {
    if plots.count == 1 {
      let sub = [subtitle, panelTitles.first.flatMap { $0 } ?? ""].filter { !$0.isEmpty }.joined(separator: "; ")
      return "set title \(GnuplotText.title(main, sub))\n" + plots[0].text + "\n"
    }
    let (rows, columns) = grid(plots.count)
    var text = "set multiplot layout \(rows),\(columns) title \(GnuplotText.title(main, subtitle))\n"
    for (i, p) in plots.enumerated() {
      text += "set title \(GnuplotText.literal(panelTitles[i] ?? ""))\n"
      if i == 1 { text += "set key off\n" }
      text += p.text + "\n"
    }
    return text + "unset multiplot\n"
  }

  /// Rows and columns of a multiplot of `panels` panels: one row up to 3, then 2, 3 or 4 columns.
  static func grid(_ panels: Int) -> (rows: Int, columns: Int) {
    let n = max(1, panels)
    let columns = n <= 3 ? n : (n == 4 ? 2 : (n <= 6 ? 3 : 4))
    return ((n + columns - 1) / columns, columns)
  }

  /// Labels in order of first appearance, without repeats.
  static func uniqueLabels(_ labels: [String]) -> [String] {
    var seen = Set<String>()
    return labels.filter { seen.insert($0).inserted }
  }

  /// A colour range for scores: their span, widened when all are equal or absent.
  static func scoreRange(_ scores: [Double]) -> (Double, Double) {
    let finite = scores.filter(\.isFinite)
    guard let lo = finite.min(), let hi = finite.max() else { return (0, 1) }
    if hi - lo < 1e-9 { return (lo - 0.01, hi + 0.01) }
    return (lo, hi)
  }

  /// A parameter's axis label with its unit or scale.
  static func unitLabel(_ p: Parameter) -> String {
    switch p.kind {
    case .int: return "\(p.name) (integer)"
    case .float: return p.name
    case .log: return "\(p.name) (log scale)"
    }
  }
}
