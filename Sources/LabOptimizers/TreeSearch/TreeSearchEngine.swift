// Notation (Munos 2011; Wang et al. 2014; algorithms 3.2, 3.3 and A.1 of the seed report)
//   n                 real evaluations proposed so far (the budget counts these)
//   loop              sweep number, from 0; a sweep visits depths h = 0 … H, H = min(depth(T), h_max(n))
//                     fixed when the sweep starts
//   v_max             the best score expanded so far in this sweep (−∞ at its start)
//   f⁺                the best score so far, evaluated or approximated (BaMSOO)
//   at depth h:       the best open leaf (first created on ties) is expanded if its score > v_max;
//                     then v_max ← its score
//
// Batching (how a sweep becomes batches of evaluations under W workers):
//   sequential  the recorded order. Depths are visited one after the other; SOO proposes the
//               children of one expansion together (they are independent) and waits for them
//               before the next depth, because a child just created at depth h+1 may be the best
//               leaf of depth h+1 in the same sweep (this happens in soo.json and soo_bis.json).
//               BaMSOO decides one child at a time: each decision uses the model refitted on every
//               result so far, as the recorded run did.
//   sweep       the whole sweep is one batch: at each depth, only leaves that existed when the sweep
//               started compete; the next sweep starts when the batch is done.
//   asyncSweep  as `sweep`, but a new sweep may start while evaluations are pending: it considers only
//               leaves whose scores are known. Sound: a node is expanded only when it is the best
//               known open leaf of its depth and beats v_max, and never twice.

import LabCore

/// How the evaluations of a sweep are grouped into batches (see the notation block of TreeSearchEngine.swift).
public enum SweepBatching: String, Sendable, Hashable, Codable, CaseIterable {
  /// The recorded order; reproduces the recordings point for point.
  case sequential
  /// One batch per sweep, leaves created in the sweep wait for the next one.
  case sweep
  /// One batch per sweep; a sweep may start while earlier evaluations are pending (asynchronous workers).
  case asyncSweep
}

/// When a new sweep may start, given the budget.
public enum LoopCondition: String, Sendable, Hashable, Codable {
  /// While n < budget (SOO as recorded: `soo_bis.json` stops at 51 evaluations for a budget of 50).
  case belowBudget
  /// While n ≤ budget (BaMSOO as recorded: 52 evaluations for a budget of 50).
  case atMostBudget
}

/// SOO's optional depth limit h_max(n) (Munos 2011, section 3).
public enum DepthLimit: Sendable, Hashable, Codable {
  /// No limit (the recorded runs).
  case unlimited
  /// h_max(n) = c.
  case constant(Int)
  /// h_max(n) = ⌊√n⌋, the choice Munos discusses for functions with unknown smoothness.
  case squareRoot

  func value(evaluations n: Int) -> Int {
    switch self {
    case .unlimited: return .max
    case .constant(let c): return max(c, 0)
    case .squareRoot: return Int(Double(max(n, 0)).squareRoot())
    }
  }
}

/// Options shared by ``SOO`` and ``BaMSOO``.
public struct TreeSearchOptions: Sendable, Hashable {
  /// K, children per split (3 in the recordings).
  public var arity: Int = 3
  public var inheritance: InheritanceRule = .recorded
  /// Real evaluations allowed; checked only when a sweep starts, so a run may overshoot. `nil`: never stop.
  public var budget: Int?
  public var loopCondition: LoopCondition = .belowBudget
  public var depthLimit: DepthLimit = .unlimited
  public var batching: SweepBatching = .sequential
  /// Stop after this many consecutive sweeps that propose no evaluation (guards against trees that only inherit).
  public var maxIdleSweeps: Int = 1000
  /// Whether the last sweep may overshoot the budget, as recorded (`true`), or the budget is a hard cap
  /// enforced by the simulator (`false`: option `budget = strict`, for comparisons at equal budgets).
  public var overshootsBudget: Bool = true

  public init(
    arity: Int = 3, inheritance: InheritanceRule = .recorded, budget: Int? = nil,
    loopCondition: LoopCondition = .belowBudget, depthLimit: DepthLimit = .unlimited,
    batching: SweepBatching = .sequential, maxIdleSweeps: Int = 1000, overshootsBudget: Bool = true
  ) {
    self.overshootsBudget = overshootsBudget
    self.arity = arity
    self.inheritance = inheritance
    self.budget = budget
    self.loopCondition = loopCondition
    self.depthLimit = depthLimit
    self.batching = batching
    self.maxIdleSweeps = maxIdleSweeps
  }
}

/// A model that is never asked anything: SOO's scoring evaluates every centre.
public struct NoModel: ConfidenceModel, Sendable {
  public init() {}
  public mutating func fit(points: [Point], values: [Double], using rng: inout SeededGenerator) throws {}
  public mutating func bounds(for query: LeafQuery) throws -> ConfidenceBounds {
    ConfidenceBounds(lower: -.infinity, upper: .infinity)
  }
}

/// The ask/tell state machine behind ``SOO`` and ``BaMSOO``: sweeps over the tree, emits the centres to evaluate.
///
/// With `model == nil` every leaf that does not inherit is evaluated (SOO); with a model,
/// a leaf is evaluated only when its upper bound reaches f⁺ and is otherwise scored by its
/// lower bound (BaMSOO).
struct TreeSearchEngine<Model: ConfidenceModel> {
  private(set) var tree: PartitionTree
  let options: TreeSearchOptions
  var model: Model?
  let eta: Double
  let algorithm: String

  /// Real evaluations proposed so far (n).
  private(set) var evaluations = 0
  private(set) var loop = 0
  /// f⁺: best evaluated or approximated score.
  private(set) var fPlus = -Double.infinity
  private(set) var finished = false

  private var ready: [Proposal] = []
  private var readyHead = 0
  private var pendingByPoint: [Point: [Int]] = [:]
  private var pendingCount = 0
  private var approximations: [Approximation] = []
  private var worstValue = Double.infinity
  private var idleSweeps = 0

  private struct Expansion {
    var parent: Int
    var boxes: [(lower: [Double], upper: [Double])]
    var next = 0
    var children: [Int] = []
  }
  private struct Sweep {
    var maxDepth: Int
    var depth = 0
    var vmax = -Double.infinity
    var expansion: Expansion? = nil
    var evaluationsAtStart: Int
    var nodesAtStart: Int
  }
  private var sweep: Sweep? = nil

  init(space: SearchSpace, options: TreeSearchOptions, model: Model?, eta: Double, algorithm: String) throws {
    if let b = options.budget, b < 1 {
      throw LabError(.invalidInput, "\(algorithm): the budget must be at least 1 evaluation, got \(b)")
    }
    guard options.maxIdleSweeps >= 1 else {
      throw LabError(.invalidInput, "\(algorithm): maxIdleSweeps must be at least 1, got \(options.maxIdleSweeps)")
    }
    guard eta > 0, eta <= 1 else {
      throw LabError(.invalidInput, "\(algorithm): eta must lie in (0, 1], got \(eta)")
    }
    tree = try PartitionTree(space: space, arity: options.arity, inheritance: options.inheritance)
    self.options = options
    self.model = model
    self.eta = eta
    self.algorithm = algorithm
  }

  // MARK: ask / tell

  mutating func propose(using rng: inout SeededGenerator) throws -> Proposal? {
    if readyHead == ready.count { try advance(using: &rng) }
    guard readyHead < ready.count else { return nil }
    let p = ready[readyHead]
    readyHead += 1
    if readyHead == ready.count {
      ready.removeAll(keepingCapacity: true)
      readyHead = 0
    }
    return p
  }

  mutating func observe(_ observation: Observation) throws {
    try validate(observation, proposer: algorithm)
    guard var queue = pendingByPoint[observation.point], !queue.isEmpty else {
      throw LabError(
        .invalidInput,
        "\(algorithm): trial \(observation.trial) reports a result at \(observation.point), which is not a pending leaf centre")
    }
    let position = queue.removeFirst()
    pendingByPoint[observation.point] = queue.isEmpty ? nil : queue
    pendingCount -= 1
    switch observation.result {
    case .value(let v):
      tree.setScore(v, of: position, kind: .evaluated)
      worstValue = min(worstValue, v)
      if v > fPlus { fPlus = v }
    case .failed:
      // A failed trial is an outcome: the leaf takes the worst value seen so far, so that it is
      // expanded last, and it is kept out of the model's data.
      let imputed = worstValue.isFinite ? worstValue : -Double.greatestFiniteMagnitude
      tree.setScore(imputed, of: position, kind: .failed)
    }
  }

  mutating func takeApproximations() -> [Approximation] {
    defer { approximations.removeAll() }
    return approximations
  }

  // MARK: the sweep

  private func loopMayContinue() -> Bool {
    guard let budget = options.budget else { return true }
    switch options.loopCondition {
    case .belowBudget: return evaluations < budget
    case .atMostBudget: return evaluations <= budget
    }
  }

  private func sweepDepth() -> Int {
    min(tree.maxDepth, options.depthLimit.value(evaluations: evaluations))
  }

  private mutating func advance(using rng: inout SeededGenerator) throws {
    if finished { return }
    if tree.count == 0 {
      let root = tree.makeRoot(loop: loop)
      enqueue(root, extra: [:])
      return
    }
    guard tree.nodes[0].score != nil else { return }  // the root's result is pending
    if fPlus == -.infinity, let s = tree.nodes[0].score { fPlus = s }  // a failed root
    switch options.batching {
    case .sequential: try advanceSequentially(using: &rng)
    case .sweep, .asyncSweep: try advanceBySweeps(using: &rng)
    }
  }

  /// Algorithms 3.2 / A.1 step by step, stopping whenever a result is needed.
  private mutating func advanceSequentially(using rng: inout SeededGenerator) throws {
    while readyHead == ready.count {
      if sweep == nil {
        guard pendingCount == 0 else { return }
        guard loopMayContinue(), idleSweeps < options.maxIdleSweeps else {
          finished = true
          return
        }
        sweep = Sweep(maxDepth: sweepDepth(), evaluationsAtStart: evaluations, nodesAtStart: tree.count)
      }
      guard var s = sweep else { return }
      if var e = s.expansion {
        while e.next < tree.arity {
          if model != nil && pendingCount > 0 { break }
          let enqueued = try addChild(of: e.parent, index: e.next, box: e.boxes[e.next], using: &rng, into: &e)
          if model != nil && enqueued { break }
        }
        let waiting = e.next < tree.arity || e.children.contains { tree.nodes[$0].kind == .pending }
        if waiting {
          s.expansion = e
          sweep = s
          return
        }
        s.vmax = tree.nodes[e.parent].score ?? s.vmax
        s.expansion = nil
        s.depth += 1
        sweep = s
        continue
      }
      if s.depth > s.maxDepth {
        endSweep(s)
        continue
      }
      guard let best = tree.bestOpenLeaf(atDepth: s.depth), let score = tree.nodes[best].score else {
        s.depth += 1
        sweep = s
        continue
      }
      if score > s.vmax {
        if tree.nodes[best].isExpanded {
          // Recorded rule only: a node all of whose children inherited stays open. The recorded
          // code would rebuild the same children; they exist already, so nothing is created.
          s.vmax = score
          s.depth += 1
        } else {
          s.expansion = Expansion(parent: best, boxes: tree.section(best))
        }
      } else {
        s.depth += 1
      }
      sweep = s
    }
  }

  private mutating func endSweep(_ s: Sweep) {
    if evaluations == s.evaluationsAtStart {
      idleSweeps += 1
      // Nothing created, nothing evaluated: the next sweep would be the same one.
      if tree.count == s.nodesAtStart { finished = true }
    } else {
      idleSweeps = 0
    }
    loop += 1
    sweep = nil
  }

  /// One whole sweep at a time (`sweep`, `asyncSweep`).
  private mutating func advanceBySweeps(using rng: inout SeededGenerator) throws {
    while readyHead == ready.count {
      if pendingCount > 0 && options.batching == .sweep { return }
      guard loopMayContinue(), idleSweeps < options.maxIdleSweeps else {
        if pendingCount == 0 { finished = true }
        return
      }
      let limit = tree.count
      var s = Sweep(maxDepth: sweepDepth(), evaluationsAtStart: evaluations, nodesAtStart: limit)
      if let m = model {
        var fitted = m
        let data = tree.evaluatedData()
        try fitted.fit(points: data.points, values: data.values, using: &rng)
        model = fitted
      }
      while s.depth <= s.maxDepth {
        if let best = tree.bestOpenLeaf(atDepth: s.depth, createdBefore: limit), let score = tree.nodes[best].score,
          score > s.vmax
        {
          if !tree.nodes[best].isExpanded {
            var e = Expansion(parent: best, boxes: tree.section(best))
            while e.next < tree.arity {
              _ = try addChild(of: best, index: e.next, box: e.boxes[e.next], using: &rng, into: &e, refit: false)
            }
          }
          s.vmax = score
        }
        s.depth += 1
      }
      let createdNothing = tree.count == s.nodesAtStart
      endSweep(s)
      if createdNothing {
        // Nothing to expand among the known leaves: wait for pending results, or stop.
        finished = pendingCount == 0
        return
      }
    }
  }

  /// Creates child `index` of `parent`; inherits, or enqueues its evaluation, or (BaMSOO) approximates it.
  /// Returns whether an evaluation was enqueued.
  private mutating func addChild(
    of parent: Int, index: Int, box: (lower: [Double], upper: [Double]), using rng: inout SeededGenerator,
    into e: inout Expansion, refit: Bool = true
  ) throws -> Bool {
    let nodesBefore = tree.count
    let (position, inherited) = tree.addChild(of: parent, child: index, box: box, loop: loop)
    e.children.append(position)
    e.next += 1
    if inherited { return false }
    guard var m = model else {
      enqueue(position, extra: [:])
      return true
    }
    if refit {
      let data = tree.evaluatedData()
      try m.fit(points: data.points, values: data.values, using: &rng)
    }
    let node = tree.nodes[position]
    let beta = bamsooBeta(nodeCount: nodesBefore, eta: eta)
    let b = try m.bounds(for: LeafQuery(point: node.centre, key: node.key, nodeCount: nodesBefore, beta: beta))
    model = m
    guard !b.lower.isNaN, !b.upper.isNaN else {
      throw LabError(.numerical, "\(algorithm): NaN confidence bounds at node \(node.key), centre \(node.centre)")
    }
    var extra = ["ucb": "\(b.upper)", "lcb": "\(b.lower)", "f_plus": "\(fPlus)", "beta": "\(beta)"]
    if b.upper >= fPlus {
      enqueue(position, extra: extra)
      return true
    }
    tree.setScore(b.lower, of: position, kind: .approximated)
    extra["score_state"] = ScoreKind.approximated.rawValue
    approximations.append(
      Approximation(
        point: node.centre, value: b.lower, lower: b.lower, upper: b.upper, info: info(of: position).merging(extra) { $1 }))
    if b.lower > fPlus { fPlus = b.lower }
    return false
  }

  private func info(of position: Int) -> [String: String] {
    let node = tree.nodes[position]
    var info = ["depth": String(node.key.depth), "loop": String(node.loop), "score_state": "evaluated"]
    if let j = node.key.index { info["depth_id"] = String(j) }
    return info
  }

  private mutating func enqueue(_ position: Int, extra: [String: String]) {
    let node = tree.nodes[position]
    ready.append(Proposal(point: node.centre, info: info(of: position).merging(extra) { $1 }))
    pendingByPoint[node.centre, default: []].append(position)
    pendingCount += 1
    evaluations += 1
  }
}
