import Foundation
import LabCore
import LabData
import Testing
import LabTestSupport

@Suite struct CSVTableTests {
  @Test func quotedFieldsHoldCommasQuotesAndLineEnds() throws {
    // RFC 4180 §2: a field with a comma, a quote ("" inside quotes) or a line break is quoted.
    let text = "\u{FEFF}a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n2,\"two\nlines\",\n"
    let t = try CSVTable.parse(Data(text.utf8), file: "t.csv")
    #expect(t.header == ["a", "b", "c"])
    #expect(t.records.map(\.fields) == [["1", "x, y", "say \"hi\""], ["2", "two\nlines", ""]])
    #expect(t.records.map(\.line) == [2, 4])
  }

  @Test(arguments: [
    ("a,b\n1,2,3\n", 2, "expected 2 fields (as in the header), found 3"),
    ("a,b\n1,x\"y\n", 2, "a quote inside an unquoted field"),
    ("a,b\n1,\"open\n", 2, "a quoted field is never closed"),
    ("a,a\n1,2\n", 1, "header names column 'a' twice"),
    ("a,\n1,2\n", 1, "header column 2 has no name"),
    ("a,b\n1,\"x\"y\n", 2, "characters after a closing quote"),
  ] as [(String, Int, String)])
  func malformedCSVIsOneErrorWithItsLine(text: String, line: Int, message: String) {
    let error = #expect(throws: LabError.self) { try CSVTable.parse(Data(text.utf8), file: "t.csv") }
    #expect(error?.location?.line == line && error?.location?.file == "t.csv")
    #expect(error?.message.hasPrefix(message) == true, "\(String(describing: error))")
  }
}

@Suite struct CSVTraceReaderTests {
  let campaign = Fixtures.llama1B  // lora_rank [2, 64], lora_alpha [1, 64], lora_dropout [0, 0.5], lr 10^[-10, -1], wd 10^[-5, -1]
  let header = "rank,lora_alpha,lora_dropout,lr,weight_decay,hellaswag.acc,status,start,end\n"

  func read(_ rows: String, columns: [String] = ["lora_rank=rank", "learning_rate=lr"]) throws -> CSVTraceReader.Result {
    try CSVTraceReader.read(Data((header + rows).utf8), file: "my.csv", run: "mine", campaign: campaign, columns: columns + ["state=status"])
  }

  @Test func rowsBecomeTrialsInTheCampaignsScale() throws {
    let r = try read("""
      33,32,0.25,3.162277660168379e-06,0.001,0.31,COMPLETE,2025-01-20 10:48:58,2025-01-20T11:19:51.5Z
      10,10,0.1,0.001,0.01,,FAIL,2025-01-20 11:20:00,2025-01-20 11:21:00
      """)
    #expect(r.skipped == 1)
    let t = try #require(r.trials.first)
    #expect(t.line == 2)
    #expect(t.converted == [33, 32, 0.25, 3.162277660168379e-06, 0.001])
    // 10^-5.5 = 3.162277660168379e-06 in Python (the first line of soo_bis.json records both), so x = -5.5 up to a digit.
    #expect(Swift.abs(t.base[3] - -5.5) < 1e-15)
    #expect(t.metrics[MetricName.hellaswagAcc] == 0.31)
    #expect(t.trainingSeconds == 1853)  // 10:48:58 → 11:19:51, the fraction dropped
    #expect(t.info("csv_line") == .int(2))
  }

  @Test(arguments: [
    ("900,32,0.25,0.001,0.001,0.3,,,", "rank", "lora_rank = 900.0 is outside campaign llama-3.2-1b's range [2.0, 64.0]"),
    ("33.5,32,0.25,0.001,0.001,0.3,,,", "rank", "integer parameter lora_rank has the value 33.5"),
    ("33,32,0.25,-0.001,0.001,0.3,,,", "lr", "log-scaled parameter learning_rate has the value -0.001 (must be > 0)"),
    ("33,32,0.25,1e-12,0.001,0.3,,,", "lr", "learning_rate = 1e-12 is outside campaign llama-3.2-1b's range [1e-10, 0.1]"),
    ("33,32,0.25,0.001,0.001,1.7,,,", "hellaswag.acc", "hellaswag.acc = 1.7 is outside its declared range [0.0, 1.0]"),
    ("33,32,0.25,0.001,0.001,nan,,,", "hellaswag.acc", "non-finite value NaN for metric hellaswag.acc"),
    ("33,32,0.25,0.001,0.001,,,,", "hellaswag.acc", "no value for the objective hellaswag.acc"),
    ("33,32,0.25,0.001,0.001,abc,,,", "hellaswag.acc", "'abc' is not a number"),
    ("33,32,0.25,0.001,0.001,0.3,done,,", "status", "unknown state 'done'"),
    ("33,32,0.25,0.001,0.001,0.3,,2025-01-20 12:00:00,2025-01-20 11:00:00", "end",
     "end of training 2025-01-20 11:00:00 is before the opening time 2025-01-20 12:00:00"),
    ("33,32,0.25,0.001,0.001,0.3,,2025-01-20 12:00:00+02:00,", "start", "time '2025-01-20 12:00:00+02:00' does not parse"),
  ] as [(String, String, String)])
  func aBadCellNamesFileLineAndColumn(row: String, field: String, message: String) {
    let error = #expect(throws: LabError.self) { try read(row + "\n") }
    #expect(error?.location == LabError.Location(file: "my.csv", line: 2, field: field), "\(String(describing: error))")
    #expect(error?.message.hasPrefix(message) == true, "\(String(describing: error))")
  }

  @Test func columnsMissingOrUnknownAreClearErrors() throws {
    let missing = try #require(throws: LabError.self) { try read("1,2,0.1,0.001,0.001,0.3,,,\n", columns: []) }
    #expect(missing.location?.line == 1)
    #expect(missing.message.hasPrefix("no column for lora_rank, learning_rate (header: rank, lora_alpha, "))
    #expect(missing.message.hasSuffix("map one with --column lora_rank=HEADER"))
    let unknownTarget = try #require(throws: LabError.self) { try read("", columns: ["rnk=rank"]) }
    #expect(unknownTarget.message.hasPrefix("--column rnk=rank: 'rnk' is not a parameter, metric, standard error or start/end_training/end/state of campaign llama-3.2-1b"))
    let unknownHeader = try #require(throws: LabError.self) { try read("", columns: ["lora_rank=rnk", "learning_rate=lr"]) }
    #expect(unknownHeader.message.hasPrefix("no column 'rnk' (for lora_rank) in the header; columns: rank, lora_alpha"))
    let malformed = try #require(throws: LabError.self) { try read("", columns: ["lora_rank"]) }
    #expect(malformed.message == "--column 'lora_rank' must be TARGET=HEADER, e.g. learning_rate=lr")
  }

  @Test func skipBadKeepsTheGoodRows() throws {
    let data = Data((header + "33,32,0.25,0.001,0.001,0.3,,,\n900,32,0.25,0.001,0.001,0.3,,,\n").utf8)
    let r = try CSVTraceReader.read(data, file: "my.csv", run: "mine", campaign: campaign, columns: ["lora_rank=rank", "learning_rate=lr"], skipBad: true)
    #expect(r.trials.map(\.line) == [2])
    #expect(r.bad.map(\.line) == [3])
  }
}
