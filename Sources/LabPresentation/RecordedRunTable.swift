import Foundation
import LabStore

/// The recorded runs of a database, as `hpolab traces list` prints them.
public enum RecordedRunTable {
  /// The rows as a text table (`*`: evaluation minutes derived from the next opening time).
  public static func table(_ rows: [RecordedRunSummary]) -> TextTable {
    func minutes(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }
    var table = TextTable(
      header: ["run", "campaign", "algorithm", "trials", "evaluated", "approximated", "best hellaswag acc",
               "train min", "eval min"],
      rightAligned: [3, 4, 5, 6, 7, 8])
    for r in rows {
      table.rows.append([
        r.run, r.campaign, r.algorithm, "\(r.trials)", "\(r.evaluated)", "\(r.approximated)",
        r.bestHellaswagAcc.map { String(format: "%.4f", $0) } ?? "-",
        minutes(r.medianTrainingMinutes),
        minutes(r.medianEvaluationMinutes) + (r.evaluationDerived ? "*" : " "),
      ])
    }
    return table
  }
}
