// Generators of the figure catalogue: input data → data tables + gnuplot script.
//
// Notation
//   file      the figure's data file, `NAME.dat`; blocks addressed by `index i`
//   panel     one plot of a multiplot (one per worker count, benchmark, parameter)
//   colour    Okabe–Ito by algorithm (FigureStyle.colors), viridis ramp for scores
//   hours     simulated seconds / 3600

import LabCore

extension Figures {

  /// Average ranks as points with ±CD/2 intervals: two algorithms differ significantly when their intervals do not overlap.
  /// - Throws: never beyond what ``RanksData``'s initialiser checks.
  public static func ranks(_ data: RanksData, style: FigureStyle, name: String = FigureKind.ranks.rawValue) throws -> Figure {
    let file = name + ".dat"
    var table = DataTable(
      fileName: file,
      comments: [
        "\(name): Friedman average ranks (1 = best) over \(data.problems) problems; Nemenyi critical difference CD = \(DataFormat.fixed(data.criticalDifference, decimals: 4)) at alpha = \(DataFormat.fixed(data.alpha, decimals: 2))"
      ],
      columns: ["position", "rank", "low", "high", "algorithm"])
    let order = data.ranks.indices.sorted { (data.ranks[$0], $0) < (data.ranks[$1], $1) }
    let half = data.criticalDifference / 2
    let colours = FigureStyle.colors(for: data.algorithms)
    table.beginBlock("algorithms by rank")
    for (pos, i) in order.enumerated() {
      table.row([
        String(pos), DataFormat.fixed(data.ranks[i], decimals: 4), DataFormat.fixed(data.ranks[i] - half, decimals: 4),
        DataFormat.fixed(data.ranks[i] + half, decimals: 4), DataFormat.quoted(data.algorithms[i]),
      ])
    }
    let k = data.algorithms.count
    var script = header(style, output: name + "." + style.format.fileExtension, panels: 1,
                        heightScale: min(1.2, max(0.55, 0.35 + 0.08 * Double(k))))
    let lo = min(1, (order.first.map { data.ranks[$0] } ?? 1) - half)
    let hi = max(Double(k), (order.last.map { data.ranks[$0] } ?? Double(k)) + half)
    script += "set xrange [\(DataFormat.fixed(lo - 0.2, decimals: 2)):\(DataFormat.fixed(hi + 0.2, decimals: 2))]\n"
    script += "set yrange [\(DataFormat.fixed(Double(k) - 0.4, decimals: 1)):-1.2]\n"
    script += "set xlabel 'average rank (1 = best)'\nunset ylabel\n"
    let tics = order.enumerated().map { pos, i in "\(GnuplotText.literal(data.algorithms[i])) \(pos)" }.joined(separator: ", ")
    script += "set ytics (\(tics)) scale 0\nset grid xtics noytics\nset key off\n"
    script += "set xtics 1\n"
    // The CD scale bar above the first algorithm.
    let x0 = lo
    script += "set arrow 1 from \(DataFormat.fixed(x0, decimals: 4)),-0.85 to \(DataFormat.fixed(x0 + data.criticalDifference, decimals: 4)),-0.85 heads size screen 0.006,90 lw 2 lc rgb '#000000'\n"
    script += "set label 1 \(GnuplotText.literal("CD = " + DataFormat.fixed(data.criticalDifference, decimals: 2))) at \(DataFormat.fixed(x0 + data.criticalDifference / 2, decimals: 4)),-0.85 center offset 0,0.9\n"
    let main = "Friedman average ranks with the Nemenyi critical difference"
    let subtitle = ([data.subtitle, "\(data.problems) problems, α = \(DataFormat.fixed(data.alpha, decimals: 2)); bars span ±CD/2: no overlap ⇒ significant difference"])
      .filter { !$0.isEmpty }.joined(separator: "; ")
    script += "set title \(GnuplotText.title(main, subtitle))\n"
    var plot = GnuplotPlot()
    for (pos, i) in order.enumerated() {
      plot.add(
        "\(pos == 0 ? DataFormat.quoted(file) : "''") index 0 every ::\(pos)::\(pos) using 2:1:3:4 with xerrorbars pt 7 ps 1.4 lw 2 lc rgb '\(colours[i])'")
    }
    script += plot.text + "\n"
    return Figure(name: name, tables: [table], script: script, format: style.format)
  }
}
