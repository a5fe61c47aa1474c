// The recorded A100 traces (JSON lines; format in traces/README.md of the data).
//
// Notation
//   run      the file's stem (`soo_bis` for soo_bis.json)
//   line     1-based line number in the file
//   layout   timing has `starting_time` (= end of training) and an empty `ending_time` (the llama-3.2-3b runs),
//            or `end_training_time` and `ending_time` (the llama-3.2-1b runs)

import Foundation
import LabCore

/// Whether a recorded line is a real trial or a BaMSOO leaf scored by the GP.
public enum ScoreState: String, Sendable, Hashable, Codable {
  case evaluated
  case approximated
}

/// A value in a trace's `info` object.
public enum TraceValue: Sendable, Hashable, Codable, CustomStringConvertible {
  case int(Int)
  case double(Double)
  case string(String)
  /// JSON `null` (BaMSOO's approximated lines carry `"score": null` in `info`).
  case null
  public var description: String {
    switch self {
    case .null: return "null"
    case .int(let v): return String(v)
    case .double(let v): return "\(v)"
    case .string(let s): return s
    }
  }
}

/// One line of a recorded trace, parsed and validated.
public struct RecordedTrial: Sendable, Hashable, Codable {
  /// The recorded run (file stem).
  public var run: String
  /// 1-based line number in the file.
  public var line: Int
  /// Timing strings exactly as recorded ("" when absent or empty).
  public var openingTime: String
  /// End of training: `end_training_time` (B) or `starting_time` (A).
  public var endTrainingTime: String
  /// End of evaluation: `ending_time` (B; "" in A).
  public var endingTime: String
  /// Whether the timing used campaign A's key (`starting_time`).
  public var usesStartingTimeKey: Bool
  public var base: [Double]
  public var converted: [Double]
  public var state: ScoreState
  /// hellaswag.acc, hellaswag.acc_stderr, hellaswag.acc_norm, hellaswag.acc_norm_stderr, mmlu.acc, mmlu.acc_stderr (evaluated lines).
  public var metrics: Metrics
  /// BaMSOO's bounds for approximated lines.
  public var ucb: Double?
  public var lcb: Double?
  /// The `info` object, keys in recorded order.
  public var info: [InfoEntry]
  /// Which `base_value` entries were written as integer literals (`33` rather than `33.0`); all false in the recordings.
  public var baseIntegerLiterals: [Bool]
  /// Which `converted_values` entries were written as integer literals (the int parameters, in the recordings).
  public var convertedIntegerLiterals: [Bool]

  /// One key of `info`.
  public struct InfoEntry: Sendable, Hashable, Codable {
    public var key: String
    public var value: TraceValue
    public init(key: String, value: TraceValue) {
      self.key = key
      self.value = value
    }
  }

  public init(
    run: String, line: Int, openingTime: String, endTrainingTime: String, endingTime: String,
    usesStartingTimeKey: Bool, base: [Double], converted: [Double], state: ScoreState, metrics: Metrics,
    ucb: Double? = nil, lcb: Double? = nil, info: [InfoEntry], baseIntegerLiterals: [Bool]? = nil,
    convertedIntegerLiterals: [Bool]? = nil
  ) {
    self.run = run
    self.line = line
    self.openingTime = openingTime
    self.endTrainingTime = endTrainingTime
    self.endingTime = endingTime
    self.usesStartingTimeKey = usesStartingTimeKey
    self.base = base
    self.converted = converted
    self.state = state
    self.metrics = metrics
    self.ucb = ucb
    self.lcb = lcb
    self.info = info
    // Absent literal styles default to what Python's json.dumps wrote for the recordings:
    // floats everywhere except the converted values of integer parameters.
    self.baseIntegerLiterals = baseIntegerLiterals ?? Array(repeating: false, count: base.count)
    let kinds = Campaign.of(run: run)?.space.parameters.map(\.kind) ?? []
    self.convertedIntegerLiterals =
      convertedIntegerLiterals
      ?? converted.indices.map { i in i < kinds.count && kinds[i] == .int && converted[i].rounded(.towardZero) == converted[i] }
  }

  /// The value of `info[key]`, if any.
  public func info(_ key: String) -> TraceValue? { info.first { $0.key == key }?.value }

  /// The shipped campaign that lists this trial's run (nil for a run no campaign file lists).
  public var campaign: Campaign? { Campaign.of(run: run) }

  /// Seconds since 1970 of a recorded local time `YYYY-MM-DD HH:MM:SS`, read as UTC (only differences matter).
  public static func seconds(of time: String) -> Double? { TraceTime.parse(time) }

  /// Training duration in seconds, when both ends are recorded.
  public var trainingSeconds: Double? {
    guard let a = TraceTime.parse(openingTime), let b = TraceTime.parse(endTrainingTime) else { return nil }
    return b - a
  }

  /// Evaluation duration in seconds, when recorded (campaign B).
  public var evaluationSeconds: Double? {
    guard let a = TraceTime.parse(endTrainingTime), let b = TraceTime.parse(endingTime) else { return nil }
    return b - a
  }
}

/// Parsing of the traces' `YYYY-MM-DD HH:MM:SS` times (proleptic Gregorian, no time zone).
public enum TraceTime {
  /// Seconds since 1970-01-01 00:00:00, or nil when `text` is not a valid time.
  public static func parse(_ text: String) -> Double? {
    let bytes = Array(text.utf8)
    guard bytes.count == 19, bytes[4] == 45, bytes[7] == 45, bytes[10] == 32, bytes[13] == 58, bytes[16] == 58 else {
      return nil
    }
    func number(_ range: Range<Int>) -> Int? {
      var v = 0
      for i in range {
        let b = bytes[i]
        guard b >= 48 && b <= 57 else { return nil }
        v = v * 10 + Int(b - 48)
      }
      return v
    }
    guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10), let h = number(11..<13),
      let mi = number(14..<16), let s = number(17..<19)
    else { return nil }
    guard (1...12).contains(mo), d >= 1, h < 24, mi < 60, s < 60 else { return nil }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    guard d <= monthDays[mo - 1] else { return nil }
    // Days from civil (Howard Hinnant's algorithm).
    let yy = mo <= 2 ? y - 1 : y
    let era = (yy >= 0 ? yy : yy - 399) / 400
    let yoe = yy - era * 400
    let mp = (mo + 9) % 12
    let doy = (153 * mp + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146097 + doe - 719468
    return Double(days * 86400 + h * 3600 + mi * 60 + s)
  }
}
