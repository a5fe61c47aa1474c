// Generators of the figure catalogue: input data → data tables + gnuplot script.
//
// Notation
//   file      the figure's data file, `NAME.dat`; blocks addressed by `index i`
//   panel     one plot of a multiplot (one per worker count, benchmark, parameter)
//   colour    Okabe–Ito by algorithm (FigureStyle.colors), viridis ramp for scores
//   hours     simulated seconds / 3600

import LabCore

extension Figures {

  /// Predicted against recorded values with prediction intervals, on equal axes with the identity line.
  /// - Throws: `.invalidInput` when there is no point.
  public static func parity(_ data: ParityData, style: FigureStyle, name: String = FigureKind.parity.rawValue) throws -> Figure {
    guard !data.points.isEmpty else { throw LabError(.invalidInput, "figure '\(name)': no prediction to compare") }
    let file = name + ".dat"
    var table = DataTable(
      fileName: file, comments: ["\(name): surrogate prediction against recorded \(data.metric), with its interval"],
      columns: ["recorded", "predicted", "lower", "upper"])
    let groups = uniqueLabels(data.points.map(\.group))
    let colours = FigureStyle.colors(for: groups)
    var plot = GnuplotPlot()
    for (k, g) in groups.enumerated() {
      table.beginBlock(g)
      for p in data.points where p.group == g { table.row([p.recorded, p.predicted, p.lower, p.upper]) }
      let pt = FigureStyle.pointTypes[k % FigureStyle.pointTypes.count]
      plot.add("\(DataFormat.quoted(file)) index \(table.blocks - 1) using 1:2:3:4 with yerrorbars pt \(pt) ps 0.8 lw 1 lc rgb '\(colours[k])' title \(GnuplotText.literal(g))")
    }
    plot.add("x with lines lc rgb '#555555' dt 2 lw 1.2 title 'prediction = recorded'")
    let values = data.points.flatMap { [$0.recorded, $0.predicted] }.filter(\.isFinite)
    let lo = ((values.min() ?? 0) * 20).rounded(.down) / 20
    let hi = ((values.max() ?? 1) * 20).rounded(.up) / 20
    var script = header(style, output: name + "." + style.format.fileExtension, panels: 1, widthScale: 1.0, heightScale: 1.1)
    script += "set size ratio -1\n"
    script += "set xrange [\(DataFormat.fixed(lo, decimals: 2)):\(DataFormat.fixed(hi, decimals: 2))]\n"
    script += "set yrange [\(DataFormat.fixed(lo, decimals: 2)):\(DataFormat.fixed(hi, decimals: 2))]\n"
    let metric = RunLabel.metric(data.metric)
    script += "set xlabel \(GnuplotText.literal("recorded " + metric))\nset ylabel \(GnuplotText.literal("predicted " + metric))\n"
    script += "set key outside right top\n"
    let cover = DataFormat.fixed(100 * data.coverage, decimals: 1)
    let subtitle = [data.subtitle, "\(data.points.count) trials; \(cover) % of recorded values inside their interval"]
      .filter { !$0.isEmpty }.joined(separator: "; ")
    script += "set title \(GnuplotText.title("Surrogate against recordings: predicted vs recorded \(metric)", subtitle, width: 90))\n"
    script += plot.text + "\n"
    return Figure(name: name, tables: [table], script: script, format: style.format)
  }
}
