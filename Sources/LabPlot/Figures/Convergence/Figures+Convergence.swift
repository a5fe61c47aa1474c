// Generators of the figure catalogue: input data → data tables + gnuplot script.
//
// Notation
//   file      the figure's data file, `NAME.dat`; blocks addressed by `index i`
//   panel     one plot of a multiplot (one per worker count, benchmark, parameter)
//   colour    Okabe–Ito by algorithm (FigureStyle.colors), viridis ramp for scores
//   hours     simulated seconds / 3600

import LabCore

extension Figures {

  /// Best-so-far curves with interquartile bands (and recorded runs as points), one panel per worker count when panels are named.
  /// - Throws: `.invalidInput` when there is no series.
  public static func convergence(_ data: ConvergenceData, style: FigureStyle, name: String? = nil) throws -> Figure {
    let name = name ?? (data.axis == .evaluations ? FigureKind.convergence.rawValue : FigureKind.convergenceTime.rawValue)
    guard !data.series.isEmpty || !data.recorded.isEmpty else {
      throw LabError(.invalidInput, "figure '\(name)': no best-so-far curve to draw")
    }
    let file = name + ".dat"
    let xColumn = data.axis == .evaluations ? "evaluations" : "hours"
    var table = DataTable(
      fileName: file,
      comments: [
        "\(name): best-so-far \(data.metric) against \(xColumn)",
        "curves: median and quartiles over seeds, rows doubled at each x to draw steps; points: individual recorded runs (y in the median column)",
      ],
      columns: [xColumn, "median", "q1", "q3"])
    let labels = uniqueLabels(data.series.map(\.label) + data.recorded.map(\.label))
    let colours = Dictionary(uniqueKeysWithValues: zip(labels, FigureStyle.colors(for: labels)))
    let panels = data.panels
    var plots: [GnuplotPlot] = []
    for panel in panels {
      var plot = GnuplotPlot()
      for s in data.series where s.panel == panel {
        table.beginBlock("\(s.label)\(panel.map { " [\($0)]" } ?? "")")
        for i in s.x.indices {
          // Each value holds from its x on: repeat the previous row at this x so that lines and bands draw steps.
          if i > 0 { table.row([s.x[i], s.median[i - 1], s.q1[i - 1], s.q3[i - 1]]) }
          table.row([s.x[i], s.median[i], s.q1[i], s.q3[i]])
        }
        let c = colours[s.label] ?? "#000000"
        let i = table.blocks - 1
        plot.add("\(DataFormat.quoted(file)) index \(i) using 1:3:4 with filledcurves fs transparent solid 0.22 noborder lc rgb '\(c)' notitle")
        let keyTitle = panel == panels.first ? "title \(GnuplotText.literal(s.label))" : "notitle"
        plot.add("'' index \(i) using 1:2 with lines lw 2.2 dt \(s.mode == .sync ? 2 : 1) lc rgb '\(c)' \(keyTitle)")
      }
      for (k, r) in data.recorded.enumerated() where r.panel == panel {
        table.beginBlock("recorded \(r.label)\(panel.map { " [\($0)]" } ?? "")")
        for i in r.x.indices { table.row([r.x[i], r.y[i], .nan, .nan]) }
        let c = colours[r.label] ?? "#000000"
        let pt = FigureStyle.pointTypes[k % FigureStyle.pointTypes.count]
        let keyTitle = panel == panels.first ? "title \(GnuplotText.literal(r.label + " (recorded run)"))" : "notitle"
        plot.add("\(DataFormat.quoted(file)) index \(table.blocks - 1) using 1:2 with points pt \(pt) ps 0.9 lc rgb '\(c)' \(keyTitle)")
      }
      // The key (first panel only) also lists what only later panels draw.
      if panel == panels.first {
        var keyed = Set(data.series.filter { $0.panel == panel }.map(\.label))
        for s in data.series where keyed.insert(s.label).inserted {
          plot.add("keyentry with lines lw 2.2 dt \(s.mode == .sync ? 2 : 1) lc rgb '\(colours[s.label] ?? "#000000")' title \(GnuplotText.literal(s.label))")
        }
        var keyedRecorded = Set(data.recorded.filter { $0.panel == panel }.map(\.label))
        for (k, r) in data.recorded.enumerated() where keyedRecorded.insert(r.label).inserted {
          let pt = FigureStyle.pointTypes[k % FigureStyle.pointTypes.count]
          plot.add("keyentry with points pt \(pt) ps 0.9 lc rgb '\(colours[r.label] ?? "#000000")' title \(GnuplotText.literal(r.label + " (recorded run)"))")
        }
      }
      plots.append(plot)
    }
    let metric = RunLabel.metric(data.metric)
    let xLabel = data.axis == .evaluations ? "evaluations (trials finished)" : "simulated time (hours)"
    let better = data.direction == .maximize ? "higher is better" : "lower is better"
    let main = data.axis == .evaluations
      ? "Best-so-far \(metric) against evaluations (median, interquartile band)"
      : "Best-so-far \(metric) against simulated time (median, interquartile band)"
    var script = header(style, output: name + "." + style.format.fileExtension, panels: panels.count)
    script += "set xlabel \(GnuplotText.literal(xLabel))\nset ylabel \(GnuplotText.literal("best-so-far \(metric) (\(better))"))\n"
    // One panel: the key beside it. Several: inside the first, where best-so-far curves end up leaving room
    // (below rising curves at the right, above falling ones).
    if panels.count == 1 {
      script += "set key outside right top\n"
    } else {
      script += "set key \(data.direction == .maximize ? "bottom" : "top") right\n"
    }
    let values = (data.series.flatMap { $0.median + $0.q1 + $0.q3 } + data.recorded.flatMap(\.y)).filter(\.isFinite)
    if let lo = values.min(), let hi = values.max() {
      let logarithmic = lo > 0 && hi / lo > 50
      if logarithmic { script += "set logscale y 10\nset format y '10^{%L}'\n" }
      // Panels share the vertical range, so that heights compare across worker counts.
      if panels.count > 1 {
        let (a, b) = logarithmic ? (lo / 1.2, hi * 1.2) : (lo - 0.04 * max(hi - lo, 1e-9), hi + 0.04 * max(hi - lo, 1e-9))
        script += "set yrange [\(DataFormat.fixed(a, decimals: 10)):\(DataFormat.fixed(b, decimals: 10))]\n"
      }
    }
    script += "set xrange [0:*]\n"
    script += multiplot(main: main, subtitle: data.subtitle, panelTitles: panels, plots: plots)
    return Figure(name: name, tables: [table], script: script, format: style.format)
  }
}
