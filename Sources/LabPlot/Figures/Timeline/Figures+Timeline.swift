// Generators of the figure catalogue: input data → data tables + gnuplot script.
//
// Notation
//   file      the figure's data file, `NAME.dat`; blocks addressed by `index i`
//   panel     one plot of a multiplot (one per worker count, benchmark, parameter)
//   colour    Okabe–Ito by algorithm (FigureStyle.colors), viridis ramp for scores
//   hours     simulated seconds / 3600

import LabCore

extension Figures {

  /// A Gantt chart: one row per worker, one bar per trial coloured by score, failures hatched grey.
  /// - Throws: `.invalidInput` when no trial used a worker.
  public static func timeline(_ data: TimelineData, style: FigureStyle, name: String = FigureKind.timeline.rawValue) throws -> Figure {
    guard !data.bars.isEmpty else { throw LabError(.invalidInput, "figure '\(name)': the run has no trial that ran on a worker") }
    let file = name + ".dat"
    var table = DataTable(
      fileName: file,
      comments: ["\(name): trials as bars on their worker's row; times in simulated hours; score = \(data.metric)"],
      columns: ["worker", "start_hours", "end_hours", "score", "trial", "label_rgb"])
    let ordered = data.bars.sorted { ($0.worker, $0.start, $0.trial) < ($1.worker, $1.start, $1.trial) }
    let done = ordered.filter { $0.state == .completed && $0.score != nil }
    let other = ordered.filter { !($0.state == .completed && $0.score != nil) }
    let (lo, hi) = scoreRange(done.compactMap(\.score))
    func write(_ bars: [TimelineBar]) {
      for b in bars {
        // Trial numbers in white on the dark end of the palette, black on the light end.
        let position = b.score.map { ($0 - lo) / (hi - lo) } ?? 1
        let light = data.direction == .maximize ? position > 0.55 : position < 0.45
        table.row([
          String(b.worker), DataFormat.fixed(b.start / 3600), DataFormat.fixed(b.end / 3600), DataFormat.fixed(b.score),
          String(b.trial), light ? "0x000000" : "0xFFFFFF",
        ])
      }
    }
    var plot = GnuplotPlot()
    let barHalf = "0.36"
    if !done.isEmpty {
      table.beginBlock("completed")
      write(done)
      plot.add(
        "\(DataFormat.quoted(file)) index \(table.blocks - 1) using (($2+$3)/2):1:(($3-$2)/2):(\(barHalf)):4 with boxxyerror fc palette fs solid 0.95 border lc rgb 'white' notitle")
    }
    if !other.isEmpty {
      table.beginBlock("failed or interrupted")
      write(other)
      plot.add(
        "\(DataFormat.quoted(file)) index \(table.blocks - 1) using (($2+$3)/2):1:(($3-$2)/2):(\(barHalf)) with boxxyerror fc rgb '#777777' fs pattern 4 border lc rgb '#555555' title 'failed'")
    }
    if !done.isEmpty, done.count <= 80 {
      plot.add("\(DataFormat.quoted(file)) index 0 using (($2+$3)/2):1:(sprintf('%d', $5)):6 with labels font ',9' tc rgb variable notitle")
    }
    let makespan = (ordered.map(\.end).max() ?? 0) / 3600
    let rows = max(1, data.workers)
    let heightScale = min(2.0, max(0.7, 0.45 + 0.08 * Double(rows)))
    var script = header(style, output: name + "." + style.format.fileExtension, panels: 1, heightScale: heightScale)
    script += FigureStyle.scorePalette + (data.direction == .minimize ? "\nset palette negative" : "") + "\n"
    script += "set cbrange [\(DataFormat.fixed(lo, decimals: 4)):\(DataFormat.fixed(hi, decimals: 4))]\n"
    script += "set cblabel \(GnuplotText.literal(RunLabel.metric(data.metric)))\n"
    script += "set colorbox user origin graph 1.03, graph 0 size character 1.5, graph 1\n"
    script += "set rmargin 14\n"
    script += "set xlabel 'simulated time (hours)'\nset ylabel 'worker'\n"
    script += "set xrange [0:\(DataFormat.fixed(max(makespan, 1e-6) * 1.02, decimals: 4))]\n"
    script += "set yrange [\(DataFormat.fixed(Double(rows) - 0.5, decimals: 1)):-0.5]\n"
    // Workers are numbered from 1; beyond 32 rows, every 4th, 8th, … is labelled.
    let step = rows <= 32 ? 1 : [4, 8, 16, 32, 64].first { rows / $0 <= 16 } ?? 128
    let labelled = Array(stride(from: 0, to: rows, by: step)) + (step > 1 && (rows - 1) % step != 0 ? [rows - 1] : [])
    script += "set ytics (" + labelled.map { "\"\($0 + 1)\" \($0)" }.joined(separator: ", ") + ") scale 0\n"
    script += "set grid noytics xtics\n"
    script += other.isEmpty ? "set key off\n" : "set key outside bottom center horizontal\n"
    let idle = DataFormat.fixed(100 * data.idleFraction, decimals: 1)
    let main = "Worker timeline: which worker ran which trial when"
    let subtitle = [data.subtitle, "bars coloured by \(RunLabel.metric(data.metric)); gaps are idle time (\(idle) %)"]
      .filter { !$0.isEmpty }.joined(separator: "; ")
    script += "set title \(GnuplotText.title(main, subtitle))\n"
    script += plot.text + "\n"
    return Figure(name: name, tables: [table], script: script, format: style.format)
  }
}
