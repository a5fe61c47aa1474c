// Generators of the figure catalogue: input data → data tables + gnuplot script.
//
// Notation
//   file      the figure's data file, `NAME.dat`; blocks addressed by `index i`
//   panel     one plot of a multiplot (one per worker count, benchmark, parameter)
//   colour    Okabe–Ito by algorithm (FigureStyle.colors), viridis ramp for scores
//   hours     simulated seconds / 3600

import LabCore

extension Figures {

  /// One panel per hyperparameter (value trained with against trial index, coloured by score) and one for the score.
  /// - Throws: `.invalidInput` when there is no evaluated trial.
  public static func variables(_ data: VariablesData, style: FigureStyle, name: String = FigureKind.variables.rawValue) throws -> Figure {
    guard !data.rows.isEmpty else { throw LabError(.invalidInput, "figure '\(name)': the run has no evaluated trial") }
    let file = name + ".dat"
    var table = DataTable(
      fileName: file,
      comments: ["\(name): configuration values trained with, trial by trial; score = \(data.metric) (NaN: failed)"],
      columns: ["trial"] + data.parameters.map(\.name) + ["score"])
    let completed = data.rows.filter { $0.score != nil }
    let failed = data.rows.filter { $0.score == nil }
    func write(_ rows: [VariablesData.Row]) {
      for r in rows {
        table.row([String(r.index)] + r.values.map { DataFormat.fixed($0, decimals: 10) } + [DataFormat.fixed(r.score)])
      }
    }
    var completedIndex: Int? = nil
    var failedIndex: Int? = nil
    if !completed.isEmpty { table.beginBlock("completed"); write(completed); completedIndex = table.blocks - 1 }
    if !failed.isEmpty { table.beginBlock("failed"); write(failed); failedIndex = table.blocks - 1 }
    let d = data.parameters.count
    let panels = d + 1
    let columns = panels <= 4 ? 2 : 3
    let rows = (panels + columns - 1) / columns
    var script = header(style, output: name + "." + style.format.fileExtension, panels: panels,
                        widthScale: columns == 3 ? 1.5 : 1.2, heightScale: rows == 1 ? 0.7 : 0.55 * Double(rows))
    script += FigureStyle.scorePalette + (data.direction == .minimize ? "\nset palette negative" : "") + "\n"
    let (lo, hi) = scoreRange(completed.compactMap(\.score))
    script += "set cbrange [\(DataFormat.fixed(lo, decimals: 4)):\(DataFormat.fixed(hi, decimals: 4))]\n"
    script += "unset colorbox\nset key off\nset xlabel 'trial'\n"
    script += "set xrange [0:\(data.rows.map(\.index).max().map { $0 + 1 } ?? 1)]\n"
    let main = "Hyperparameters trained with, trial after trial (colour: \(RunLabel.metric(data.metric)), as in the last panel)"
    script += "set multiplot layout \(rows),\(columns) title \(GnuplotText.title(main, data.subtitle + (failed.isEmpty ? "" : "; grey crosses: failed trials")))\n"
    for (j, p) in data.parameters.enumerated() {
      let column = j + 2
      script += "set title \(GnuplotText.literal(p.name))\n"
      let lower = p.kind == .log ? p.convert(p.lower) : p.lower
      let upper = p.kind == .log ? p.convert(p.upper) : p.upper
      if p.kind == .log {
        script += "set logscale y 10\nset format y '10^{%L}'\n"
        script += "set yrange [\(DataFormat.fixed(lower, decimals: 12)):\(DataFormat.fixed(upper, decimals: 12))]\n"
      } else {
        let pad = (upper - lower) * 0.04
        script += "unset logscale y\nset format y '%g'\n"
        script += "set yrange [\(DataFormat.fixed(lower - pad, decimals: 6)):\(DataFormat.fixed(upper + pad, decimals: 6))]\n"
      }
      script += "set ylabel \(GnuplotText.literal(unitLabel(p)))\n"
      var plot = GnuplotPlot()
      if let c = completedIndex { plot.add("\(DataFormat.quoted(file)) index \(c) using 1:\(column):\(d + 2) with points pt 7 ps 0.9 lc palette") }
      if let f = failedIndex { plot.add("\(DataFormat.quoted(file)) index \(f) using 1:\(column) with points pt 2 ps 0.8 lc rgb '#777777'") }
      script += plot.text + "\n"
    }
    script += "set title \(GnuplotText.literal(RunLabel.metric(data.metric)))\nunset logscale y\nset format y '%g'\n"
    script += "set yrange [*:*]\nset ylabel 'score'\n"
    var scorePlot = GnuplotPlot()
    if let c = completedIndex {
      scorePlot.add("\(DataFormat.quoted(file)) index \(c) using 1:\(d + 2):\(d + 2) with points pt 7 ps 0.9 lc palette")
    } else {
      scorePlot.add("\(DataFormat.quoted(file)) index \(failedIndex ?? 0) using 1:(NaN) with points notitle")
    }
    script += scorePlot.text + "\nunset multiplot\n"
    return Figure(name: name, tables: [table], script: script, format: style.format)
  }
}
