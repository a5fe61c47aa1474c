import Foundation
import LabCore

/// Reads recorded traces (JSON lines) into ``RecordedTrial`` values, validating every field.
///
/// Every problem is reported as a ``LabError`` with code `.parse` whose
/// location names the file, the 1-based line and the field.
public enum TraceParser {
  /// A line that could not be read, with the error that says why.
  public struct BadLine: Sendable, Hashable {
    public var line: Int
    public var error: LabError
    public init(line: Int, error: LabError) {
      self.line = line
      self.error = error
    }
  }

  /// Parses a whole trace file.
  /// - Parameters:
  ///   - url: the JSON-lines file; its stem names the run.
  ///   - skipBad: when true, bad lines are returned in `bad` instead of stopping at the first.
  /// - Throws: `.notFound` / `.io` when the file cannot be read; `.parse` at the first bad line unless `skipBad`.
  public static func parse(contentsOf url: URL, skipBad: Bool = false) throws -> (trials: [RecordedTrial], bad: [BadLine]) {
    let data = try readFile(url)
    let run = url.deletingPathExtension().lastPathComponent
    return try parse(data: data, run: run, file: url.path, skipBad: skipBad)
  }

  /// The raw bytes of trace file `url`.
  /// - Throws: `.notFound` when the file does not exist, `.io` when it exists but cannot be read
  ///   (the location names the file).
  public static func readFile(_ url: URL) throws -> Data {
    do {
      return try Data(contentsOf: url)
    } catch {
      let exists = FileManager.default.fileExists(atPath: url.path)
      throw LabError(exists ? .io : .notFound, exists ? "cannot read trace file" : "trace file does not exist",
                     location: .init(file: url.path))
    }
  }

  /// Parses JSON-lines `data` recorded by run `run` (empty lines are skipped; `file` is used in messages).
  ///
  /// A UTF-8 byte-order mark before the first line and CRLF line ends are accepted. Each line is checked
  /// against `campaign` (default: the shipped campaign that lists `run`; none: the checks that need no
  /// campaign): see ``parseLine(_:run:file:line:campaign:)``.
  public static func parse(data: Data, run: String, file: String, skipBad: Bool = false, campaign: Campaign? = nil) throws -> (
    trials: [RecordedTrial], bad: [BadLine]
  ) {
    let campaign = campaign ?? Campaign.of(run: run)
    var trials: [RecordedTrial] = []
    var bad: [BadLine] = []
    var lineNumber = 0
    var start = data.startIndex
    if data.starts(with: [0xEF, 0xBB, 0xBF]) { start = data.index(start, offsetBy: 3) }
    while start < data.endIndex {
      let end = data[start...].firstIndex(of: 0x0A) ?? data.endIndex
      lineNumber += 1
      var slice = data[start..<end]
      if slice.last == 0x0D { slice = slice.dropLast() }
      start = end < data.endIndex ? data.index(after: end) : end
      if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
      do {
        trials.append(try parseLine(Data(slice), run: run, file: file, line: lineNumber, campaign: campaign))
      } catch let error as LabError {
        if skipBad { bad.append(BadLine(line: lineNumber, error: error)) } else { throw error }
      }
    }
    return (trials, bad)
  }

  /// Parses one line and validates it: every field present with its type, finite numbers, no key named twice,
  /// times in order, and (with a campaign: `campaign`, else the shipped one that lists `run`) the point inside
  /// the space, converted values that follow from the base values, and metrics declared and inside their range.
  /// - Throws: `.parse` naming file, line and field; echoed input is cut to 200 characters.
  public static func parseLine(_ data: Data, run: String, file: String, line: Int, campaign: Campaign? = nil) throws -> RecordedTrial {
    let campaign = campaign ?? Campaign.of(run: run)
    func fail(_ field: String?, _ message: String) -> LabError {
      LabError(.parse, message, location: .init(file: file, line: line, field: field.map(TraceValidation.clip)))
    }
    let bytes = [UInt8](data)
    guard validUTF8(data) else {
      throw fail(fieldHoldingInvalidUTF8(bytes), "invalid UTF-8 (byte \(firstInvalidUTF8Offset(bytes)))")
    }
    let root: JSONValue
    do {
      // NaN / Infinity are read as numbers here so that `number()` below rejects them naming their field.
      root = try JSONValue.parse(bytes, allowNonFinite: true)
    } catch let error as JSONValue.SyntaxError {
      throw fail(nil, "line is not valid JSON: \(error)")
    }
    guard case .object = root else { throw fail(nil, "line is not a JSON object") }
    if let (path, key) = TraceValidation.duplicateKey(in: root) {
      throw fail(path, "key '\(TraceValidation.clip(key))' appears twice in one object (a JSON line must name each key once)")
    }

    func object(_ value: JSONValue?, _ field: String) throws -> JSONValue {
      guard let value else { throw fail(field, "missing field") }
      guard case .object = value else { throw fail(field, "expected an object") }
      return value
    }
    func string(_ dict: JSONValue, _ key: String, _ field: String) throws -> String {
      guard let value = dict[key] else { throw fail(field, "missing field") }
      guard let s = value.string else { throw fail(field, "expected a string") }
      return s
    }
    func number(_ value: JSONValue?, _ field: String) throws -> Double {
      guard let value else { throw fail(field, "missing field") }
      guard let d = value.double else { throw fail(field, "expected a number") }
      guard d.isFinite else {
        throw fail(field, "non-finite number '\(TraceValidation.clip(value.pythonStyle))' (JSON allows finite numbers only)")
      }
      return d
    }
    func numbers(_ value: JSONValue?, _ field: String) throws -> [Double] {
      guard let value else { throw fail(field, "missing field") }
      guard case .array(let items) = value else { throw fail(field, "expected an array of numbers") }
      return try items.enumerated().map { try number($0.element, "\(field)[\($0.offset)]") }
    }
    func integerLiterals(_ value: JSONValue?) -> [Bool] {
      guard case .array(let items)? = value else { return [] }
      return items.map(\.isIntegerLiteral)
    }
    func time(_ text: String, _ field: String) throws -> String {
      if !text.isEmpty && TraceTime.parse(text) == nil {
        throw fail(field, "date '\(TraceValidation.clip(text))' does not parse as YYYY-MM-DD HH:MM:SS")
      }
      return text
    }

    let timing = try object(root["timing"], "timing")
    let opening = try time(try string(timing, "opening_time", "timing.opening_time"), "timing.opening_time")
    let usesStarting = timing["starting_time"] != nil
    let endTrainingKey = usesStarting ? "starting_time" : "end_training_time"
    let endTraining = try time(try string(timing, endTrainingKey, "timing.\(endTrainingKey)"), "timing.\(endTrainingKey)")
    let ending = try time(try string(timing, "ending_time", "timing.ending_time"), "timing.ending_time")

    let solution = try object(root["solution"], "solution")
    let base = try numbers(solution["base_value"], "solution.base_value")
    let converted = try numbers(solution["converted_values"], "solution.converted_values")
    // The dimension of the run's campaign (the shipped file that lists it); for a run no campaign lists, base and
    // converted values must at least agree in number.
    let dimension = campaign?.space.dimension ?? base.count
    guard base.count == dimension else {
      throw fail("solution.base_value", "expected \(dimension) values, found \(base.count)")
    }
    guard converted.count == dimension else {
      throw fail("solution.converted_values", "expected \(dimension) values, found \(converted.count)")
    }

    guard case .object(let infoMembers) = try object(root["info"], "info") else { throw fail("info", "expected an object") }
    var info: [RecordedTrial.InfoEntry] = []
    var state = ScoreState.evaluated
    for (key, value) in infoMembers {
      switch value {
      case .string(let s): info.append(.init(key: key, value: .string(s)))
      case .null: info.append(.init(key: key, value: .null))
      case .number:
        let d = try number(value, "info.\(key)")
        if value.isIntegerLiteral, let i = Int(exactly: d) {
          info.append(.init(key: key, value: .int(i)))
        } else {
          info.append(.init(key: key, value: .double(d)))
        }
      default: throw fail("info.\(key)", "expected a string or a number")
      }
      if key == "score_state" {
        guard let text = value.string, let parsed = ScoreState(rawValue: text) else {
          throw fail("info.score_state", "unknown score state '\(TraceValidation.clip(value.pythonStyle))' (expected evaluated or approximated)")
        }
        state = parsed
      }
    }

    let score = try object(root["score"], "score")
    var metrics = Metrics()
    var ucb: Double? = nil
    var lcb: Double? = nil
    switch state {
    case .evaluated:
      let hs = try object(score["hellaswag"], "score.hellaswag")
      let mmlu = try object(score["mmlu"], "score.mmlu")
      metrics[MetricName.hellaswagAcc] = try number(hs["acc,none"], "score.hellaswag.acc,none")
      metrics[MetricName.hellaswagAccStderr] = try number(hs["acc_stderr,none"], "score.hellaswag.acc_stderr,none")
      metrics[MetricName.hellaswagAccNorm] = try number(hs["acc_norm,none"], "score.hellaswag.acc_norm,none")
      metrics[MetricName.hellaswagAccNormStderr] = try number(
        hs["acc_norm_stderr,none"], "score.hellaswag.acc_norm_stderr,none")
      metrics[MetricName.mmluAcc] = try number(mmlu["acc,none"], "score.mmlu.acc,none")
      metrics[MetricName.mmluAccStderr] = try number(mmlu["acc_stderr,none"], "score.mmlu.acc_stderr,none")
      guard !opening.isEmpty else { throw fail("timing.opening_time", "an evaluated trial needs an opening time") }
    case .approximated:
      ucb = try number(score["UCB"], "score.UCB")
      lcb = try number(score["LCB"], "score.LCB")
    }

    let trial = RecordedTrial(
      run: run, line: line, openingTime: opening, endTrainingTime: endTraining, endingTime: ending,
      usesStartingTimeKey: usesStarting, base: base, converted: converted, state: state, metrics: metrics,
      ucb: ucb, lcb: lcb, info: info, baseIntegerLiterals: integerLiterals(solution["base_value"]),
      convertedIntegerLiterals: integerLiterals(solution["converted_values"]))
    try TraceValidation.check(trial, campaign: campaign, endTrainingKey: endTrainingKey, fail: fail)
    return trial
  }

  private static func validUTF8(_ data: Data) -> Bool {
    var iterator = data.makeIterator()
    var decoder = UTF8()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue: continue
      case .emptyInput: return true
      case .error: return false
      }
    }
  }

  /// The byte offset of the first byte that is not part of valid UTF-8.
  private static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int {
    var offset = 0
    while offset < bytes.count {
      let b = bytes[offset]
      let length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 0
      guard length > 0, offset + length <= bytes.count,
        String(validating: bytes[offset..<offset + length], as: UTF8.self) != nil
      else { return offset }
      offset += length
    }
    return bytes.count
  }

  /// The dotted path of the string (value or key) that holds an invalid UTF-8 byte, when the line is otherwise JSON.
  ///
  /// Every invalid byte is replaced by DEL (0x7F, legal inside JSON strings and
  /// absent from the recordings), the line is parsed, and the first string or
  /// key containing DEL names the field.
  private static func fieldHoldingInvalidUTF8(_ bytes: [UInt8]) -> String? {
    var repaired: [UInt8] = []
    repaired.reserveCapacity(bytes.count)
    var offset = 0
    while offset < bytes.count {
      let rest = Array(bytes[offset...])
      let bad = firstInvalidUTF8Offset(rest)
      repaired.append(contentsOf: rest[0..<bad])
      offset += bad
      if offset < bytes.count {
        repaired.append(0x7F)
        offset += 1
      }
    }
    guard let root = try? JSONValue.parse(repaired, allowNonFinite: true) else { return nil }
    func search(_ value: JSONValue, _ path: String) -> String? {
      switch value {
      case .string(let s): return s.unicodeScalars.contains("\u{7F}") ? path : nil
      case .array(let items):
        for (i, item) in items.enumerated() {
          if let found = search(item, "\(path)[\(i)]") { return found }
        }
        return nil
      case .object(let members):
        for (key, item) in members {
          let child = path.isEmpty ? key : "\(path).\(key)"
          if key.unicodeScalars.contains("\u{7F}") { return child }
          if let found = search(item, child) { return found }
        }
        return nil
      default: return nil
      }
    }
    return search(root, "")
  }
}
