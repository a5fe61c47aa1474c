// Notation
//   A ∈ ℝ^{r×c}   a dense matrix stored column-major: A[i, j] = storage[i + j·r]
//   n             the order of a square matrix
//   products      ``DenseKernels`` (fixed summation order: the same bits on every CPU)

/// A dense real matrix stored column-major.
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

  /// The product A·B (``DenseKernels/subtractProduct(m:p:depth:a:lda:b:bk:bj:c:ldc:)``).
  /// - Complexity: O(r·c·B.columns).
  public func multiplied(by other: Matrix) -> Matrix {
    precondition(columns == other.rows, "Matrix·Matrix: \(rows)×\(columns) times \(other.rows)×\(other.columns)")
    var out = Matrix(rows: rows, columns: other.columns)
    if rows == 0 || other.columns == 0 || columns == 0 { return out }
    storage.withUnsafeBufferPointer { a in
      other.storage.withUnsafeBufferPointer { b in
        out.storage.withUnsafeMutableBufferPointer { c in
          DenseKernels.subtractProduct(
            m: rows, p: other.columns, depth: columns, a: a.baseAddress!, lda: rows, b: b.baseAddress!, bk: 1,
            bj: other.rows, c: c.baseAddress!, ldc: rows)
        }
      }
    }
    for i in out.storage.indices { out.storage[i] = -out.storage[i] }
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
