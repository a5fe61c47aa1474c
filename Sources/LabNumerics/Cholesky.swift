// Notation
//   K ∈ ℝ^{n×n}   a symmetric positive (semi-)definite matrix, column-major
//   L             its lower Cholesky factor, K + δI = L·Lᵀ
//   δ             the jitter added to the diagonal (0 when the first try succeeds)
//   jitter ladder δ_0 = 0, δ_t = base · mean(diag K) · 10^(t−1), t = 1 … tries−1
//   all arithmetic through ``DenseKernels`` (fixed summation order: the same bits on every CPU)

import LabCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The Cholesky factorisation K + δI = L·Lᵀ of a symmetric positive-definite matrix, with jitter escalation.
///
/// The first try factors K as given (``DenseKernels/choleskyLower(_:order:)``). When that fails
/// (K is singular or indefinite in floating point, e.g. because two rows of
/// a kernel matrix are equal), a jitter δ = 1e-9 · mean(diag K) is added to
/// the diagonal and multiplied by 10 at each further try. After the last try
/// the factorisation throws ``LabError`` `.numerical`.
///
/// Only the lower triangle of K is read.
/// - Complexity: O(n³/3) per try; O(n²) per solve.
public struct Cholesky: Sendable, Hashable {
  /// The order n.
  public let order: Int
  /// L in the lower triangle of a column-major n × n array (the upper triangle holds K's upper triangle, unused).
  public private(set) var factor: [Double]
  /// The jitter δ that made the factorisation succeed (0 when none was needed).
  public let jitter: Double

  /// Factors `matrix`, escalating jitter over `tries` attempts.
  /// - Throws: ``LabError`` `.numerical` when every try fails, `.invalidInput` when the matrix is not square or not finite.
  public init(_ matrix: Matrix, tries: Int = 5, jitterBase: Double = 1e-9) throws {
    guard matrix.rows == matrix.columns else {
      throw LabError(.invalidInput, "Cholesky: the matrix is \(matrix.rows)×\(matrix.columns), not square")
    }
    var storage = matrix.storage
    // Make the upper triangle mirror the lower one: it is the backup used to restore after a failed try.
    let n = matrix.rows
    for j in 0..<n { for i in 0..<j { storage[i + j * n] = storage[j + i * n] } }
    self.order = n
    self.jitter = try Cholesky.factorInPlace(&storage, order: n, tries: tries, jitterBase: jitterBase)
    self.factor = storage
  }

  /// Factors the symmetric matrix held in `storage` (both triangles filled) in place: on return the lower triangle holds L.
  ///
  /// The strictly upper triangle is left untouched and serves to restore the
  /// matrix between tries, so no copy is made when the first try succeeds.
  /// This is the allocation-free entry point for inner loops (GP fitting).
  /// - Returns: the jitter δ used.
  /// - Throws: ``LabError`` `.numerical` after the last try; `.invalidInput` when a diagonal element is not finite.
  public static func factorInPlace(
    _ storage: inout [Double], order n: Int, tries: Int = 5, jitterBase: Double = 1e-9
  ) throws -> Double {
    var scratch = [Double](repeating: 0, count: tries > 1 ? n : 0)
    return try factorInPlace(&storage, order: n, tries: tries, jitterBase: jitterBase, diagonalScratch: &scratch)
  }

  /// As ``factorInPlace(_:order:tries:jitterBase:)``, keeping the diagonal for retries in `diagonalScratch`
  /// (at least n values when `tries > 1`), so that nothing is allocated.
  public static func factorInPlace(
    _ storage: inout [Double], order n: Int, tries: Int, jitterBase: Double, diagonalScratch diagonal: inout [Double]
  ) throws -> Double {
    precondition(storage.count >= n * n, "Cholesky.factorInPlace: storage holds \(storage.count) values, need \(n * n)")
    precondition(tries <= 1 || diagonal.count >= n, "Cholesky.factorInPlace: diagonal scratch holds \(diagonal.count) values, need \(n)")
    if n == 0 { return 0 }
    var meanDiagonal = 0.0
    for i in 0..<n { meanDiagonal += storage[i + i * n] }
    meanDiagonal /= Double(n)
    guard meanDiagonal.isFinite else {
      throw LabError(.invalidInput, "Cholesky: the matrix of order \(n) has a non-finite diagonal (mean \(meanDiagonal))")
    }
    let scale = meanDiagonal > 0 ? meanDiagonal : 1
    let attempts = max(tries, 1)
    if attempts > 1 { for i in 0..<n { diagonal[i] = storage[i + i * n] } }
    var jitter = 0.0
    var lastInfo = 0
    for attempt in 0..<attempts {
      if attempt > 0 {
        // Restore the lower triangle from the untouched upper one and the saved diagonal, plus jitter.
        jitter = jitterBase * scale * pow10(attempt - 1)
        for j in 0..<n {
          for i in (j + 1)..<n { storage[i + j * n] = storage[j + i * n] }
          storage[j + j * n] = diagonal[j] + jitter
        }
      }
      let info = storage.withUnsafeMutableBufferPointer { a in DenseKernels.choleskyLower(a.baseAddress!, order: n) }
      if info == 0 { return jitter }
      lastInfo = info
    }
    return try failure(n: n, info: lastInfo, jitter: jitter, tries: attempts)
  }

  private static func failure(n: Int, info: Int, jitter: Double, tries: Int) throws -> Double {
    throw LabError(
      .numerical,
      "Cholesky: matrix of order \(n) is not positive definite (pivot \(info) of \(n)) after \(tries) tries, last jitter \(jitter)"
    )
  }

  private static func pow10(_ k: Int) -> Double {
    var v = 1.0
    for _ in 0..<k { v *= 10 }
    return v
  }

  /// L as a matrix (upper triangle zero).
  public var lower: Matrix {
    var m = Matrix(rows: order, columns: order)
    for j in 0..<order { for i in j..<order { m[i, j] = factor[i + j * order] } }
    return m
  }

  /// log det(K + δI) = 2 Σ log L_ii.
  public var logDeterminant: Double {
    var s = 0.0
    for i in 0..<order { s += log(factor[i + i * order]) }
    return 2 * s
  }

  /// Solves (K + δI)·x = b in place (two triangular solves).
  public func solve(_ b: inout [Double]) {
    precondition(b.count == order, "Cholesky.solve: \(b.count) values for order \(order)")
    Cholesky.solveInPlace(factor: factor, order: order, &b)
  }

  /// Solves L·x = b in place: the whitened vector.
  public func solveLower(_ b: inout [Double]) {
    precondition(b.count == order, "Cholesky.solveLower: \(b.count) values for order \(order)")
    Cholesky.solveLowerInPlace(factor: factor, order: order, columns: 1, &b)
  }

  /// (K + δI)⁻¹ as a full symmetric matrix.
  public func inverse() -> Matrix {
    var a = factor
    Cholesky.invertInPlace(&a, order: order)
    return Matrix(rows: order, columns: order, columnMajor: a)
  }

  /// Solves with a factor produced by ``factorInPlace(_:order:tries:jitterBase:)``.
  public static func solveInPlace(factor: [Double], order n: Int, _ b: inout [Double]) {
    if n == 0 { return }
    precondition(factor.count >= n * n && b.count >= n, "Cholesky.solveInPlace: buffers too small for order \(n)")
    factor.withUnsafeBufferPointer { a in
      b.withUnsafeMutableBufferPointer { x in
        DenseKernels.solveLower(a.baseAddress!, ld: n, order: n, x.baseAddress!)
        DenseKernels.solveLowerTransposed(a.baseAddress!, ld: n, order: n, x.baseAddress!)
      }
    }
  }

  /// Solves L·X = B in place for `columns` right-hand sides stored column-major in `b` (n × columns).
  ///
  /// Each column gets exactly the arithmetic of a single solve, whatever `columns` is.
  public static func solveLowerInPlace(factor: [Double], order n: Int, columns: Int, _ b: inout [Double]) {
    if n == 0 || columns == 0 { return }
    precondition(factor.count >= n * n && b.count >= n * columns, "Cholesky.solveLowerInPlace: buffers too small")
    factor.withUnsafeBufferPointer { a in
      b.withUnsafeMutableBufferPointer { x in
        for c in 0..<columns { DenseKernels.solveLower(a.baseAddress!, ld: n, order: n, x.baseAddress! + c * n) }
      }
    }
  }

  /// Replaces a factor (lower triangle) by the full symmetric inverse.
  public static func invertInPlace(_ a: inout [Double], order n: Int) {
    invertLowerInPlace(&a, order: n)
    for j in 0..<n { for i in (j + 1)..<n { a[j + i * n] = a[i + j * n] } }
  }

  /// Replaces a factor (lower triangle) by the lower triangle of the inverse; the strict upper triangle is overwritten (scratch).
  /// - Complexity: 2n³/3 flop and one n × n scratch array.
  public static func invertLowerInPlace(_ a: inout [Double], order n: Int) {
    var scratch = [Double](repeating: 0, count: n * n)
    invertLowerInPlace(&a, order: n, scratch: &scratch)
  }

  /// As ``invertLowerInPlace(_:order:)`` with caller-provided scratch (at least n² values), so that nothing is allocated.
  public static func invertLowerInPlace(_ a: inout [Double], order n: Int, scratch: inout [Double]) {
    if n == 0 { return }
    precondition(a.count >= n * n && scratch.count >= n * n, "Cholesky.invertLowerInPlace: buffers too small for order \(n)")
    a.withUnsafeMutableBufferPointer { p in
      scratch.withUnsafeMutableBufferPointer { w in
        DenseKernels.invertFromFactor(p.baseAddress!, order: n, scratch: w.baseAddress!)
      }
    }
  }
}

#if DEBUG
extension Cholesky {
  /// The largest |(L·Lᵀ − K − δI)_ij| over the lower triangle: the factorisation's residual (debug and test builds only).
  public func residual(against matrix: Matrix) -> Double {
    var worst = 0.0
    let n = order
    for j in 0..<n {
      for i in j..<n {
        var s = 0.0
        for k in 0...j { s += factor[i + k * n] * factor[j + k * n] }
        let target = matrix[i, j] + (i == j ? jitter : 0)
        worst = Swift.max(worst, abs(s - target))
      }
    }
    return worst
  }
}
#endif
