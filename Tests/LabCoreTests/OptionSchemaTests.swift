import LabCore
import Testing

@Suite struct OptionSchemaTests {
  static let schema = OptionSchema(
    owner: "demo",
    [
      OptionSpec("k", "arity", .integer(min: 2), default: "3"),
      OptionSpec("eta", "eta", .real(.openClosed(0, 1)), default: "1"),
      OptionSpec("pending", "pending rule", .choice(["kb", "lp"]), default: "kb"),
      OptionSpec("multivariate", "joint density", .boolean, default: "false"),
      OptionSpec("depth-limit", "h_max", .keywordOrInteger(["unlimited", "sqrt"], min: 0), default: "unlimited"),
    ])

  @Test func validValuesComeBackTyped() throws {
    let v = try Self.schema.validate(["k": "4", "eta": "0.5", "pending": "lp", "multivariate": "true", "depth-limit": "sqrt"])
    #expect(v.integer("k") == 4 && v.real("eta") == 0.5 && v.keyword("pending") == "lp" && v.boolean("multivariate") == true)
    #expect(v["depth-limit"] == .keyword("sqrt"))
    #expect(try Self.schema.validate(["depth-limit": "7"]).integer("depth-limit") == 7)
    // Absent keys stay absent: the entry applies its own default.
    #expect(try Self.schema.validate([:]).values.isEmpty)
  }

  @Test(arguments: [
    (["arity": "3"], "demo: unknown option 'arity'; valid: k, eta, pending, multivariate, depth-limit", "options.arity"),
    (["k": "many"], "demo: option 'k' must be an integer, got 'many'", "options.k"),
    (["k": "1"], "demo: option 'k' must be an integer ≥ 2, got '1'", "options.k"),
    (["eta": "0"], "demo: option 'eta' must be a number in (0, 1], got '0'", "options.eta"),
    (["eta": "nan"], "demo: option 'eta' must be a finite number, got 'nan'", "options.eta"),
    (["pending": "qei"], "demo: unknown pending 'qei'; valid: kb, lp", "options.pending"),
    (["multivariate": "yes"], "demo: option 'multivariate' must be true or false, got 'yes'", "options.multivariate"),
    (["depth-limit": "-1"], "demo: depth-limit must be unlimited, sqrt or an integer ≥ 0, got '-1'", "options.depth-limit"),
  ])
  func badValuesAreRefusedNamingTheKeyAndWhatIsAllowed(given: [String: String], message: String, field: String) throws {
    let error = try #require(throws: LabError.self) { try Self.schema.validate(given) }
    #expect(error.code == .invalidInput)
    #expect(error.message == message)
    #expect(error.location?.field == field)
  }

  @Test func theFirstErrorIsTheFirstKeyInSortedOrderAndAnEmptySchemaSaysNone() throws {
    let e = try #require(throws: LabError.self) { try Self.schema.validate(["zeta": "1", "alpha": "2"]) }
    #expect(e.message.hasPrefix("demo: unknown option 'alpha'"))
    let none = try #require(throws: LabError.self) { try OptionSchema(owner: "random", []).validate(["x": "1"]) }
    #expect(none.message == "random: unknown option 'x'; valid: none")
  }

  @Test func theMarkdownTableHasOneRowPerOptionInOrder() {
    let table = Self.schema.markdownTable()
    let rows = table.split(separator: "\n")
    #expect(rows.count == 2 + 5)
    #expect(rows[2] == "| `k` | integer ≥ 2 | `3` | arity |")
    #expect(rows[3] == "| `eta` | number in (0, 1] | `1` | eta |")
    #expect(rows[6] == "| `depth-limit` | unlimited, sqrt or an integer ≥ 0 | `unlimited` | h_max |")
    #expect(OptionSchema(owner: "x", []).markdownTable() == "No options.\n")
  }

  @Test func realBoundsFollowIntervalNotation() {
    let b = OptionSpec.RealBounds.openClosed(0, 1)
    #expect(!b.contains(0) && b.contains(1e-12) && b.contains(1) && !b.contains(1.0000001))
    #expect(OptionSpec.RealBounds(lower: 1).description == "[1, ∞)")
    #expect(OptionSpec.RealBounds(lower: 0.5, upper: 2, lowerClosed: true, upperClosed: false).description == "[0.5, 2)")
  }
}
