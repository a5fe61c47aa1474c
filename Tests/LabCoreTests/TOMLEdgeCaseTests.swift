import Foundation
import LabCore
import Testing

/// Regression tests for the TOML faults found in issue 18, with values worked out by hand from the TOML 1.0 specification.
@Suite struct TOMLEdgeCaseTests {
  /// The error `text` gives, or nil when it parses.
  static func error(_ text: String) -> LabError? {
    do {
      _ = try TOMLParser.parse(text, file: "t.toml")
      return nil
    } catch {
      return error as? LabError
    }
  }

  /// 20,000 levels (a 40–100 KB file) of each kind of nesting: one `.parse` error on line 1, not a stack overflow.
  @Test(arguments: ["arrays", "inline tables", "dotted keys", "headers", "arrays of tables"])
  func twentyThousandLevelsGiveOneLineErrorNotACrash(kind: String) throws {
    let n = 20_000
    let text: String
    switch kind {
    case "arrays": text = "a = " + String(repeating: "[", count: n) + String(repeating: "]", count: n)
    case "inline tables": text = "a = " + String(repeating: "{b = ", count: n) + "1" + String(repeating: "}", count: n)
    case "dotted keys": text = Array(repeating: "a", count: n).joined(separator: ".") + " = 1"
    case "headers": text = "[" + Array(repeating: "a", count: n).joined(separator: ".") + "]"
    default: text = "[[" + Array(repeating: "a", count: n).joined(separator: ".") + "]]"
    }
    #expect(text.utf8.count >= 40_000)
    let e = try #require(Self.error(text))
    #expect(e.code == .parse)
    #expect(e.location?.line == 1)
    #expect(e.description.hasPrefix("t.toml:1: nesting deeper than 128 levels"))
    #expect(!e.description.contains("\n"))
  }

  /// Level 128 is accepted and 129 refused: `a = [[…]]` with k brackets has its innermost array at level k.
  @Test func theDepthLimitIsExactly128Levels() throws {
    let accepted = "a = " + String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
    var value = try #require(try TOMLParser.parse(accepted)["a"])
    var levels = 1
    while let inner = value.array?.first {
      value = inner
      levels += 1
    }
    #expect(levels == 128)
    #expect(Self.error("a = " + String(repeating: "[", count: 129) + String(repeating: "]", count: 129)) != nil)
    // Header parts and dotted-key parts add up: [a × 100] then b × 29 puts a table at level 129.
    let header = "[" + Array(repeating: "a", count: 100).joined(separator: ".") + "]\n"
    #expect(try TOMLParser.parse(header + Array(repeating: "b", count: 28).joined(separator: ".") + " = 1")
      .keys == ["a"])
    let e = try #require(Self.error(header + Array(repeating: "b", count: 30).joined(separator: ".") + " = 1"))
    #expect(e.location?.line == 2)
  }

  /// Integers in the four bases: 0xDEAD = 13·16³ + 14·16² + 10·16 + 13 = 57005; 0o17 = 15; 0b1 = 1; 0o777 = 511.
  @Test func integersInEveryBase() throws {
    let root = try TOMLParser.parse("h = 0xDEAD\nl = 0xdead_beef\no = 0o17\nb = 0b1\nb2 = 0b1101_0110\no2 = 0o777\nd = -1_000")
    #expect(root["h"]?.kind == .integer(57005))
    #expect(root["l"]?.kind == .integer(3_735_928_559))
    #expect(root["o"]?.kind == .integer(15))
    #expect(root["b"]?.kind == .integer(1))
    #expect(root["b2"]?.kind == .integer(214))
    #expect(root["o2"]?.kind == .integer(511))
    #expect(root["d"]?.kind == .integer(-1000))
  }

  /// 64-bit bounds: ±(2⁶³ − 1) and −2⁶³ are accepted; one beyond, in any base, is an error with its line.
  @Test func integersBeyondSixtyFourBitsAreErrorsWithTheirLine() throws {
    let root = try TOMLParser.parse(
      "max = 9223372036854775807\nmin = -9223372036854775808\nhex = 0x7FFFFFFFFFFFFFFF")
    #expect(root["max"]?.integer == Int(Int64.max))
    #expect(root["min"]?.integer == Int(Int64.min))
    #expect(root["hex"]?.integer == Int(Int64.max))
    for text in [
      "\nworkers = [9223372036854775808]", "\nx = -9223372036854775809", "\nx = 0x8000000000000000",
      "\nx = 0o1000000000000000000000", "\nx = 99999999999999999999999999",
    ] {
      let e = try #require(Self.error(text), "\(text) was accepted")
      #expect(e.location?.line == 2)
      #expect(e.message.contains("outside the 64-bit range"))
    }
  }

  /// A text TOML 1.0 forbids, the line of its fault and a phrase of the message.
  struct Refusal: Sendable, CustomTestStringConvertible {
    let text: String
    let line: Int
    let reason: String
    init(_ text: String, line: Int, _ reason: String) {
      self.text = text
      self.line = line
      self.reason = reason
    }
    var testDescription: String { text.debugDescription }
  }

  /// Values TOML 1.0 forbids, each refused with its line (several were silently accepted before issue 18).
  @Test(arguments: [
    Refusal("x = 1_.5", line: 1, "misplaced '_'"),
    Refusal("x = 1._5", line: 1, "digits on both sides"),
    Refusal("x = 007", line: 1, "leading zeros"),
    Refusal("x = -01", line: 1, "leading zeros"),
    Refusal("x = .5", line: 1, "not a valid value"),
    Refusal("x = -.5", line: 1, "not a valid number"),
    Refusal("x = 5.", line: 1, "digits on both sides"),
    Refusal("x = 1e", line: 1, "exponent"),
    Refusal("x = 0XDEAD", line: 1, "not a valid number"),
    Refusal("x = -0xff", line: 1, "cannot have a sign"),
    Refusal("x = 0b102", line: 1, "binary"),
    Refusal("x = 1e400", line: 1, "too large"),
    Refusal("x = 1987-02-29", line: 1, "01–28"),
    Refusal("x = 1987-07-05T17:45Z", line: 1, "seconds are required"),
    Refusal("x = 24:00:00", line: 1, "hour"),
    Refusal("x = \"a\u{01}b\"", line: 1, "control character U+0001 in a string"),
    Refusal("x = 'a\u{7F}b'", line: 1, "control character U+007F in a literal string"),
    Refusal("x = \"\"\"a\u{00}b\"\"\"", line: 1, "control character U+0000 in a multi-line string"),
    Refusal("x = 1 # bell \u{07}", line: 1, "control character U+0007 in a comment"),
    Refusal("# a\rb\nx = 1", line: 1, "control character U+000D in a comment"),
    Refusal("x = 1\r", line: 1, "carriage return"),
    Refusal("x = \"\\x41\"", line: 1, "invalid escape '\\x'"),
    Refusal("x = \"\\uD800\"", line: 1, "not a Unicode scalar value"),
    Refusal("[a]\nx = 1\n[a]", line: 3, "table [a] is defined twice"),
    Refusal("a.b = 1\n[a.b]", line: 2, "redefines a key that is an integer"),
    Refusal("a.b.c = 1\n[a.b]", line: 2, "defined by dotted keys"),
    Refusal("[a.b.c]\n[a]\nb.c.d = 1", line: 3, "defined by its header"),
    Refusal("a = [{}]\n[[a]]", line: 2, "static array"),
    Refusal("t = {x = 1}\nt.y = 2", line: 2, "inline table"),
    Refusal("t = {x = 1,}", line: 1, "trailing comma"),
    Refusal("t = {x = 1\n}", line: 1, "stay on one line"),
  ])
  func invalidTOMLIsRefusedWithItsLine(_ refusal: Refusal) throws {
    let e = try #require(Self.error(refusal.text), "accepted: \(refusal.text.debugDescription)")
    #expect(e.code == .parse)
    #expect(e.location?.line == refusal.line, "\(e)")
    #expect(e.message.contains(refusal.reason), "\(e)")
  }

  /// Where the error is reported: the line of the fault, counting LF and CR LF newlines and lines inside multi-line strings.
  @Test func errorsNameTheLineOfTheFault() {
    #expect(Self.error("a = \"\"\"\none\r\ntwo\"\"\"\nb = 007")?.location?.line == 4)
    #expect(Self.error("a = [\n  1,\n  # c\n  2\n  3]")?.location?.line == 5)
    #expect(Self.error("a = 1\r\nb = 1\r\nb = 2")?.location?.line == 3)
  }

  /// Floats: the value of each literal, and the specials.
  @Test func floatsAndSpecialValues() throws {
    let root = try TOMLParser.parse(
      "a = 6.626e-34\nb = 1e1_0\nc = -0.0\nd = +inf\ne = -inf\nf = nan\ng = 224_617.445_991_228\nh = 0e0")
    #expect(root["a"]?.kind == .float(6.626e-34))
    #expect(root["b"]?.kind == .float(1e10))
    let c = try #require(root["c"]?.number)
    #expect(c == 0 && c.sign == .minus)
    #expect(root["d"]?.kind == .float(.infinity))
    #expect(root["e"]?.kind == .float(-.infinity))
    #expect(root["f"]?.number?.isNaN == true)
    #expect(root["g"]?.kind == .float(224_617.445_991_228))
    #expect(root["h"]?.kind == .float(0))
  }

  /// The four date/time forms, with their parts and canonical text.
  @Test func datesAndTimes() throws {
    let root = try TOMLParser.parse(
      """
      odt = 1979-05-27T07:32:00.999999-07:00
      utc = 1979-05-27 07:32:00z
      ldt = 1979-05-27T00:32:00.1234567891
      ld = 2000-02-29
      lt = 23:59:60
      """)
    let odt = try #require(root["odt"]?.dateTime)
    #expect(odt.form == .offsetDateTime)
    #expect(odt.date == TOMLDateTime.Date(year: 1979, month: 5, day: 27))
    #expect(odt.time == TOMLDateTime.Time(hour: 7, minute: 32, second: 0, nanosecond: 999_999_000))
    #expect(odt.offsetMinutes == -420)
    #expect(odt.description == "1979-05-27T07:32:00.999999-07:00")
    #expect(root["utc"]?.dateTime?.description == "1979-05-27T07:32:00Z")
    // Beyond nanoseconds the digits are truncated, not rounded (TOML 1.0).
    #expect(root["ldt"]?.dateTime?.time?.nanosecond == 123_456_789)
    #expect(root["ldt"]?.dateTime?.form == .localDateTime)
    #expect(root["ld"]?.dateTime?.description == "2000-02-29")
    #expect(root["ld"]?.typeName == "local date")
    #expect(root["lt"]?.dateTime?.description == "23:59:60")
  }

  /// Multi-line strings: the first newline is dropped, a line-ending backslash joins lines, CR LF reads as LF.
  @Test func multilineStrings() throws {
    let root = try TOMLParser.parse(
      "a = \"\"\"\nRoses\r\nare red\"\"\"\nb = \"\"\"one \\\n    two\"\"\"\nc = '''\nC:\\path\\ '''\nd = \"\"\"\"x\"\"\"\"\ne = ''''''")
    #expect(root["a"]?.string == "Roses\nare red")
    #expect(root["b"]?.string == "one two")
    #expect(root["c"]?.string == "C:\\path\\ ")
    #expect(root["d"]?.string == "\"x\"")
    #expect(root["e"]?.string == "")
  }

  /// Files are read as bytes: invalid UTF-8 is refused with its line, a byte-order mark at the start is skipped.
  @Test func filesMustBeUTF8() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hpolab-toml-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let bad = dir.appendingPathComponent("bad.toml")
    try Data([0x61, 0x20, 0x3D, 0x20, 0x31, 0x0A] + Array("s = \"".utf8) + [0xC3, 0x28] + Array("\"\n".utf8)).write(to: bad)
    #expect {
      _ = try TOMLParser.parse(fileAtPath: bad.path)
    } throws: { error in
      (error as? LabError)?.description == "\(bad.path):2: the file is not valid UTF-8 (byte 0xC3 followed by 0x28)"
    }
    let bom = dir.appendingPathComponent("bom.toml")
    try Data([0xEF, 0xBB, 0xBF] + Array("a = 1\n".utf8)).write(to: bom)
    #expect(try TOMLParser.parse(fileAtPath: bom.path)["a"]?.integer == 1)
  }

  /// The typed-JSON comparer used by the conformance suite tells different values apart (so that suite can fail).
  @Test func theTypedJSONComparerSeesDifferences() throws {
    func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }
    let root = try TOMLParser.parse("z = -0.0\ns = \"e\\u0301\"\nd = 1987-07-05 17:45:56.6+00:00\nn = 1")
    let value = TOMLValue(.table(root), line: 1)
    let same = try json(
      #"{"z": {"type": "float", "value": "-0"}, "s": {"type": "string", "value": "e\u0301"}, "d": {"type": "datetime", "value": "1987-07-05T17:45:56.600Z"}, "n": {"type": "integer", "value": "1"}}"#)
    #expect(TOMLTypedJSON.mismatch(value, same) == nil)
    for different in [
      #"{"z": {"type": "float", "value": "0"}, "s": {"type": "string", "value": "e\u0301"}, "d": {"type": "datetime", "value": "1987-07-05T17:45:56.6Z"}, "n": {"type": "integer", "value": "1"}}"#,
      #"{"z": {"type": "float", "value": "-0"}, "s": {"type": "string", "value": "\u00e9"}, "d": {"type": "datetime", "value": "1987-07-05T17:45:56.6Z"}, "n": {"type": "integer", "value": "1"}}"#,
      #"{"z": {"type": "float", "value": "-0"}, "s": {"type": "string", "value": "e\u0301"}, "d": {"type": "datetime-local", "value": "1987-07-05T17:45:56.6"}, "n": {"type": "integer", "value": "1"}}"#,
      #"{"z": {"type": "float", "value": "-0"}, "s": {"type": "string", "value": "e\u0301"}, "d": {"type": "datetime", "value": "1987-07-05T17:45:56.6Z"}, "n": {"type": "float", "value": "1"}}"#,
      #"{"z": {"type": "float", "value": "-0"}, "s": {"type": "string", "value": "e\u0301"}, "d": {"type": "datetime", "value": "1987-07-05T17:45:56.6Z"}}"#,
    ] {
      #expect(TOMLTypedJSON.mismatch(value, try json(different)) != nil, "\(different)")
    }
    #expect(TOMLTypedJSON.canonicalDateTime("1979-05-27 07:32:00.500-00:00") == "1979-05-27T07:32:00.5Z")
    #expect(TOMLTypedJSON.canonicalDateTime("07:32:00.000") == "07:32:00")
  }
}
