// Shared look of every figure: terminal, fonts, sizes and colour-blind-safe colours.
//
// Colours: Okabe & Ito (2008), "Color Universal Design", for categories
// (algorithms, runs, modes); a viridis-like sequential ramp (van der Walt &
// Smith, 2015) for scores. Both stay readable under the common forms of
// colour-vision deficiency and in greyscale print.

/// The file format gnuplot renders to.
public enum FigureFormat: String, Sendable, Hashable, Codable, CaseIterable {
  case png
  case svg
  case pdf

  /// The rendered file's extension.
  public var fileExtension: String { rawValue }
}

/// Fonts, sizes and palettes shared by every figure, so that a set of figures reads as one.
public struct FigureStyle: Sendable, Hashable {
  public var format: FigureFormat
  /// Font family and base size in points.
  public var font: String
  public var fontSize: Double
  /// Size of a one-panel figure in pixels (PNG, SVG); PDF uses the same aspect at 100 px per inch.
  public var width: Int
  public var height: Int

  public init(format: FigureFormat = .png, font: String = "DejaVu Sans", fontSize: Double = 11, width: Int = 1000, height: Int = 640) {
    self.format = format
    self.font = font
    self.fontSize = fontSize
    self.width = width
    self.height = height
  }

  /// The default style for `format`.
  public static func standard(_ format: FigureFormat) -> FigureStyle { FigureStyle(format: format) }

  /// Okabe–Ito colours in the order categories receive them (yellow last: weak on white).
  public static let categorical = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
  ]

  /// Fixed colours of the known algorithms, so that an algorithm keeps its colour in every figure (random, the baseline, in black).
  public static let algorithmColors: [String: String] = [
    "bo": "#0072B2", "soo": "#D55E00", "bamsoo": "#009E73", "lhs": "#CC79A7", "random": "#000000",
  ]

  /// The colour of the `position`-th category called `label` among `labels`.
  ///
  /// A known algorithm (its name, or a label such as `bo_bis`, `bo · sync`, `bo (W=4)`)
  /// always gets its own colour; other labels take the palette's colours not used by the
  /// known algorithms present, in order of first appearance.
  public static func colors(for labels: [String]) -> [String] {
    var assigned: [String: String] = [:]
    var used = Set<String>()
    for label in labels {
      if let c = algorithmColors[algorithmKey(label)] { assigned[label] = c; used.insert(c) }
    }
    var free = categorical.filter { !used.contains($0) }.makeIterator()
    var extra: [String: String] = [:]
    return labels.map { label in
      if let c = assigned[label] { return c }
      if let c = extra[label] { return c }
      let c = free.next() ?? "#555555"
      extra[label] = c
      return c
    }
  }

  /// The algorithm name a label starts with, lower-cased and without a `_bis` suffix.
  static func algorithmKey(_ label: String) -> String {
    var head = label.lowercased()
    if let cut = head.firstIndex(where: { $0 == " " || $0 == "(" || $0 == "·" || $0 == "/" || $0 == "," }) {
      head = String(head[..<cut])
    }
    if head.hasSuffix("_bis") { head.removeLast(4) }
    return head
  }

  /// gnuplot point types used with the categorical colours (filled circle, square, triangles, diamond…).
  public static let pointTypes = [7, 5, 9, 11, 13, 15, 4, 6]

  /// The sequential palette for scores (low: dark purple, high: yellow).
  public static let scorePalette =
    "set palette defined (0 '#440154', 1 '#414487', 2 '#2A788E', 3 '#22A884', 4 '#7AD151', 5 '#FDE725')"

  /// The `set terminal` and `set output` lines for a figure `scale` times the one-panel size.
  public func terminal(output: String, widthScale: Double = 1, heightScale: Double = 1) -> String {
    let w = Int((Double(width) * widthScale).rounded())
    let h = Int((Double(height) * heightScale).rounded())
    let fontSpec = "\(font),\(DataFormat.fixed(fontSize, decimals: 0))"
    let line: String
    switch format {
    case .png:
      line = "set terminal pngcairo size \(w),\(h) enhanced font \"\(fontSpec)\" linewidth 1.4 background rgb 'white'"
    case .svg:
      line = "set terminal svg size \(w),\(h) dynamic enhanced font \"\(fontSpec)\" linewidth 1.4 background rgb 'white'"
    case .pdf:
      let wi = DataFormat.fixed(Double(w) / 100, decimals: 2)
      let hi = DataFormat.fixed(Double(h) / 100, decimals: 2)
      line = "set terminal pdfcairo size \(wi)in,\(hi)in enhanced font \"\(font),\(DataFormat.fixed(fontSize * 0.8, decimals: 1))\" linewidth 1.4"
    }
    return line + "\nset output \(DataFormat.quoted(output))"
  }

  /// Lines every script starts with after the terminal: a common frame, grid, key and encoding.
  public var commonSettings: String {
    """
    set encoding utf8
    set border 3 lw 1.0 lc rgb '#333333'
    set tics nomirror out scale 0.6
    set grid xtics ytics lw 0.6 lc rgb '#DDDDDD'
    set key top left opaque box lc rgb '#BBBBBB' samplen 2.5 spacing 1.15
    set datafile missing 'NaN'
    """
  }
}
