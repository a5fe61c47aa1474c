import LabCore
import Testing

@Suite struct RandomTests {
  // Expected values from an independent Python implementation of SplitMix64 seeding and xoshiro256**
  // (Blackman and Vigna 2018), written from the papers, not from this code.
  @Test func aSeedGivesTheSameNumbersOnEveryMachine() {
    var g = SeededGenerator(seed: 42)
    #expect([g.next(), g.next(), g.next()] == [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1])
    var zero = SeededGenerator(seed: 0)
    #expect([zero.next(), zero.next()] == [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A])
    var u = SeededGenerator(seed: 42)
    #expect([u.uniform(), u.uniform()] == [0.08386297105988216, 0.3789802506626686])
  }

  @Test func streamsAreDerivedFromTheirKeysReproducibly() {
    #expect(SeededGenerator.deriveSeed([1, 2, 3]) == 0x527E_0D2D_02AF_9899)
    var s = SeededGenerator.stream(7, 1, 0, 2)
    #expect([s.next(), s.next()] == [0xC75C_A49E_F78C_FFAB, 0x88AE_7BB9_8D65_9B5B])
    var again = SeededGenerator.stream(7, 1, 0, 2)
    #expect([again.next(), again.next()] == [0xC75C_A49E_F78C_FFAB, 0x88AE_7BB9_8D65_9B5B])
  }

  @Test func differentKeysGiveDifferentStreams() {
    // Order matters, length matters, and neighbouring trial ids differ.
    let keys: [[UInt64]] = [[1, 2], [2, 1], [1, 2, 0], [1], [1, 3], [0, 0], [0], []]
    let seeds = keys.map(SeededGenerator.deriveSeed)
    #expect(Set(seeds).count == keys.count)
    var firsts = Set<UInt64>()
    for trial in UInt64(0)..<1000 {
      var g = SeededGenerator.stream(stableHash("study"), 5, trial, StreamPurpose.evaluation.rawValue)
      firsts.insert(g.next())
    }
    #expect(firsts.count == 1000)
  }

  @Test func neighbouringStreamsAreUncorrelated() {
    // Pearson correlation of 20,000 uniforms from streams (seed, trial) and (seed, trial + 1):
    // for independent streams it is about N(0, 1/√n) ≈ ±0.007; 0.03 is over four standard deviations.
    let n = 20_000
    for trial in UInt64(0)..<4 {
      var a = SeededGenerator.stream(1, trial)
      var b = SeededGenerator.stream(1, trial + 1)
      let x = (0..<n).map { _ in a.uniform() }
      let y = (0..<n).map { _ in b.uniform() }
      let mx = x.reduce(0, +) / Double(n), my = y.reduce(0, +) / Double(n)
      var sxy = 0.0, sxx = 0.0, syy = 0.0
      for i in 0..<n {
        sxy += (x[i] - mx) * (y[i] - my)
        sxx += (x[i] - mx) * (x[i] - mx)
        syy += (y[i] - my) * (y[i] - my)
      }
      let r = sxy / (sxx * syy).squareRoot()
      #expect(abs(r) < 0.03, "trial \(trial): r = \(r)")
      #expect(abs(mx - 0.5) < 0.01)
    }
  }

  @Test func drawsStayInTheirRanges() {
    var g = SeededGenerator(seed: 9)
    var counts = [Int](repeating: 0, count: 7)
    for _ in 0..<7000 {
      let u = g.uniform()
      #expect(u >= 0 && u < 1)
      counts[g.index(below: 7)] += 1
    }
    // Each of 7 cells expects 1000 (sd ≈ 29): all within 150.
    #expect(counts.allSatisfy { abs($0 - 1000) < 150 }, "\(counts)")
    var items = Array(0..<50)
    g.shuffle(&items)
    #expect(items.sorted() == Array(0..<50))
    #expect(items != Array(0..<50))
  }

  @Test func stableHashIsFNV1a() {
    // FNV-1a 64 of "" is the offset basis; of "a" the published test vector.
    #expect(stableHash("") == 0xCBF2_9CE4_8422_2325)
    #expect(stableHash("a") == 0xAF63_DC4C_8601_EC8C)
  }
}
