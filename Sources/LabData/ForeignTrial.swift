// A trial recorded by another tool (a CSV row, an Optuna trial), turned into a RecordedTrial of a campaign.
//
// Notation
//   c      the value trained with (what CSV files and Optuna store)
//   x      the campaign's base value: c (float), c (integer, which must be integral), log10(c) (log-float, c > 0)
//   the point must lie in the space: lower ≤ x ≤ upper

import Foundation
import LabCore

/// One completed trial of another tool, in the campaign's names: trained values, metrics, times.
public struct ForeignTrial: Sendable, Hashable {
  /// The record's 1-based position (CSV line, Optuna trial number + 1): the stored trial's line.
  public var line: Int
  /// Parameter name → the value trained with.
  public var values: [String: Double]
  /// Metric name or standard-error field → value.
  public var metrics: [String: Double]
  /// Start, end of training and end of the trial, as recorded (any of ``TraceTime/normalized(_:)``'s forms).
  public var start: String?
  public var endTraining: String?
  public var end: String?
  /// Extra fields kept with the trial (`csv_line`, `optuna_number`).
  public var info: [RecordedTrial.InfoEntry]

  public init(
    line: Int, values: [String: Double], metrics: [String: Double], start: String? = nil, endTraining: String? = nil,
    end: String? = nil, info: [RecordedTrial.InfoEntry] = []
  ) {
    self.line = line
    self.values = values
    self.metrics = metrics
    self.start = start
    self.endTraining = endTraining
    self.end = end
    self.info = info
  }

  /// The trial as a recorded trial of `campaign`, validated like a seed line.
  ///
  /// - Parameters:
  ///   - fieldOf: the input's name for a parameter, a metric or `start` / `end_training` / `end` (a CSV header,
  ///     an Optuna table column), used in errors.
  /// - Throws: `.parse` naming `file`, the line and the field: a missing parameter or objective, a non-finite value,
  ///   an integer parameter with a fraction, a log parameter ≤ 0, a point outside the space, a metric outside its
  ///   declared range, a negative standard error, a time that does not parse, a trial that ends before it starts.
  public func recordedTrial(run: String, campaign: Campaign, file: String, line fileLine: Int? = nil, fieldOf: (String) -> String) throws -> RecordedTrial {
    func fail(_ target: String, _ message: String) -> LabError {
      LabError(.parse, message, location: .init(file: file, line: fileLine ?? line, field: TraceValidation.clip(fieldOf(target))))
    }
    var base: [Double] = []
    var converted: [Double] = []
    let space = campaign.space
    for p in space.parameters {
      guard let c = values[p.name] else { throw fail(p.name, "no value for parameter \(p.name)") }
      guard c.isFinite else { throw fail(p.name, "non-finite value \(PythonNumber.repr(c)) for parameter \(p.name)") }
      let x: Double
      switch p.kind {
      case .int:
        guard c.rounded(.towardZero) == c else { throw fail(p.name, "integer parameter \(p.name) has the value \(PythonNumber.repr(c))") }
        x = c
      case .float: x = c
      case .log:
        guard c > 0 else { throw fail(p.name, "log-scaled parameter \(p.name) has the value \(PythonNumber.repr(c)) (must be > 0)") }
        x = log10(c)
      }
      guard x >= p.lower && x <= p.upper else {
        let range = p.kind == .log
          ? "[\(PythonNumber.repr(pow(10, p.lower))), \(PythonNumber.repr(pow(10, p.upper)))]"
          : "[\(PythonNumber.repr(p.lower)), \(PythonNumber.repr(p.upper))]"
        throw fail(p.name, "\(p.name) = \(PythonNumber.repr(c)) is outside campaign \(campaign.name)'s range \(range)")
      }
      base.append(x)
      converted.append(c)
    }
    var metrics = Metrics()
    for m in campaign.metrics {
      if let v = self.metrics[m.name] {
        guard m.accepts(v) else {
          throw fail(m.name, v.isFinite
            ? "\(m.name) = \(PythonNumber.repr(v)) is outside its declared range \(TraceValidation.rangeText(m))"
            : "non-finite value \(PythonNumber.repr(v)) for metric \(m.name)")
        }
        metrics[m.name] = v
      } else if m.name == campaign.objective {
        throw fail(m.name, "no value for the objective \(m.name)")
      }
      if let field = m.standardError, let s = self.metrics[field] {
        guard s.isFinite && s >= 0 else { throw fail(field, "standard error \(PythonNumber.repr(s)) of \(m.name) is negative or non-finite") }
        metrics[field] = s
      }
    }
    func time(_ text: String?, _ target: String) throws -> String {
      guard let text, !text.isEmpty else { return "" }
      guard let t = TraceTime.normalized(text) else {
        throw fail(target, "time '\(TraceValidation.clip(text))' does not parse as YYYY-MM-DD HH:MM:SS (or ISO 8601 in UTC)")
      }
      return t
    }
    let start = try time(self.start, "start")
    let end = try time(self.end, "end")
    let endTraining = try self.endTraining.map { try time($0, "end_training") } ?? end
    let trial = RecordedTrial(
      run: run, line: line, openingTime: start, endTrainingTime: endTraining, endingTime: end, usesStartingTimeKey: false,
      base: base, converted: converted, state: .evaluated, metrics: metrics, info: info,
      baseIntegerLiterals: Array(repeating: false, count: base.count),
      convertedIntegerLiterals: space.parameters.map { $0.kind == .int })
    try TraceValidation.check(trial, campaign: campaign, endTrainingKey: "end_training") { field, message in
      let target = field == "timing.ending_time" ? "end" : field == "timing.end_training" ? (self.endTraining == nil ? "end" : "end_training") : (field ?? "")
      return fail(target, message)
    }
    return trial
  }
}

extension TraceTime {
  /// `text` as `YYYY-MM-DD HH:MM:SS`: that form, or ISO 8601 with a `T`, with fractional seconds (dropped) and a
  /// UTC designator (`Z`, `+00:00`); nil for anything else (an offset other than UTC, an invalid date).
  public static func normalized(_ text: String) -> String? {
    var s = Substring(text.trimmingCharacters(in: .whitespaces))
    if s.hasSuffix("Z") { s = s.dropLast() } else if s.hasSuffix("+00:00") { s = s.dropLast(6) }
    guard s.utf8.count >= 19 else { return nil }
    var head = String(s.prefix(19))
    let rest = s.dropFirst(19)
    if head.utf8.count == 19, Array(head.utf8)[10] == UInt8(ascii: "T") {
      head = String(head.prefix(10)) + " " + String(head.suffix(8))
    }
    guard parse(head) != nil else { return nil }
    if !rest.isEmpty {
      guard rest.first == ".", rest.count > 1, rest.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    }
    return head
  }
}
