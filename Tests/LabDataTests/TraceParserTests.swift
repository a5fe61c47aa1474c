import Foundation
import LabCore
import LabData
import Testing
import LabTestSupport

/// A valid campaign-B SOO line (the first of soo_bis.json, shortened numbers).
let goodLine = #"{"timing": {"opening_time": "2025-01-20 10:48:58", "end_training_time": "2025-01-20 11:19:51", "ending_time": "2025-01-20 11:32:32"}, "solution": {"base_value": [33.0, 32.5, 0.25, -5.5, -3.0], "converted_values": [33, 32, 0.25, 3.162277660168379e-06, 0.001]}, "score": {"hellaswag": {"acc,none": 0.31358295160326627, "acc_stderr,none": 0.004630008293925657, "acc_norm,none": 0.3677554272057359, "acc_norm_stderr,none": 0.004812088620277184}, "mmlu": {"acc,none": 0.2319470160945734, "acc_stderr,none": 0.0035563478291571107}}, "info": {"depth": 0, "depth_id": 0, "loop": 0, "score_state": "evaluated"}}"#

/// `goodLine` with `old` replaced by `new` (bytes), parsed as line 7 of soo_bis.
func parseModified(_ old: String, _ new: [UInt8]) throws -> RecordedTrial {
  let bytes = Array(goodLine.utf8)
  let pattern = Array(old.utf8)
  let start = try #require((0...(bytes.count - pattern.count)).first { Array(bytes[$0..<$0 + pattern.count]) == pattern })
  let data = Data(bytes[..<start] + new + bytes[(start + pattern.count)...])
  return try TraceParser.parseLine(data, run: "soo_bis", file: "soo_bis.json", line: 7)
}

@Suite struct TraceParserTests {
  @Test func aGoodLineParsesWithEveryField() throws {
    let t = try TraceParser.parseLine(Data(goodLine.utf8), run: "soo_bis", file: "f", line: 1)
    #expect(t.base == [33, 32.5, 0.25, -5.5, -3])
    #expect(t.converted == [33, 32, 0.25, 3.162277660168379e-06, 0.001])
    #expect(t.convertedIntegerLiterals == [true, true, false, false, false])
    #expect(t.baseIntegerLiterals == [false, false, false, false, false])
    #expect(t.metrics[MetricName.hellaswagAcc] == 0.31358295160326627)
    #expect(t.metrics[MetricName.mmluAccStderr] == 0.0035563478291571107)
    #expect(t.info.map(\.key) == ["depth", "depth_id", "loop", "score_state"])
    #expect(t.trainingSeconds == 1853 && t.evaluationSeconds == 761)
    #expect(t.jsonLine == goodLine)
  }

  @Test(arguments: [
    ("not JSON", "\"info\": {", Array("\"info\" {".utf8), nil, "line is not valid JSON: expected ':'"),
    ("not an object", goodLine, Array("[1, 2]".utf8), nil, "line is not a JSON object"),
    ("missing field", "\"ending_time\"", Array("\"ending\"".utf8), "timing.ending_time", "missing field"),
    ("missing object", "\"score\"", Array("\"scores\"".utf8), "score", "missing field"),
    ("wrong count", "[33.0, ", Array("[".utf8), "solution.base_value", "expected 5 values, found 4"),
    ("wrong type", "\"loop\": 0", Array("\"loop\": [0]".utf8), "info.loop", "expected a string or a number"),
    ("a string for a number", "\"acc,none\": 0.31358295160326627", Array("\"acc,none\": \"0.31\"".utf8),
     "score.hellaswag.acc,none", "expected a number"),
    ("NaN", "0.004630008293925657", Array("NaN".utf8), "score.hellaswag.acc_stderr,none", "non-finite number 'NaN'"),
    ("Infinity", "-5.5", Array("-Infinity".utf8), "solution.base_value[3]", "non-finite number '-Infinity'"),
    ("overflow", "0.25, -5.5", Array("1e999, -5.5".utf8), "solution.base_value[2]", "non-finite number '1e999'"),
    ("unknown score state", "\"evaluated\"", Array("\"estimated\"".utf8), "info.score_state",
     "unknown score state '\"estimated\"' (expected evaluated or approximated)"),
    ("bad month", "2025-01-20 10:48:58", Array("2025-13-20 10:48:58".utf8), "timing.opening_time",
     "date '2025-13-20 10:48:58' does not parse as YYYY-MM-DD HH:MM:SS"),
    ("30 February", "2025-01-20 11:19:51", Array("2025-02-30 11:19:51".utf8), "timing.end_training_time",
     "date '2025-02-30 11:19:51' does not parse as YYYY-MM-DD HH:MM:SS"),
    ("ISO separator", "2025-01-20 11:32:32", Array("2025-01-20T11:32:32".utf8), "timing.ending_time",
     "date '2025-01-20T11:32:32' does not parse as YYYY-MM-DD HH:MM:SS"),
    ("invalid UTF-8 in a value", "\"evaluated\"", Array("\"eval".utf8) + [0xC3, 0x28] + Array("ated\"".utf8),
     "info.score_state", "invalid UTF-8 (byte"),
    ("invalid UTF-8 in a key", "\"loop\"", Array("\"lo".utf8) + [0xFF] + Array("p\"".utf8), "info.lo\u{7F}p", "invalid UTF-8"),
  ] as [(String, String, [UInt8], String?, String)])
  func aBadLineIsReportedWithFileLineAndField(name: String, old: String, new: [UInt8], field: String?, message: String) {
    let error = #expect(throws: LabError.self, "\(name)") { try parseModified(old, new) }
    #expect(error?.code == .parse)
    #expect(error?.location == LabError.Location(file: "soo_bis.json", line: 7, field: field), "\(name)")
    #expect(error?.message.hasPrefix(message) == true, "\(name): \(String(describing: error))")
  }

  /// bamsoo_bis.json line 17, an approximated leaf: UCB 0.3764588702319762, LCB 0.16647719958043095.
  static let approximatedLine = #"{"timing": {"opening_time": "", "end_training_time": "", "ending_time": ""}, "solution": {"base_value": [53.66666666666667, 11.5, 0.08333333333333333, -2.5, -3.0], "converted_values": [53, 11, 0.08333333333333333, 0.0031622776601683794, 0.001]}, "score": {"UCB": 0.3764588702319762, "LCB": 0.16647719958043095}, "info": {"depth": 4, "depth_id": 56, "loop": 4, "score": null, "score_state": "approximated"}}"#

  @Test func anApproximatedLineWithItsBoundsSwappedIsRefused() throws {
    let good = try TraceParser.parseLine(Data(Self.approximatedLine.utf8), run: "bamsoo_bis", file: "b.json", line: 17)
    #expect(good.ucb == 0.3764588702319762 && good.lcb == 0.16647719958043095)
    let swapped = Self.approximatedLine.replacingOccurrences(of: "\"UCB\": 0.3764588702319762, \"LCB\": 0.16647719958043095", with: "\"UCB\": 0.16647719958043095, \"LCB\": 0.3764588702319762")
    let error = #expect(throws: LabError.self) { try TraceParser.parseLine(Data(swapped.utf8), run: "bamsoo_bis", file: "b.json", line: 17) }
    #expect(error?.description == "b.json:17, field 'score.LCB': lower confidence bound 0.3764588702319762 is above the upper bound 0.16647719958043095")
  }

  @Test func skipBadReturnsTheGoodLinesAndTheBadOnes() throws {
    let data = Data((goodLine + "\n{\n\n" + goodLine + "\n").utf8)
    let (trials, bad) = try TraceParser.parse(data: data, run: "soo_bis", file: "x.json", skipBad: true)
    #expect(trials.map(\.line) == [1, 4])  // the blank line 3 is skipped silently
    #expect(bad.map(\.line) == [2])
    #expect(throws: LabError.self) { try TraceParser.parse(data: data, run: "soo_bis", file: "x.json") }
  }

  @Test func aMissingFileIsNotFound() {
    let error = #expect(throws: LabError.self) {
      try TraceParser.parse(contentsOf: URL(fileURLWithPath: "/nonexistent/bo.json"))
    }
    #expect(error?.code == .notFound)
    #expect(error?.description == "/nonexistent/bo.json: trace file does not exist")
  }

  @Test func everyRecordedLineIsWrittenBackByteForByte() throws {
    let folder = try Fixtures.traceFolder()
    var lines = 0
    for name in ["lhs", "bo", "soo", "lhs_bis", "bo_bis", "soo_bis", "bamsoo_bis"] {
      let url = folder.appendingPathComponent("\(name).json")
      let text = try String(contentsOf: url, encoding: .utf8)
      let (trials, _) = try TraceParser.parse(contentsOf: url)
      #expect(trials.map { $0.jsonLine + "\n" }.joined() == text, "\(name)")
      lines += trials.count
    }
    #expect(lines == 369)
  }
}

@Suite struct PythonNumberTests {
  // Expected texts are Python 3's repr() of the same doubles.
  @Test(arguments: [
    (0.0001, "0.0001"), (0.00001, "1e-05"), (1.5e-5, "1.5e-05"), (1e16, "1e+16"), (9007199254740992.0, "9007199254740992.0"),
    (1e15, "1000000000000000.0"), (295.0, "295.0"), (2.97057516636481e-06, "2.97057516636481e-06"), (0.1, "0.1"),
    (-0.0, "-0.0"), (0.0, "0.0"), (1.7976931348623157e308, "1.7976931348623157e+308"), (Double.leastNonzeroMagnitude, "5e-324"),
    (123456789012345678.0, "1.2345678901234568e+17"), (-5.527159453917004, "-5.527159453917004"), (1e22, "1e+22"),
    (0.30000000000000004, "0.30000000000000004"), (123.456, "123.456"), (.nan, "NaN"), (-.infinity, "-Infinity"),
  ] as [(Double, String)])
  func reprMatchesPython(value: Double, text: String) {
    #expect(PythonNumber.repr(value) == text)
  }

  @Test func integerLiteralsAreWrittenWithoutAPoint() {
    #expect(PythonNumber.integerText(33) == "33")
    #expect(PythonNumber.integerText(-2) == "-2")
    #expect(PythonNumber.integerText(2.5) == "2.5")
  }
}

@Suite struct TraceTimingTests {
  func trial(_ line: Int, _ open: String, _ end: String, ending: String = "", state: ScoreState = .evaluated) -> RecordedTrial {
    RecordedTrial(
      run: "lhs", line: line, openingTime: open, endTrainingTime: end, endingTime: ending, usesStartingTimeKey: true,
      base: [2, 1, 0, -1, -1], converted: [2, 1, 0, 0.1, 0.1], state: state, metrics: Metrics(), info: [])
  }

  @Test func aSequentialRunGetsDerivedEvaluationTimesAndTheLastTheMedian() {
    let trials = [
      trial(1, "2025-01-14 10:00:00", "2025-01-14 11:00:00"),  // next opens 11:20 → 1200 s
      trial(2, "2025-01-14 11:20:00", "2025-01-14 12:00:00"),  // next opens 12:10 → 600 s
      trial(3, "2025-01-14 12:10:00", "2025-01-14 13:00:00"),  // next opens 13:30 → 1800 s
      trial(4, "2025-01-14 13:30:00", "2025-01-14 14:00:00"),  // last: median of 600, 1200, 1800
    ]
    let timings = RecordedTrial.timings(of: trials)
    #expect(timings.map(\.evaluationSeconds) == [1200, 600, 1800, 1200])
    #expect(timings.map(\.trainingSeconds) == [3600, 2400, 3000, 1800])
    #expect(timings.allSatisfy { $0.evaluationDerived })
  }

  @Test func anOverlappingRunGetsNoDerivedTimes() {
    let trials = [
      trial(1, "2025-01-14 10:00:00", "2025-01-14 11:00:00"),
      trial(2, "2025-01-14 10:30:00", "2025-01-14 11:30:00"),  // opened before trial 1 finished training
    ]
    #expect(!RecordedTrial.isSequential(trials))
    #expect(RecordedTrial.timings(of: trials).map(\.evaluationSeconds) == [nil, nil])
  }

  @Test func recordedEvaluationTimesAreKeptAndNotFlagged() {
    let trials = [
      trial(1, "2025-01-14 10:00:00", "2025-01-14 11:00:00", ending: "2025-01-14 11:12:00"),
      trial(2, "", "", state: .approximated),
    ]
    let timings = RecordedTrial.timings(of: trials)
    #expect(timings[0] == RecordedTiming(trainingSeconds: 3600, evaluationSeconds: 720, evaluationDerived: false))
    #expect(timings[1] == RecordedTiming(trainingSeconds: nil, evaluationSeconds: nil, evaluationDerived: false))
  }
}
