// Generators of the figure catalogue: input data → data tables + gnuplot script.
//
// Notation
//   file      the figure's data file, `NAME.dat`; blocks addressed by `index i`
//   panel     one plot of a multiplot (one per worker count, benchmark, parameter)
//   colour    Okabe–Ito by algorithm (FigureStyle.colors), viridis ramp for scores
//   hours     simulated seconds / 3600

import LabCore

extension Figures {

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
    let keyColours = Dictionary(uniqueKeysWithValues: zip(distinctKeys, FigureStyle.colors(for: distinctKeys)))
    var rows: [(GnuplotPlot, GnuplotPlot)] = []
    for g in groups {
      var left = GnuplotPlot()
      // The key lists every run (or algorithm) once, whatever row it is drawn in.
      if rows.isEmpty {
        for (position, key) in distinctKeys.enumerated() {
          let pt = FigureStyle.pointTypes[position % FigureStyle.pointTypes.count]
          left.add("keyentry with points pt \(pt) ps 1.0 lc rgb '\(keyColours[key] ?? "#000000")' title \(GnuplotText.literal(key))")
        }
      }
      var right = GnuplotPlot()
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
}
