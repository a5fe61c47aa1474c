// Notation
//   A ∈ ℝ^{r×c}   a dense matrix stored column-major: A[i, j] = storage[i + j·r]
//   n             the order of a square matrix
//   LAPACK/BLAS   OpenBLAS, single-threaded (see `configureBLAS()`)

import COpenBLAS

/// A dense real matrix stored column-major, the layout LAPACK expects.
///
/// A value type: copying a `Matrix` copies its storage lazily (copy on write),
/// like the standard library's arrays.
/// - Complexity: O(1) element access; O(r·c) storage.
public struct Matrix: Sendable, Hashable, CustomStringConvertible {
  /// Number of rows.
  public let rows: Int
  /// Number of columns.
  public let columns: Int
  /// Elements, column after column: element (i, j) is `storage[i + j * rows]`.
  public var storage: [Double]

  /// A `rows` × `columns` matrix filled with `value`.
  public init(rows: Int, columns: Int, repeating value: Double = 0) {
    precondition(rows >= 0 && columns >= 0, "Matrix needs non-negative sizes")
    self.rows = rows
    self.columns = columns
    self.storage = [Double](repeating: value, count: rows * columns)
  }

  /// A matrix over column-major `storage`, which must hold `rows * columns` elements.
  public init(rows: Int, columns: Int, columnMajor storage: [Double]) {
    precondition(storage.count == rows * columns, "Matrix storage holds \(storage.count) values, expected \(rows * columns)")
    self.rows = rows
    self.columns = columns
    self.storage = storage
  }

  /// A matrix from rows given as arrays of equal length.
  public init(rowsOf values: [[Double]]) {
    let r = values.count
    let c = values.first?.count ?? 0
    self.init(rows: r, columns: c)
    for i in 0..<r {
      precondition(values[i].count == c, "Matrix(rowsOf:) row \(i) has \(values[i].count) values, expected \(c)")
      for j in 0..<c { storage[i + j * r] = values[i][j] }
    }
  }

  /// The n × n identity.
  public static func identity(_ n: Int) -> Matrix {
    var m = Matrix(rows: n, columns: n)
    for i in 0..<n { m.storage[i + i * n] = 1 }
    return m
  }

  /// Element (i, j).
  @inlinable
  public subscript(i: Int, j: Int) -> Double {
    get { storage[i + j * rows] }
    set { storage[i + j * rows] = newValue }
  }

  /// The product A·v.
  /// - Complexity: O(r·c).
  public func multiplied(by vector: [Double]) -> [Double] {
    precondition(vector.count == columns, "Matrix·vector: \(columns) columns but \(vector.count) values")
    var out = [Double](repeating: 0, count: rows)
    for j in 0..<columns {
      let v = vector[j]
      for i in 0..<rows { out[i] += storage[i + j * rows] * v }
    }
    return out
  }

  /// The product A·B (BLAS `dgemm`).
  /// - Complexity: O(r·c·B.columns).
  public func multiplied(by other: Matrix) -> Matrix {
    precondition(columns == other.rows, "Matrix·Matrix: \(rows)×\(columns) times \(other.rows)×\(other.columns)")
    configureBLAS()
    var out = Matrix(rows: rows, columns: other.columns)
    if rows == 0 || other.columns == 0 || columns == 0 { return out }
    storage.withUnsafeBufferPointer { a in
      other.storage.withUnsafeBufferPointer { b in
        out.storage.withUnsafeMutableBufferPointer { c in
          cblas_dgemm(
            CblasColMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(other.columns), Int32(columns), 1,
            a.baseAddress, Int32(rows), b.baseAddress, Int32(other.rows), 0, c.baseAddress, Int32(rows))
        }
      }
    }
    return out
  }

  /// The transpose.
  public var transposed: Matrix {
    var t = Matrix(rows: columns, columns: rows)
    for j in 0..<columns { for i in 0..<rows { t.storage[j + i * columns] = storage[i + j * rows] } }
    return t
  }

  public var description: String {
    (0..<rows).map { i in (0..<columns).map { j in "\(self[i, j])" }.joined(separator: " ") }.joined(separator: "\n")
  }
}

/// Sets OpenBLAS to one thread, once per process: at the sizes hpolab uses, threading only costs.
///
/// Called by every LabNumerics entry point that reaches BLAS or LAPACK, so
/// callers need not remember it; calling it again is free.
public func configureBLAS() {
  _ = blasConfigured
}

private let blasConfigured: Bool = {
  openblas_set_num_threads(1)
  return true
}()

/// Thin, allocation-free wrappers over the BLAS routines the optimisers' inner loops need.
public enum BLAS {
  /// y ← A·x for a square column-major `order` × `order` matrix A (BLAS `dgemv`).
  @inlinable
  public static func multiply(square a: [Double], order n: Int, _ x: [Double], into y: inout [Double]) {
    precondition(a.count >= n * n && x.count >= n && y.count >= n, "BLAS.multiply: buffers too small for order \(n)")
    if n == 0 { return }
    gemv(a, n, x, &y)
  }

  @usableFromInline
  internal static func gemv(_ a: [Double], _ n: Int, _ x: [Double], _ y: inout [Double]) {
    configureBLAS()
    a.withUnsafeBufferPointer { pa in
      x.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in
          cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(n), Int32(n), 1, pa.baseAddress, Int32(n), px.baseAddress, 1, 0, py.baseAddress, 1)
        }
      }
    }
  }
}
