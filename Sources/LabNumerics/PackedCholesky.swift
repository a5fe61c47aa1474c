// Notation
//   K ∈ ℝ^{n×n}   a symmetric positive-definite matrix (a GP's training covariance)
//   L             its lower Cholesky factor, K + δI = L·Lᵀ, stored row by row:
//                 row i (L_i0 … L_ii) at storage[i(i+1)/2 ..< i(i+1)/2 + i + 1]
//   appending     K' = [[K, b], [bᵀ, c]]  ⇒  L' = [[L, 0], [lᵀ, λ]],  l = L⁻¹b,  λ = √(c + δ − lᵀl)
//   truncating    the leading k × k block of L is the factor of the leading k × k block of K
//
// Row-packed storage makes both O(1) in layout: appending adds i + 1 numbers at the end, truncating
// drops the tail. Every sum runs in a fixed order (``DenseKernels/dot(_:_:count:)``).

import LabCore

/// A Cholesky factor that grows by a row per new point in O(n²) and shrinks to any leading block for free.
///
/// Used for Gaussian processes that gain observations (or pending "fantasy" points)
/// one at a time between hyperparameter refits.
/// - Complexity: append O(n²); truncate O(1) amortised; a triangular solve O(n²); storage n(n+1)/2 values.
public struct PackedCholesky: Sendable, Hashable {
  /// The order n.
  public private(set) var order: Int = 0
  /// Rows of L, packed: row i at `i(i+1)/2 ..< i(i+1)/2 + i + 1`.
  public private(set) var storage: [Double] = []
  /// The jitter δ on the diagonal (the same for every row).
  public let jitter: Double

  /// An empty factor (order 0) whose appended rows get `jitter` on their diagonal.
  public init(jitter: Double = 0) {
    self.jitter = jitter
  }

  /// The factor in the lower triangle of a column-major `order` × `order` array (e.g. from ``Cholesky``).
  public init(columnMajorLower a: [Double], order n: Int, jitter: Double) {
    precondition(a.count >= n * n, "PackedCholesky: \(a.count) values for order \(n)")
    self.jitter = jitter
    self.order = n
    var s = [Double]()
    s.reserveCapacity(n * (n + 1) / 2)
    for i in 0..<n { for j in 0...i { s.append(a[i + j * n]) } }
    storage = s
  }

  /// Where row i starts in ``storage``.
  @inlinable
  public static func rowStart(_ i: Int) -> Int { i * (i + 1) / 2 }

  /// L_ij for j ≤ i.
  @inlinable
  public subscript(i: Int, j: Int) -> Double { storage[PackedCholesky.rowStart(i) + j] }

  /// Reserves room for `order` rows.
  public mutating func reserve(order n: Int) { storage.reserveCapacity(n * (n + 1) / 2) }

  /// Keeps the leading `k` rows: the factor of K's leading k × k block.
  public mutating func truncate(to k: Int) {
    precondition(k >= 0 && k <= order, "PackedCholesky.truncate: \(k) of \(order) rows")
    storage.removeSubrange(PackedCholesky.rowStart(k)..<storage.count)
    order = k
  }

  /// Appends the point whose covariances with the existing points are `b` (n values) and whose variance is `c`.
  ///
  /// - Returns: l = L⁻¹b (the whitened covariances, n values) and λ² = c + δ − lᵀl before any floor.
  ///   When λ² ≤ 1e-12·c (the point duplicates earlier ones), λ² is floored at 1e-12·max(c, 1e-300): the
  ///   point then acts as if its variance were slightly larger, which keeps the factor definite.
  /// - Throws: ``LabError`` `.numerical` when c or b is not finite.
  @discardableResult
  public mutating func append(covariances b: [Double], variance c: Double) throws -> (whitened: [Double], residual: Double) {
    precondition(b.count >= order, "PackedCholesky.append: \(b.count) covariances for order \(order)")
    guard c.isFinite, b.prefix(order).allSatisfy(\.isFinite) else {
      throw LabError(.numerical, "PackedCholesky.append: a non-finite covariance for row \(order)")
    }
    var l = Array(b.prefix(order))
    solveLower(&l)
    var q = 0.0
    l.withUnsafeBufferPointer { p in q = DenseKernels.dot(p.baseAddress!, p.baseAddress!, count: order) }
    let residual = c + jitter - q
    let floor = 1e-12 * max(c, 1e-300)
    storage.append(contentsOf: l)
    storage.append(max(residual, floor).squareRoot())
    order += 1
    return (l, residual)
  }

  /// Solves L·x = b in place for the first ``order`` entries of `x` (forward substitution, one dot product per row).
  public func solveLower(_ x: inout [Double]) {
    precondition(x.count >= order, "PackedCholesky.solveLower: \(x.count) values for order \(order)")
    let n = order
    storage.withUnsafeBufferPointer { s in
      x.withUnsafeMutableBufferPointer { v in
        let l = s.baseAddress!
        let xp = v.baseAddress!
        for i in 0..<n {
          let row = l + PackedCholesky.rowStart(i)
          let t = DenseKernels.dot(row, UnsafePointer(xp), count: i)
          xp[i] = (xp[i] - t) / row[i]
        }
      }
    }
  }

  /// Solves Lᵀ·x = b in place for the first ``order`` entries of `x` (backward substitution along the rows).
  public func solveLowerTransposed(_ x: inout [Double]) {
    precondition(x.count >= order, "PackedCholesky.solveLowerTransposed: \(x.count) values for order \(order)")
    let n = order
    storage.withUnsafeBufferPointer { s in
      x.withUnsafeMutableBufferPointer { v in
        let l = s.baseAddress!
        let xp = v.baseAddress!
        var i = n - 1
        while i >= 0 {
          let row = l + PackedCholesky.rowStart(i)
          let xi = xp[i] / row[i]
          xp[i] = xi
          for j in 0..<i { xp[j] -= xi * row[j] }
          i -= 1
        }
      }
    }
  }

  /// Solves (L·Lᵀ)·x = b in place.
  public func solve(_ x: inout [Double]) {
    solveLower(&x)
    solveLowerTransposed(&x)
  }

  /// Solves L·X = B in place for `columns` right-hand sides stored row-major: element (i, c) at `x[i·columns + c]`.
  ///
  /// Right-hand sides are processed 8 at a time; each element is
  /// (B_ic − Σ_{j<i} L_ij X_jc) / L_ii with the sum in increasing j, so a
  /// column's result does not depend on `columns` or on its neighbours.
  /// - Complexity: order² · columns multiply-adds, reading L once per 8 columns.
  public func solveLower(rowMajor x: inout [Double], columns m: Int) {
    let n = order
    precondition(x.count >= n * m, "PackedCholesky.solveLower(rowMajor:): \(x.count) values for \(n) × \(m)")
    if n == 0 || m == 0 { return }
    storage.withUnsafeBufferPointer { s in
      x.withUnsafeMutableBufferPointer { v in
        let l = s.baseAddress!
        let xp = v.baseAddress!
        var c0 = 0
        while c0 < m {
          let w = min(8, m - c0)
          if w == 8 {
            for i in 0..<n {
              let row = l + PackedCholesky.rowStart(i)
              var a0 = SIMD2<Double>(), a1 = SIMD2<Double>(), a2 = SIMD2<Double>(), a3 = SIMD2<Double>()
              var p = UnsafeRawPointer(xp + c0)
              let stride = m &* 8
              for j in 0..<i {
                let lij = SIMD2(repeating: row[j])
                a0 += lij * p.loadUnaligned(as: SIMD2<Double>.self)
                a1 += lij * p.loadUnaligned(fromByteOffset: 16, as: SIMD2<Double>.self)
                a2 += lij * p.loadUnaligned(fromByteOffset: 32, as: SIMD2<Double>.self)
                a3 += lij * p.loadUnaligned(fromByteOffset: 48, as: SIMD2<Double>.self)
                p += stride
              }
              let inv = row[i]
              let out = xp + i * m + c0
              out[0] = (out[0] - a0[0]) / inv
              out[1] = (out[1] - a0[1]) / inv
              out[2] = (out[2] - a1[0]) / inv
              out[3] = (out[3] - a1[1]) / inv
              out[4] = (out[4] - a2[0]) / inv
              out[5] = (out[5] - a2[1]) / inv
              out[6] = (out[6] - a3[0]) / inv
              out[7] = (out[7] - a3[1]) / inv
            }
          } else {
            for i in 0..<n {
              let row = l + PackedCholesky.rowStart(i)
              for c in c0..<(c0 + w) {
                var a = 0.0
                for j in 0..<i { a += row[j] * xp[j * m + c] }
                xp[i * m + c] = (xp[i * m + c] - a) / row[i]
              }
            }
          }
          c0 += w
        }
      }
    }
  }
}
