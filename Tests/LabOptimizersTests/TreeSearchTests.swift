import LabCore
import LabData
import Testing

@testable import LabOptimizers

@Suite struct TreeSearchTests {
  @Test func sectionReproducesTheRecordedRankCentresBitForBit() throws {
    var tree = try PartitionTree(space: .llama32_1B)
    let root = tree.makeRoot()
    tree.setScore(0.3, of: root, kind: .evaluated)
    #expect(tree.splitDimension(of: root) == 0)  // every width is 1: the tie goes to lora_rank
    let centres = tree.section(root).map { PartitionTree.centre(lower: $0.lower, upper: $0.upper)[0] }
    #expect(centres == [12.333333333333334, 33.0, 53.66666666666667])
  }

  @Test func splitsCycleThroughTheDimensionsWithDepth() throws {
    // Ties on the widest normalised dimension go to the lowest index: rank, alpha, dropout, lr, wd, rank, …
    var tree = try PartitionTree(space: .llama32_1B)
    var position = tree.makeRoot()
    var dims: [Int] = []
    for _ in 0..<7 {
      tree.setScore(0, of: position, kind: .evaluated)
      dims.append(tree.splitDimension(of: position))
      let box = tree.section(position)[0]
      position = tree.addChild(of: position, child: 0, box: box, loop: 0).position
    }
    #expect(dims == [0, 1, 2, 3, 4, 0, 1])
  }

  @Test func recordedRuleInheritsTheFarLearningRateChildButStrictDoesNot() throws {
    // (3, 19) of soo_bis: centre lr −5.5 split into −8.5, −5.5, −2.5. 10^-8.5 is within 1e-4 of 10^-5.5.
    for (rule, expected) in [(InheritanceRule.recorded, [true, true, false]), (.strict, [false, true, false])] {
      var tree = try PartitionTree(space: .llama32_1B, inheritance: rule)
      var p = tree.makeRoot()
      tree.setScore(0.47, of: p, kind: .evaluated)
      for _ in 0..<3 {  // rank, alpha, dropout: take the middle child
        let box = tree.section(p)[1]
        p = tree.addChild(of: p, child: 1, box: box, loop: 0).position
      }
      #expect(tree.splitDimension(of: p) == 3)
      let boxes = tree.section(p)
      let inherited = (0..<3).map { tree.addChild(of: p, child: $0, box: boxes[$0], loop: 0).inherited }
      #expect(inherited == expected, "\(rule)")
      #expect(tree.nodes[p].isOpen == false)
    }
  }

  @Test func inheritanceSpendsNoEvaluationWhenACentreRepeats() throws {
    // The root's middle child has the root's centre: SOO proposes only the two outer children.
    var soo = try SOO(space: .llama32_1B, options: TreeSearchOptions(budget: 3))
    var rng = SeededGenerator(seed: 1)
    let root = try #require(try soo.propose(pending: [], using: &rng))
    try soo.observe(Observation(trial: 0, point: root.point, result: .value(0.3)))
    let a = try #require(try soo.propose(pending: [], using: &rng))
    let b = try #require(try soo.propose(pending: [], using: &rng))
    #expect(try soo.propose(pending: [], using: &rng) == nil)  // waiting for the batch
    #expect(soo.evaluations == 3)
    #expect(soo.tree.count == 4)
    let middle = soo.tree.nodes[2]
    #expect(middle.kind == .inherited && middle.score == 0.3 && middle.centre == root.point)
    #expect(a.info["depth_id"] == "0" && b.info["depth_id"] == "2")
  }

  @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
  func childrenTileTheirParentOnRandomSplits(seed: UInt64) throws {
    var rng = SeededGenerator(seed: seed)
    let space = try SearchSpace([
      Parameter("a", .int, lower: -3, upper: 1000), Parameter("b", .float, lower: 0.001, upper: 0.002),
      Parameter("c", .log, lower: -9, upper: 2), Parameter("d", .float, lower: -1e6, upper: 3.5),
    ])
    let arity = 2 + rng.index(below: 4)
    var tree = try PartitionTree(space: space, arity: arity, inheritance: rng.index(below: 2) == 0 ? .recorded : .strict)
    let root = tree.makeRoot()
    tree.setScore(rng.uniform(), of: root, kind: .evaluated)
    for _ in 0..<300 {
      let open = tree.nodes.indices.filter { tree.nodes[$0].isOpen && !tree.nodes[$0].isExpanded }
      let p = open[rng.index(below: open.count)]
      for (i, box) in tree.section(p).enumerated() {
        let (c, inherited) = tree.addChild(of: p, child: i, box: box, loop: 0)
        if !inherited { tree.setScore(rng.uniform(), of: c, kind: .evaluated) }
      }
      tree.close(p)
    }
    try tree.checkInvariants()
    #expect(tree.count == 1 + 300 * arity)
  }

  @Test func theInvariantCheckerCatchesAGap() throws {
    var tree = try PartitionTree(space: .llama32_1B)
    let root = tree.makeRoot()
    tree.setScore(1, of: root, kind: .evaluated)
    var boxes = tree.section(root)
    boxes[1].lower[0] += 1e-9
    for (i, box) in boxes.enumerated() { _ = tree.addChild(of: root, child: i, box: box, loop: 0) }
    #expect(throws: LabError.self) { try tree.checkInvariants() }
  }

  @Test func badOptionsAreRejectedWithTheirValue() throws {
    #expect(throws: LabError.self) { try PartitionTree(space: .llama32_1B, arity: 1) }
    do {
      _ = try SOO(space: .llama32_1B, options: TreeSearchOptions(budget: 0))
      Issue.record("a budget of 0 was accepted")
    } catch let e as LabError {
      #expect(e.code == .invalidInput && e.message.contains("got 0"))
    }
    do {
      _ = try BaMSOO(space: .llama32_1B, model: NoModel(), eta: 1.5, options: TreeSearchOptions())
      Issue.record("eta 1.5 was accepted")
    } catch let e as LabError {
      #expect(e.message.contains("1.5"))
    }
  }

  @Test func anUnknownPointIsRejectedNamingTheTrial() throws {
    var soo = try SOO(space: .llama32_1B)
    var rng = SeededGenerator(seed: 1)
    _ = try soo.propose(pending: [], using: &rng)
    let elsewhere = SearchSpace.llama32_1B.point(unit: [0.1, 0.1, 0.1, 0.1, 0.1])
    do {
      try soo.observe(Observation(trial: 9, point: elsewhere, result: .value(1)))
      Issue.record("an unknown point was accepted")
    } catch let e as LabError {
      #expect(e.code == .invalidInput && e.message.contains("trial 9"))
    }
  }
}
