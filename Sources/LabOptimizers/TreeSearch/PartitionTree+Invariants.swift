// Notation: see PartitionTree.swift. Checked here, for every expanded node p with children c_0 … c_{K−1}:
//   - all dimensions but the split one k are copied unchanged;
//   - c_0.lo_k = p.lo_k and c_i.hi_k = c_{i+1}.lo_k exactly (no gap, no overlap);
//   - c_{K−1}.hi_k = p.hi_k up to 8 ulps of max(|lo_k|, |hi_k|), because lo + K·((hi − lo)/K) may round;
//   - keys are (h+1, K·j + i), every centre lies in its box, and every width is positive.

import LabCore

#if DEBUG
extension PartitionTree {
  /// Checks that the children of every expanded node tile it exactly (see the notation block); compiled for debug and test builds only.
  /// - Throws: ``LabError`` `.internalInconsistency` naming the first node that breaks an invariant.
  public func checkInvariants() throws {
    func fail(_ position: Int, _ what: String) -> LabError {
      LabError(.internalInconsistency, "partition tree node \(nodes[position].key) at position \(position): \(what)")
    }
    for (position, node) in nodes.enumerated() {
      for k in 0..<space.dimension {
        guard node.upper[k] > node.lower[k] else { throw fail(position, "empty width in dimension \(k)") }
        let x = node.centre.base[k]
        guard x >= node.lower[k], x <= node.upper[k] else { throw fail(position, "centre outside its box in dimension \(k)") }
      }
      guard !node.children.isEmpty else { continue }
      guard node.children.count <= arity else { throw fail(position, "\(node.children.count) children for K = \(arity)") }
      if node.children.count < arity { continue }  // an expansion still being built (BaMSOO) is checked once complete
      let k = splitDimension(of: position)
      let children = node.children.map { nodes[$0] }
      for (i, child) in children.enumerated() {
        guard child.key == childKey(of: position, child: i) else { throw fail(position, "child \(i) has key \(child.key)") }
        guard child.parent == position else { throw fail(position, "child \(i) does not point back to its parent") }
        for m in 0..<space.dimension where m != k {
          guard child.lower[m] == node.lower[m], child.upper[m] == node.upper[m] else {
            throw fail(position, "child \(i) changed dimension \(m), which was not split")
          }
        }
        if i == 0, child.lower[k] != node.lower[k] { throw fail(position, "first child does not start at the parent's lower bound") }
        if i > 0, child.lower[k] != children[i - 1].upper[k] { throw fail(position, "gap or overlap between children \(i - 1) and \(i)") }
      }
      let last = children[arity - 1].upper[k]
      let scale = max(abs(node.lower[k]), abs(node.upper[k]))
      guard abs(last - node.upper[k]) <= 8 * scale.ulp else {
        throw fail(position, "children end at \(last), the parent at \(node.upper[k])")
      }
    }
  }
}
#endif
