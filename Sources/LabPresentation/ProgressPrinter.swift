import Foundation
import LabStudies

/// Prints progress: a redrawn bar with counts and ETA on a terminal, one plain line per run otherwise.
public final class ProgressPrinter {
  let terminal: Bool
  let started = Date()
  var drew = false

  /// - Parameter terminal: whether standard error is a terminal (a redrawn bar) or not (one line per run).
  public init(terminal: Bool) { self.terminal = terminal }

  /// Shows `p`.
  public func update(_ p: StudyProgress) {
    let computed = p.done - p.skipped
    let remaining = p.total - p.done
    let elapsed = Date().timeIntervalSince(started)
    let eta = computed > 0 ? elapsed / Double(computed) * Double(remaining) : 0
    let etaText = String(format: "%d:%02d", Int(eta) / 60, Int(eta) % 60)
    if terminal {
      let width = 30
      let filled = p.total > 0 ? width * p.done / p.total : width
      let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
      FileHandle.standardError.write(Data("\r[\(bar)] \(p.done)/\(p.total) runs  ETA \(etaText) ".utf8))
      drew = true
    } else {
      FileHandle.standardError.write(Data("[\(p.done)/\(p.total)] \(p.runID) (ETA \(etaText))\n".utf8))
    }
  }

  /// Ends the bar's line.
  public func finish() {
    if drew { FileHandle.standardError.write(Data("\n".utf8)) }
  }
}
