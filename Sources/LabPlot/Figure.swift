// A figure as files: data tables, a gnuplot script, and the name of what it renders.

import LabCore

/// The figure catalogue of `hpolab plot`.
public enum FigureKind: String, Sendable, Hashable, CaseIterable {
  /// Best-so-far against evaluations, median and interquartile band per algorithm.
  case convergence
  /// Best-so-far against simulated hours, one panel per worker count.
  case convergenceTime = "convergence-time"
  /// Time-to-target and speed-up against workers, synchronous against asynchronous.
  case scaling
  /// Gantt chart of one run.
  case timeline
  /// Every hyperparameter against trial index for one run.
  case variables
  /// HellaSwag and MMLU of every evaluated trial of several runs.
  case scores
  /// Friedman average ranks with the Nemenyi critical difference.
  case ranks
  /// Surrogate prediction against recorded value.
  case parity

  /// Whether the figure is drawn from a single run (the others need a study or recorded traces).
  public var isRunFigure: Bool { self == .timeline || self == .variables }
}

/// A figure ready to be written: its data files, its script and the file the script renders.
///
/// Everything is text, so a figure is a pure function of its input data and
/// style; ``FigureWriter`` puts the files in a folder and runs gnuplot there.
public struct Figure: Sendable, Hashable {
  /// The base name of every file (`convergence` → `convergence.dat`, `.gp`, `.png`).
  public var name: String
  public var tables: [DataTable]
  /// The gnuplot script; it reads the tables and writes ``outputFileName`` in the current folder.
  public var script: String
  public var format: FigureFormat

  public init(name: String, tables: [DataTable], script: String, format: FigureFormat) {
    self.name = name
    self.tables = tables
    self.script = script
    self.format = format
  }

  public var scriptFileName: String { name + ".gp" }
  public var outputFileName: String { name + "." + format.fileExtension }
}

/// Text for gnuplot's enhanced mode, where `_ ^ @ & { } ~ \` are markup.
enum GnuplotText {
  /// `text` as a double-quoted gnuplot string that prints literally in enhanced mode.
  static func literal(_ text: String) -> String {
    var out = "\""
    for c in text {
      switch c {
      case "_", "^", "@", "&", "{", "}", "~": out += "\\\\" + String(c)
      case "\\": out += "\\\\\\\\"
      case "\"": out += "\\\""
      case "\n", "\r", "\t": out += " "
      default: out.append(c)
      }
    }
    return out + "\""
  }

  /// A two-line title: the bold main line, then a smaller subtitle line when there is one.
  /// A long subtitle is wrapped at its `; ` separators into lines of at most `width` characters.
  static func title(_ main: String, _ subtitle: String, width: Int = 130) -> String {
    let escapedMain = String(literal(main).dropFirst().dropLast())
    guard !subtitle.isEmpty else { return "\"{/:Bold \(escapedMain)}\"" }
    var lines: [String] = []
    for part in subtitle.components(separatedBy: "; ") {
      if let last = lines.last, last.count + 2 + part.count <= width {
        lines[lines.count - 1] = last + "; " + part
      } else {
        lines.append(part)
      }
    }
    let small = lines.map { "{/*0.85 \(String(literal($0).dropFirst().dropLast()))}" }
    return "\"" + (["{/:Bold \(escapedMain)}"] + small).joined(separator: "\\n") + "\""
  }
}

/// A gnuplot `plot` command assembled clause by clause.
struct GnuplotPlot {
  private var clauses: [String] = []
  mutating func add(_ clause: String) { clauses.append(clause) }
  var isEmpty: Bool { clauses.isEmpty }
  var text: String { "plot " + clauses.joined(separator: ", \\\n     ") }
}
