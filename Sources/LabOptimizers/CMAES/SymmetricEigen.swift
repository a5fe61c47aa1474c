// Notation
//   A        a symmetric n×n matrix, row-major (A[i·n + j])
//   A = B·diag(λ)·Bᵀ   eigenvalues λ (ascending) and orthonormal eigenvectors, column k of B for λ_k
//
// The cyclic Jacobi method (Golub and Van Loan, "Matrix Computations", 4th ed., §8.5): sweeps
// of plane rotations, each zeroing one off-diagonal entry, until the off-diagonal mass is below
// 1e-15 of the Frobenius norm. Quadratically convergent; accurate to working precision for the
// small matrices CMA-ES uses (n is the search space's dimension).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The eigendecomposition of a small symmetric matrix by the cyclic Jacobi method.
/// - Complexity: O(n³) per sweep; typically 6–10 sweeps.
struct SymmetricEigen: Sendable {
  /// Eigenvalues in ascending order.
  let values: [Double]
  /// Eigenvectors as columns, row-major: `vectors[i·n + k]` is component i of eigenvector k.
  let vectors: [Double]
  let order: Int

  /// The decomposition of `matrix` (row-major, order `n`; the upper triangle is mirrored to make it exactly symmetric).
  init(_ matrix: [Double], order n: Int) {
    var a = matrix
    for i in 0..<n { for j in (i + 1)..<max(n, i + 1) { let s = 0.5 * (a[i * n + j] + a[j * n + i]); a[i * n + j] = s; a[j * n + i] = s } }
    var v = [Double](repeating: 0, count: n * n)
    for i in 0..<n { v[i * n + i] = 1 }
    let norm = a.reduce(0) { $0 + $1 * $1 }.squareRoot()
    for _ in 0..<100 {
      var off = 0.0
      for i in 0..<n { for j in 0..<n where j != i { off += a[i * n + j] * a[i * n + j] } }
      if off.squareRoot() <= 1e-15 * norm || off == 0 { break }
      for p in 0..<n {
        for q in (p + 1)..<max(n, p + 1) where a[p * n + q] != 0 {
          let apq = a[p * n + q]
          let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
          let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
          let c = 1 / (t * t + 1).squareRoot(), s = t * c
          for k in 0..<n {
            let akp = a[k * n + p], akq = a[k * n + q]
            a[k * n + p] = c * akp - s * akq
            a[k * n + q] = s * akp + c * akq
          }
          for k in 0..<n {
            let apk = a[p * n + k], aqk = a[q * n + k]
            a[p * n + k] = c * apk - s * aqk
            a[q * n + k] = s * apk + c * aqk
          }
          for k in 0..<n {
            let vkp = v[k * n + p], vkq = v[k * n + q]
            v[k * n + p] = c * vkp - s * vkq
            v[k * n + q] = s * vkp + c * vkq
          }
        }
      }
    }
    let ranks = (0..<n).sorted { (a[$0 * n + $0], $0) < (a[$1 * n + $1], $1) }
    values = ranks.map { a[$0 * n + $0] }
    var sorted = [Double](repeating: 0, count: n * n)
    for (k, r) in ranks.enumerated() { for i in 0..<n { sorted[i * n + k] = v[i * n + r] } }
    vectors = sorted
    order = n
  }
}
