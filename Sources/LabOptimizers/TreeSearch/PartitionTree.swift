// Notation
//   d                 dimension of the search space
//   K                 children per expansion (K = 3 in the recorded runs)
//   (h, j)            a node: depth h ≥ 0 and index j at that depth; the children of (h, j)
//                     are (h+1, K·j + i) for i = 0 … K−1 (the traces' `depth`, `depth_id`)
//   [lo_k, hi_k]      the node's box in the BASE scale (the bounds of each Parameter)
//   x_k = (lo_k + hi_k) / 2                     the centre, in the base scale
//   w_k = (hi_k − lo_k) / (hi⁰_k − lo⁰_k)       the normalised width (⁰: the root's box)
//   c = convert(x)    the converted centre actually trained with (int truncation, 10^x)
//   score             larger is better; nil while the centre's evaluation is pending
//
// Every quantity is computed in the base scale with the same operations, in the same
// order, as the code that produced the recordings, so that centres reproduce the
// recorded `base_value`s bit for bit (12.333333333333334 and 53.66666666666667 for
// rank in [2, 64]).

import LabCore

/// How a node got its score.
public enum ScoreKind: String, Sendable, Hashable, Codable {
  /// The centre was evaluated (a real trial); the score is the observed value.
  case evaluated
  /// The centre was evaluated and the trial failed; the score is an imputed value (the worst value seen).
  case failed
  /// The centre (converted) equals the parent's: the parent's score was copied, no trial ran.
  case inherited
  /// BaMSOO scored the centre with the model's lower confidence bound; no trial ran.
  case approximated
  /// The centre's evaluation has been proposed and its result is not known yet.
  case pending
}

/// When a child takes its parent's score instead of being evaluated.
public enum InheritanceRule: String, Sendable, Hashable, Codable, CaseIterable {
  /// What the recorded runs did: the L1 distance between the converted centres of child and parent
  /// is below ``PartitionTree/recordedTolerance`` (absolute, on the trained values), and the parent's
  /// score is itself evaluated or inherited. A parent stays open when all its children inherited.
  ///
  /// This makes more than the middle child inherit: a learning-rate child at 10^-8.5 counts as equal
  /// to its parent at 10^-5.5 (the difference, 3.2e-6, is below 1e-4).
  case recorded
  /// The textbook rule: only a child whose converted centre equals the parent's exactly inherits
  /// (the middle child when K is odd, or integer parameters truncating to the same value), and an
  /// expanded node always leaves the set of open leaves.
  case strict
}

/// A node's place in the tree: depth h and index j at that depth (the traces' `depth` and `depth_id`).
public struct NodeKey: Sendable, Hashable, Codable, CustomStringConvertible {
  public var depth: Int
  /// K^h possible indices at depth h; `nil` once K^h no longer fits in an `Int` (depth > 39 for K = 3).
  public var index: Int?
  public init(depth: Int, index: Int?) {
    self.depth = depth
    self.index = index
  }
  public var description: String { "(\(depth), \(index.map(String.init) ?? "?"))" }
}

/// One cell of the partition: a box in the base scale, its centre and how its centre was scored.
public struct TreeNode: Sendable, Hashable {
  public var key: NodeKey
  /// Lower corner of the box, base scale.
  public var lower: [Double]
  /// Upper corner of the box, base scale.
  public var upper: [Double]
  /// The centre, as a point whose `base` coordinates are exact.
  public var centre: Point
  /// The centre converted to the values trained with.
  public var converted: Configuration
  /// The score (larger is better); `nil` while pending.
  public var score: Double?
  public var kind: ScoreKind
  /// Whether the node is still a candidate for expansion (an open leaf, SOO's L_n).
  public var isOpen: Bool
  /// Whether the node has been split.
  public var isExpanded: Bool
  /// The sweep (the traces' `loop`) in which the node was created.
  public var loop: Int
  /// Position of the parent in ``PartitionTree/nodes``; `nil` for the root.
  public var parent: Int?
  /// Positions of the children in ``PartitionTree/nodes``, in index order.
  public var children: [Int]
}

/// The K-ary partition of a search space used by SOO and BaMSOO, in the base scale.
///
/// Nodes are kept in creation order (``nodes``); ties between leaves are broken in
/// favour of the first created, as the recorded runs did. ``section(_:)`` splits the
/// widest dimension in normalised units into K equal parts, ties going to the lowest
/// dimension index, so that splits cycle rank → alpha → dropout → lr → wd with depth.
///
/// Munos (2011), "Optimistic optimization of a deterministic function without the
/// knowledge of its smoothness", NeurIPS 24 — the tree of SOO.
///
/// - Complexity: ``section(_:)`` O(K·d); ``bestOpenLeaf(atDepth:createdBefore:)`` O(nodes at that depth).
public struct PartitionTree: Sendable {
  /// The absolute L1 tolerance on converted centres under which the recorded runs treated a child as equal to its parent.
  public static let recordedTolerance = 1e-4

  public let space: SearchSpace
  /// K ≥ 2.
  public let arity: Int
  public let inheritance: InheritanceRule
  /// Every node, in creation order.
  public private(set) var nodes: [TreeNode] = []
  /// Positions of the nodes of each depth, in creation order.
  public private(set) var levels: [[Int]] = []
  /// The root box's width per dimension (the normalising coefficients).
  private let rootWidth: [Double]

  /// An empty tree over `space`.
  /// - Throws: ``LabError`` `.invalidInput` when `arity` < 2.
  public init(space: SearchSpace, arity: Int = 3, inheritance: InheritanceRule = .recorded) throws {
    guard arity >= 2 else {
      throw LabError(.invalidInput, "a partition tree needs K ≥ 2 children per split, got K = \(arity)")
    }
    self.space = space
    self.arity = arity
    self.inheritance = inheritance
    self.rootWidth = space.parameters.map { $0.upper - $0.lower }
  }

  /// The number of nodes (BaMSOO's N).
  public var count: Int { nodes.count }
  /// The deepest depth holding a node, or −1 when empty.
  public var maxDepth: Int { levels.count - 1 }

  /// The centre of a box, computed as the recordings did: (lo + hi) / 2 per dimension.
  public static func centre(lower: [Double], upper: [Double]) -> [Double] {
    zip(lower, upper).map { ($0 + $1) / 2 }
  }

  /// Creates the root (the whole space), scored later. Returns its position.
  @discardableResult
  public mutating func makeRoot(loop: Int = 0) -> Int {
    precondition(nodes.isEmpty, "the root is created once")
    return append(
      key: NodeKey(depth: 0, index: 0), lower: space.parameters.map(\.lower), upper: space.parameters.map(\.upper),
      loop: loop, parent: nil)
  }

  /// The dimension ``section(_:)`` splits for node `position`: the widest in normalised units, lowest index on ties.
  public func splitDimension(of position: Int) -> Int {
    let node = nodes[position]
    var best = 0
    var widest = -Double.infinity
    for k in 0..<space.dimension {
      let w = (node.upper[k] - node.lower[k]) / rootWidth[k]
      if w > widest {
        widest = w
        best = k
      }
    }
    return best
  }

  /// The K boxes of node `position`, split along ``splitDimension(of:)`` into equal parts:
  /// part i is [lo + i·s, lo + (i+1)·s] with s = (hi − lo) / K.
  public func section(_ position: Int) -> [(lower: [Double], upper: [Double])] {
    let node = nodes[position]
    let k = splitDimension(of: position)
    let lo = node.lower[k]
    let step = (node.upper[k] - lo) / Double(arity)
    return (0..<arity).map { i in
      var lower = node.lower
      var upper = node.upper
      lower[k] = lo + Double(i) * step
      upper[k] = lo + Double(i + 1) * step
      return (lower, upper)
    }
  }

  /// The key of child `i` of node `position`: (h+1, K·j + i), with a `nil` index on overflow.
  public func childKey(of position: Int, child i: Int) -> NodeKey {
    let key = nodes[position].key
    var index: Int? = nil
    if let j = key.index {
      let (m, o1) = j.multipliedReportingOverflow(by: arity)
      let (s, o2) = m.addingReportingOverflow(i)
      if !o1 && !o2 { index = s }
    }
    return NodeKey(depth: key.depth + 1, index: index)
  }

  /// Whether a child whose converted centre is `converted` takes the score of node `parent` under ``inheritance``.
  public func inherits(_ converted: Configuration, from parent: Int) -> Bool {
    let p = nodes[parent]
    switch inheritance {
    case .recorded:
      guard p.kind == .evaluated || p.kind == .inherited, p.score != nil else { return false }
      var distance = 0.0
      for (a, b) in zip(p.converted.values, converted.values) { distance += abs(a - b) }
      return distance < PartitionTree.recordedTolerance
    case .strict:
      guard p.kind != .pending, p.score != nil else { return false }
      return p.converted.values == converted.values
    }
  }

  /// Adds child `i` of node `parent` (box from ``section(_:)``), inheriting the parent's score when the rule says so.
  ///
  /// The parent leaves the open set when the child does not inherit (recorded rule) or
  /// as soon as it has a child (strict rule). Returns the child's position and whether it inherited;
  /// a child that did not inherit is `pending` until ``setScore(_:of:kind:)``.
  public mutating func addChild(
    of parent: Int, child i: Int, box: (lower: [Double], upper: [Double]), loop: Int
  ) -> (position: Int, inherited: Bool) {
    let key = childKey(of: parent, child: i)
    let position = append(key: key, lower: box.lower, upper: box.upper, loop: loop, parent: parent)
    nodes[parent].children.append(position)
    nodes[parent].isExpanded = true
    if inheritance == .strict { nodes[parent].isOpen = false }
    if inherits(nodes[position].converted, from: parent) {
      nodes[position].score = nodes[parent].score
      nodes[position].kind = .inherited
      return (position, true)
    }
    nodes[parent].isOpen = false
    return (position, false)
  }

  /// Records the score of node `position` and how it was obtained.
  public mutating func setScore(_ score: Double, of position: Int, kind: ScoreKind) {
    nodes[position].score = score
    nodes[position].kind = kind
  }

  /// Marks node `position` as no longer expandable.
  public mutating func close(_ position: Int) { nodes[position].isOpen = false }

  /// The open leaf of depth `h` with the highest known score, the first created on ties;
  /// only nodes at positions below `limit` are considered (nodes created since are ignored).
  public func bestOpenLeaf(atDepth h: Int, createdBefore limit: Int = .max) -> Int? {
    guard h >= 0, h < levels.count else { return nil }
    var best: Int? = nil
    var bestScore = -Double.infinity
    for position in levels[h] where position < limit {
      let node = nodes[position]
      guard node.isOpen, let s = node.score, node.kind != .pending else { continue }
      if best == nil || s > bestScore {
        best = position
        bestScore = s
      }
    }
    return best
  }

  /// The evaluated centres (successful trials only) and their scores, in creation order: the model's data.
  public func evaluatedData() -> (points: [Point], values: [Double]) {
    var points: [Point] = []
    var values: [Double] = []
    for node in nodes where node.kind == .evaluated {
      if let s = node.score {
        points.append(node.centre)
        values.append(s)
      }
    }
    return (points, values)
  }

  private mutating func append(key: NodeKey, lower: [Double], upper: [Double], loop: Int, parent: Int?) -> Int {
    let centre = space.point(base: PartitionTree.centre(lower: lower, upper: upper))
    let node = TreeNode(
      key: key, lower: lower, upper: upper, centre: centre, converted: space.configuration(for: centre), score: nil,
      kind: .pending, isOpen: true, isExpanded: false, loop: loop, parent: parent, children: [])
    nodes.append(node)
    while levels.count <= key.depth { levels.append([]) }
    levels[key.depth].append(nodes.count - 1)
    return nodes.count - 1
  }
}
