// Generators of the figure catalogue: input data → data tables + gnuplot script.
//
// Notation
//   file      the figure's data file, `NAME.dat`; blocks addressed by `index i`
//   panel     one plot of a multiplot (one per worker count, benchmark, parameter)
//   colour    Okabe–Ito by algorithm (FigureStyle.colours), viridis ramp for scores
//   hours     simulated seconds / 3600

import LabCore

/// Builds the catalogue's figures from their input data.
///
/// Every generator throws `.invalidInput` when there is nothing to draw, so that
/// `hpolab plot all` can skip a figure that does not apply with a reason.
public enum Figures {
  // MARK: convergence

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
    let colours = Dictionary(uniqueKeysWithValues: zip(labels, FigureStyle.colours(for: labels)))
    let panels = data.panels
    var plots: [PlotCommand] = []
    for panel in panels {
      var plot = PlotCommand()
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

  // MARK: scaling

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
    let colours = Dictionary(uniqueKeysWithValues: zip(algorithms, FigureStyle.colours(for: algorithms)))
    var left = PlotCommand()
    var right = PlotCommand()
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

  // MARK: timeline

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
    var plot = PlotCommand()
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

  // MARK: variables

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
      var plot = PlotCommand()
      if let c = completedIndex { plot.add("\(DataFormat.quoted(file)) index \(c) using 1:\(column):\(d + 2) with points pt 7 ps 0.9 lc palette") }
      if let f = failedIndex { plot.add("\(DataFormat.quoted(file)) index \(f) using 1:\(column) with points pt 2 ps 0.8 lc rgb '#777777'") }
      script += plot.text + "\n"
    }
    script += "set title \(GnuplotText.literal(RunLabel.metric(data.metric)))\nunset logscale y\nset format y '%g'\n"
    script += "set yrange [*:*]\nset ylabel 'score'\n"
    var scorePlot = PlotCommand()
    if let c = completedIndex {
      scorePlot.add("\(DataFormat.quoted(file)) index \(c) using 1:\(d + 2):\(d + 2) with points pt 7 ps 0.9 lc palette")
    } else {
      scorePlot.add("\(DataFormat.quoted(file)) index \(failedIndex ?? 0) using 1:(NaN) with points notitle")
    }
    script += scorePlot.text + "\nunset multiplot\n"
    return Figure(name: name, tables: [table], script: script, format: style.format)
  }

  // MARK: scores

  /// HellaSwag (left) and MMLU (right) accuracy of every evaluated trial of several runs, against evaluation index;
  /// one row of panels per group (campaign) when runs name groups.
  /// - Throws: `.invalidInput` when no run has an evaluated trial.
  public static func scores(_ data: ScoresData, style: FigureStyle, name: String = FigureKind.scores.rawValue) throws -> Figure {
    let runs = data.runs.filter { !$0.index.isEmpty }
    guard !runs.isEmpty else { throw LabError(.invalidInput, "figure '\(name)': no evaluated trial with HellaSwag and MMLU scores") }
    let file = name + ".dat"
    var table = DataTable(
      fileName: file, comments: ["\(name): every evaluated trial; accuracies in [0, 1]"],
      columns: ["evaluation", "hellaswag_acc", "mmlu_acc"])
    let groups = uniqueLabels(runs.map { $0.group ?? "" })
    let grouped = groups.count > 1
    // Grouped rows repeat algorithms (lhs, lhs_bis): the key then names each algorithm once, with one look.
    let keys = runs.map { grouped ? FigureStyle.algorithmKey($0.label) : $0.label }
    let distinctKeys = uniqueLabels(keys)
    let keyColours = Dictionary(uniqueKeysWithValues: zip(distinctKeys, FigureStyle.colours(for: distinctKeys)))
    var rows: [(PlotCommand, PlotCommand)] = []
    for g in groups {
      var left = PlotCommand()
      // The key lists every run (or algorithm) once, whatever row it is drawn in.
      if rows.isEmpty {
        for (position, key) in distinctKeys.enumerated() {
          let pt = FigureStyle.pointTypes[position % FigureStyle.pointTypes.count]
          left.add("keyentry with points pt \(pt) ps 1.0 lc rgb '\(keyColours[key] ?? "#000000")' title \(GnuplotText.literal(key))")
        }
      }
      var right = PlotCommand()
      for (k, r) in runs.enumerated() where (r.group ?? "") == g {
        table.beginBlock(r.group.map { "\(r.label) [\($0)]" } ?? r.label)
        for i in r.index.indices { table.row([String(r.index[i]), DataFormat.fixed(r.hellaswag[i]), DataFormat.fixed(r.mmlu[i])]) }
        let i = table.blocks - 1
        let position = distinctKeys.firstIndex(of: keys[k]) ?? k
        let pt = FigureStyle.pointTypes[position % FigureStyle.pointTypes.count]
        let look = "with points pt \(pt) ps 1.0 lc rgb '\(keyColours[keys[k]] ?? "#000000")'"
        left.add("\(DataFormat.quoted(file)) index \(i) using 1:2 \(look) notitle")
        right.add("\(DataFormat.quoted(file)) index \(i) using 1:3 \(look) notitle")
      }
      rows.append((left, right))
    }
    let all = runs.flatMap { $0.hellaswag + $0.mmlu }
    let lo = max(0, ((all.min() ?? 0) * 20).rounded(.down) / 20)
    let hi = min(1, ((all.max() ?? 1) * 20).rounded(.up) / 20)
    let maxIndex = runs.flatMap(\.index).max() ?? 1
    let n = rows.count
    var script = header(style, output: name + "." + style.format.fileExtension, panels: 2, heightScale: 0.9 + 0.55 * Double(n - 1))
    script += "set xrange [0:\(maxIndex + 1)]\n"
    script += "set yrange [\(DataFormat.fixed(lo, decimals: 2)):\(DataFormat.fixed(hi, decimals: 2))]\n"
    let keyRows = Double((distinctKeys.count + 4) / 5) / Double(max(1, n))
    let keyHeight = 0.045 * keyRows
    let top = 1 - 0.14 / (1 + 0.6 * Double(n - 1))
    let bottom = DataFormat.fixed(0.1 / Double(n) + 0.02 + keyHeight, decimals: 3)
    script += "set key at screen 0.5, screen \(DataFormat.fixed(0.012 + keyHeight / 2, decimals: 3)) center center horizontal maxcols 5 box\n"
    script += "set multiplot layout \(n),2 title \(GnuplotText.title("Every evaluated trial: HellaSwag and MMLU accuracy by run", data.subtitle)) margins 0.07, 0.98, \(bottom), \(DataFormat.fixed(top, decimals: 3)) spacing 0.08, \(DataFormat.fixed(0.16 / Double(n), decimals: 3))\n"
    for (r, (left, right)) in rows.enumerated() {
      let prefix = groups[r].isEmpty ? "" : groups[r] + ": "
      script += r == n - 1 ? "set xlabel 'evaluation (trial index in its run)'\n" : "unset xlabel\n"
      script += "set title \(GnuplotText.literal(prefix + "HellaSwag (optimised; validation)"))\nset ylabel 'HellaSwag accuracy'\n" + left.text + "\n"
      if r == 0 { script += "set key off\n" }
      script += "set title \(GnuplotText.literal(prefix + "MMLU (held out; test)"))\nset ylabel 'MMLU accuracy'\n" + right.text + "\n"
    }
    script += "unset multiplot\n"
    return Figure(name: name, tables: [table], script: script, format: style.format)
  }

  // MARK: ranks

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
    let colours = FigureStyle.colours(for: data.algorithms)
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
    var plot = PlotCommand()
    for (pos, i) in order.enumerated() {
      plot.add(
        "\(pos == 0 ? DataFormat.quoted(file) : "''") index 0 every ::\(pos)::\(pos) using 2:1:3:4 with xerrorbars pt 7 ps 1.4 lw 2 lc rgb '\(colours[i])'")
    }
    script += plot.text + "\n"
    return Figure(name: name, tables: [table], script: script, format: style.format)
  }

  // MARK: parity

  /// Predicted against recorded values with prediction intervals, on equal axes with the identity line.
  /// - Throws: `.invalidInput` when there is no point.
  public static func parity(_ data: ParityData, style: FigureStyle, name: String = FigureKind.parity.rawValue) throws -> Figure {
    guard !data.points.isEmpty else { throw LabError(.invalidInput, "figure '\(name)': no prediction to compare") }
    let file = name + ".dat"
    var table = DataTable(
      fileName: file, comments: ["\(name): surrogate prediction against recorded \(data.metric), with its interval"],
      columns: ["recorded", "predicted", "lower", "upper"])
    let groups = uniqueLabels(data.points.map(\.group))
    let colours = FigureStyle.colours(for: groups)
    var plot = PlotCommand()
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

  // MARK: helpers

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
  static func multiplot(main: String, subtitle: String, panelTitles: [String?], plots: [PlotCommand]) -> String {
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
