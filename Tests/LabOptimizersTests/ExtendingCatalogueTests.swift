import Foundation
import LabCore
import LabOptimizers
import Testing

/// The smallest optimiser, written as docs/extending.md says: the Halton sequence (Halton 1960), one prime base per coordinate.
///
/// The radical inverse of i in base b reflects i's base-b digits about the point:
/// base 2 gives 1/2, 1/4, 3/4, 1/8, …; base 3 gives 1/3, 2/3, 1/9, ….
struct HaltonSequence: Proposer, Sendable {
  let space: SearchSpace
  var index: Int
  var name: String { "halton" }

  static let primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]

  init(space: SearchSpace, skip: Int) throws {
    guard space.dimension <= Self.primes.count else {
      throw LabError(.unsupported, "halton: at most \(Self.primes.count) dimensions, got \(space.dimension)")
    }
    self.space = space
    self.index = skip + 1
  }

  static func radicalInverse(_ i: Int, base: Int) -> Double {
    var (n, f, r) = (i, 1.0 / Double(base), 0.0)
    while n > 0 {
      r += Double(n % base) * f
      n /= base
      f /= Double(base)
    }
    return r
  }

  mutating func propose(pending: [Point], using rng: inout SeededGenerator) throws -> Proposal? {
    defer { index += 1 }
    return Proposal(point: space.point(unit: (0..<space.dimension).map { Self.radicalInverse(index, base: Self.primes[$0]) }))
  }

  mutating func observe(_ observation: Observation) throws { try validate(observation, proposer: name) }
}

extension ProposerEntry {
  /// The entry docs/extending.md shows: name, summary, schema, factory.
  static let halton = ProposerEntry(
    name: "halton", summary: "Halton sequence (Halton 1960)",
    options: [OptionSpec("skip", "leading points of the sequence to skip", .integer(min: 0), default: "0")]
  ) { context in try HaltonSequence(space: context.space, skip: context.options.integer("skip") ?? 0) }
}

/// The catalogue with the test-only proposer registered — the one line docs/extending.md asks for.
let extendedCatalogue = ProposerCatalogue.standard.adding(.halton)

@Suite struct ExtendingTheCatalogueTests {
  @Test func oneRegistrationLineMakesTheProposerAvailableByName() throws {
    #expect(extendedCatalogue.names == ProposerCatalogue.standard.names + ["halton"])
    var proposer = try extendedCatalogue.make("halton", space: himmelblauSpace, budget: 10)
    var rng = SeededGenerator(seed: 0)
    let first = try (0..<3).map { _ in try #require(try proposer.propose(pending: [], using: &rng)).point.unit }
    // Halton (1960): bases 2 and 3, indices 1, 2, 3.
    let expected: [[Double]] = [[0.5, 1.0 / 3], [0.25, 2.0 / 3], [0.75, 1.0 / 9]]
    #expect(first == expected)
    var skipped = try extendedCatalogue.make("halton", options: ["skip": "2"], space: himmelblauSpace, budget: 10)
    let third: [Double] = [0.75, 1.0 / 9]
    #expect(try skipped.propose(pending: [], using: &rng)?.point.unit == third)
  }

  @Test func errorsHelpAndDocsComeFromTheEntry() throws {
    let unknown = try #require(throws: LabError.self) { try extendedCatalogue.make("sobol", space: himmelblauSpace, budget: 5) }
    #expect(unknown.message.hasSuffix(", halton"))
    let option = try #require(throws: LabError.self) {
      try extendedCatalogue.make("halton", options: ["leap": "2"], space: himmelblauSpace, budget: 5)
    }
    #expect(option.message == "halton: unknown option 'leap'; valid: skip")
    let range = try #require(throws: LabError.self) {
      try extendedCatalogue.make("halton", options: ["skip": "-1"], space: himmelblauSpace, budget: 5)
    }
    #expect(range.message == "halton: option 'skip' must be an integer ≥ 0, got '-1'")
    #expect(extendedCatalogue.optionHelp.hasSuffix("halton: skip"))
    #expect(extendedCatalogue.markdownTable().contains("| `halton` | Halton sequence (Halton 1960) | `skip` |"))
    // The shipped catalogue is untouched.
    #expect(!ProposerCatalogue.isKnown("halton"))
  }

  /// docs/optimisers.md embeds ``ProposerCatalogue/markdownTable()`` between two markers;
  /// `HPOLAB_REGENERATE_DOCS=1 swift test --filter docsOptimisersMd` rewrites that section.
  @Test func docsOptimisersMdHoldsTheCataloguesGeneratedTable() throws {
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let file = repo.appendingPathComponent("docs/optimisers.md")
    let text = try String(contentsOf: file, encoding: .utf8)
    let (begin, end) = ("<!-- catalogue:begin -->\n", "<!-- catalogue:end -->")
    let start = try #require(text.range(of: begin), "docs/optimisers.md lacks the marker \(begin)")
    let stop = try #require(text.range(of: end, range: start.upperBound..<text.endIndex), "docs/optimisers.md lacks \(end)")
    let table = ProposerCatalogue.standard.markdownTable()
    if ProcessInfo.processInfo.environment["HPOLAB_REGENERATE_DOCS"] == "1" {
      try (text[..<start.upperBound] + table + text[stop.lowerBound...]).write(to: file, atomically: true, encoding: .utf8)
      return
    }
    #expect(String(text[start.upperBound..<stop.lowerBound]) == table, "docs/optimisers.md is out of date: HPOLAB_REGENERATE_DOCS=1 swift test --filter docsOptimisersMd")
  }
}
