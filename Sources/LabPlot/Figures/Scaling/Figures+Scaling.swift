// Generators of the figure catalogue: input data → data tables + gnuplot script.
//
// Notation
//   file      the figure's data file, `NAME.dat`; blocks addressed by `index i`
//   panel     one plot of a multiplot (one per worker count, benchmark, parameter)
//   colour    Okabe–Ito by algorithm (FigureStyle.colors), viridis ramp for scores
//   hours     simulated seconds / 3600

import LabCore

extension Figures {

  /// Time-to-target (left) and speed-up over one worker (right) against workers on a log₂ axis.
  /// - Throws: `.invalidInput` when there is no series.
  public static func scaling(_ data: ScalingData, style: FigureStyle, name: String = FigureKind.scaling.rawValue) throws -> Figure {
    guard !data.series.isEmpty else { throw LabError(.invalidInput, "figure '\(name)': no scaling series to draw") }
    let file = name + ".dat"
    var table = DataTable(
      fileName: file,
      comments: [
        "\(name): hours to reach \(data.metric) \(data.direction == .maximize ? "≥" : "≤") \(DataFormat.fixed(data.target, decimals: 4)), and speed-up over W = 1",
        "quartiles are NaN where the Kaplan–Meier estimate does not reach them (too many runs never reach the target)",
      ],
      columns: ["workers", "hours_median", "hours_q1", "hours_q3", "speedup"])
    let algorithms = uniqueLabels(data.series.map(\.algorithm))
    let colours = Dictionary(uniqueKeysWithValues: zip(algorithms, FigureStyle.colors(for: algorithms)))
    var left = GnuplotPlot()
    var right = GnuplotPlot()
    var maxWorkers = 1
    var neverReached: [String] = []
    for s in data.series {
      table.beginBlock(s.label)
      for i in s.workers.indices {
        table.row([Double(s.workers[i]), s.hoursMedian[i], s.hoursQ1[i], s.hoursQ3[i], s.speedUp[i]])
        maxWorkers = max(maxWorkers, s.workers[i])
      }
      let c = colours[s.algorithm] ?? "#000000"
      let sync = s.mode == .sync
      let marks = "lc rgb '\(c)' pt \(sync ? 6 : 7) ps 1.0 lw 2"
      let line = marks + " dt \(sync ? 2 : 1)"
      let i = table.blocks - 1
      guard s.hoursMedian.contains(where: \.isFinite) else { neverReached.append(s.label); continue }
      // An unknown quartile (censored) shortens its whisker to the median rather than hiding the point.
      // Synchronous points sit slightly left of their W, asynchronous ones right, so that both stay visible.
      let x = sync ? "($1*0.95)" : "($1*1.05)"
      left.add("\(DataFormat.quoted(file)) index \(i) using \(x):2 with linespoints \(line) title \(GnuplotText.literal(s.label))")
      if s.hoursQ1.contains(where: \.isFinite) || s.hoursQ3.contains(where: \.isFinite) {
        left.add("'' index \(i) using \(x):2:(valid(3) ? $3 : $2):(valid(4) ? $4 : $2) with yerrorbars \(marks) notitle")
      }
      if s.speedUp.contains(where: \.isFinite) {
        right.add("\(DataFormat.quoted(file)) index \(i) using \(x):5 with linespoints \(line) notitle")
      }
    }
    guard !left.isEmpty else {
      throw LabError(.invalidInput, "figure '\(name)': no setting reached the target \(DataFormat.fixed(data.target, decimals: 4)) (median)")
    }
    right.add("x with lines lc rgb '#999999' dt 3 lw 1.2 title 'ideal (linear)'")
    let metric = RunLabel.metric(data.metric)
    var script = header(style, output: name + "." + style.format.fileExtension, panels: 2)
    script += "set logscale x 2\nset xrange [0.8:\(maxWorkers * 5 / 4 + 1)]\nset xlabel 'workers W (log_2 scale)'\n"
    script += "set key top right\n"
    let main = "Scaling with workers: synchronous (dashed, open) against asynchronous (solid, filled)"
    let missing = neverReached.isEmpty ? [] : ["median never reaches it: " + neverReached.joined(separator: ", ")]
    let subtitle = (["target: \(metric) \(data.direction == .maximize ? "≥" : "≤") \(DataFormat.fixed(data.target, decimals: 3))"] + missing + (data.subtitle.isEmpty ? [] : [data.subtitle]))
      .joined(separator: "; ")
    script += "set multiplot layout 1,2 title \(GnuplotText.title(main, subtitle))\n"
    script += "set title 'Time to target'\nset ylabel 'simulated hours to target (median, IQR)'\nset yrange [0:*]\n"
    script += left.text + "\n"
    script += "set title 'Speed-up over one worker'\nset ylabel 'speed-up (median hours at W = 1 / at W)'\n"
    script += "set logscale y 2\nset yrange [0.5:\(maxWorkers * 5 / 4 + 1)]\nset key top left\n"
    script += right.text + "\nunset multiplot\n"
    return Figure(name: name, tables: [table], script: script, format: style.format)
  }
}
