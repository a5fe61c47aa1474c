// Notation
//   A, B, C        dense matrices in column-major storage with leading dimensions lda, ldb, ldc
//   L              a lower-triangular factor (column-major, leading dimension n)
//   Σ_k a_ik b_kj  every sum below is accumulated from 0.0 in increasing k, then applied to C once
//
// Why these kernels exist (docs/DESIGN.md, "Same bytes on every CPU"): the results of a run must not
// depend on the CPU. OpenBLAS picks a kernel per CPU at load time, and kernels sum in different orders
// (and some use fused multiply-add), so the same factorisation differed in the last bits between a
// Haswell and a SkylakeX kernel. These kernels are plain Swift: one binary performs the same IEEE
// operations in the same order on every x86-64 or arm64 CPU. No fused multiply-add is requested, and
// Swift never contracts a·b + c on its own.
//
// Every element's arithmetic is independent of how the loops are blocked and of how many right-hand
// sides or columns are processed together, so blocked and unblocked paths give the same bits.

/// Fixed-order dense kernels (matrix product, Cholesky, triangular solves and inverse) that give the same bits on every CPU.
///
/// Register-blocked 4 × 4 tiles over `SIMD2<Double>`; no external BLAS.
/// - Complexity: the textbook flop counts (n³/3 for the factorisation, n² per triangular solve).
public enum DenseKernels {
  /// C[i, j] −= Σ_k A[i, k]·B(k, j) for i < m, j < p, k < depth.
  ///
  /// A is column-major (`a[i + k·lda]`); B(k, j) is read at `b[k·bk + j·bj]`, so B can be a
  /// column-major matrix (bk = 1, bj = ldb) or the transpose of one (bk = ldb, bj = 1).
  /// The sum for each element runs over k in increasing order, starting from 0, and is
  /// subtracted once: the result does not depend on m, p or the tiling.
  @inlinable
  public static func subtractProduct(
    m: Int, p: Int, depth: Int,
    a: UnsafePointer<Double>, lda: Int,
    b: UnsafePointer<Double>, bk: Int, bj: Int,
    c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    if m <= 0 || p <= 0 || depth <= 0 { return }
    let m4 = m & ~3
    let p4 = p & ~3
    var j = 0
    while j < p4 {
      var i = 0
      while i < m4 {
        tile4x4(i: i, j: j, depth: depth, a: a, lda: lda, b: b, bk: bk, bj: bj, c: c, ldc: ldc)
        i += 4
      }
      // Rows left over: scalar, same order.
      while i < m {
        for jj in j..<(j + 4) { scalar(i: i, j: jj, depth: depth, a: a, lda: lda, b: b, bk: bk, bj: bj, c: c, ldc: ldc) }
        i += 1
      }
      j += 4
    }
    while j < p {
      for i in 0..<m { scalar(i: i, j: j, depth: depth, a: a, lda: lda, b: b, bk: bk, bj: bj, c: c, ldc: ldc) }
      j += 1
    }
  }

  @inlinable @inline(__always)
  static func scalar(
    i: Int, j: Int, depth: Int, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, bk: Int, bj: Int,
    c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    var s = 0.0
    for k in 0..<depth { s += a[i + k * lda] * b[k * bk + j * bj] }
    c[i + j * ldc] -= s
  }

  @inlinable @inline(__always)
  static func tile4x4(
    i: Int, j: Int, depth: Int, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, bk: Int, bj: Int,
    c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    var c00 = SIMD2<Double>(), c10 = SIMD2<Double>()
    var c01 = SIMD2<Double>(), c11 = SIMD2<Double>()
    var c02 = SIMD2<Double>(), c12 = SIMD2<Double>()
    var c03 = SIMD2<Double>(), c13 = SIMD2<Double>()
    let raw = UnsafeRawPointer(a)
    var pa = i
    var pb = j * bj
    for _ in 0..<depth {
      let a0 = raw.loadUnaligned(fromByteOffset: pa &* 8, as: SIMD2<Double>.self)
      let a1 = raw.loadUnaligned(fromByteOffset: (pa &+ 2) &* 8, as: SIMD2<Double>.self)
      let b0 = SIMD2(repeating: b[pb])
      let b1 = SIMD2(repeating: b[pb &+ bj])
      let b2 = SIMD2(repeating: b[pb &+ 2 &* bj])
      let b3 = SIMD2(repeating: b[pb &+ 3 &* bj])
      c00 += a0 * b0
      c10 += a1 * b0
      c01 += a0 * b1
      c11 += a1 * b1
      c02 += a0 * b2
      c12 += a1 * b2
      c03 += a0 * b3
      c13 += a1 * b3
      pa &+= lda
      pb &+= bk
    }
    func store(_ lo: SIMD2<Double>, _ hi: SIMD2<Double>, _ col: Int) {
      let base = i + (j + col) * ldc
      c[base] -= lo[0]
      c[base + 1] -= lo[1]
      c[base + 2] -= hi[0]
      c[base + 3] -= hi[1]
    }
    store(c00, c10, 0)
    store(c01, c11, 1)
    store(c02, c12, 2)
    store(c03, c13, 3)
  }

  /// Σ_i x[i]·y[i] over `count` values in a fixed order: four interleaved partial sums, combined as (s0 + s1) + (s2 + s3).
  @inlinable
  public static func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, count n: Int) -> Double {
    var s0 = SIMD2<Double>()
    var s1 = SIMD2<Double>()
    let rx = UnsafeRawPointer(x)
    let ry = UnsafeRawPointer(y)
    var i = 0
    let n4 = n & ~3
    while i < n4 {
      s0 += rx.loadUnaligned(fromByteOffset: i &* 8, as: SIMD2<Double>.self)
        * ry.loadUnaligned(fromByteOffset: i &* 8, as: SIMD2<Double>.self)
      s1 += rx.loadUnaligned(fromByteOffset: (i &+ 2) &* 8, as: SIMD2<Double>.self)
        * ry.loadUnaligned(fromByteOffset: (i &+ 2) &* 8, as: SIMD2<Double>.self)
      i &+= 4
    }
    var tail = 0.0
    while i < n {
      tail += x[i] * y[i]
      i += 1
    }
    return ((s0[0] + s0[1]) + (s1[0] + s1[1])) + tail
  }

  /// y[i] −= alpha·x[i] for i < count.
  @inlinable
  public static func subtractScaled(_ alpha: Double, _ x: UnsafePointer<Double>, from y: UnsafeMutablePointer<Double>, count n: Int) {
    for i in 0..<n { y[i] -= alpha * x[i] }
  }

  // MARK: - Cholesky

  /// Block width of the factorisation (columns per panel).
  public static let choleskyBlock = 48

  /// Factors the lower triangle of the column-major `order` × `order` matrix at `a` in place (A = L·Lᵀ; the strict upper triangle is not touched).
  ///
  /// Left-looking and blocked: each panel of 48 columns is first updated with one matrix product
  /// against the panels to its left, then factored column by column.
  /// - Returns: 0 on success, else j + 1 for the first column j whose pivot is not positive (or not finite).
  public static func choleskyLower(_ a: UnsafeMutablePointer<Double>, order n: Int) -> Int {
    let nb = choleskyBlock
    var jb0 = 0
    while jb0 < n {
      let w = min(nb, n - jb0)
      if jb0 > 0 {
        // Diagonal block, lower part only: A[i, j] −= Σ_{k < jb0} L[i, k] L[j, k], j ≤ i < jb0 + w
        // (the product goes through a small buffer so that the strict upper triangle stays untouched).
        var block = [Double](repeating: 0, count: w * w)
        block.withUnsafeMutableBufferPointer { t in
          subtractProduct(
            m: w, p: w, depth: jb0, a: UnsafePointer(a + jb0), lda: n, b: UnsafePointer(a + jb0), bk: n, bj: 1,
            c: t.baseAddress!, ldc: w)
          for j in 0..<w { for i in j..<w { a[jb0 + i + (jb0 + j) * n] += t[i + j * w] } }
        }
        // Rows below the diagonal block: one product.
        let below = n - jb0 - w
        if below > 0 {
          subtractProduct(
            m: below, p: w, depth: jb0, a: UnsafePointer(a + (jb0 + w)), lda: n,
            b: UnsafePointer(a + jb0), bk: n, bj: 1, c: a + (jb0 + w) + jb0 * n, ldc: n)
        }
      }
      // Factor the panel: columns jb0 … jb0 + w − 1, rows jb0 … n − 1.
      for j in jb0..<(jb0 + w) {
        // A[j:, j] −= Σ_{jb0 ≤ k < j} L[j:, k] L[j, k]  (per element: k increasing; the diagonal block's elements too).
        for k in jb0..<j {
          let ljk = a[j + k * n]
          let col = a + k * n
          let target = a + j * n
          for i in j..<n { target[i] -= col[i] * ljk }
        }
        let pivot = a[j + j * n]
        guard pivot > 0, pivot.isFinite else { return j + 1 }
        let root = pivot.squareRoot()
        a[j + j * n] = root
        let inv = 1 / root
        for i in (j + 1)..<max(j + 1, n) { a[i + j * n] *= inv }
      }
      jb0 += w
    }
    return 0
  }

  /// Solves L·x = b in place (forward substitution, column-oriented): L lower, column-major, leading dimension `ld`.
  @inlinable
  public static func solveLower(_ l: UnsafePointer<Double>, ld: Int, order n: Int, _ x: UnsafeMutablePointer<Double>) {
    for j in 0..<n {
      let xj = x[j] / l[j + j * ld]
      x[j] = xj
      let col = l + j * ld
      var i = j + 1
      while i < n {
        x[i] -= xj * col[i]
        i += 1
      }
    }
  }

  /// Solves Lᵀ·x = b in place (backward substitution, dot products down the columns of L).
  @inlinable
  public static func solveLowerTransposed(_ l: UnsafePointer<Double>, ld: Int, order n: Int, _ x: UnsafeMutablePointer<Double>) {
    var j = n - 1
    while j >= 0 {
      let s = dot(l + j * ld + j + 1, UnsafePointer(x + j + 1), count: n - j - 1)
      x[j] = (x[j] - s) / l[j + j * ld]
      j -= 1
    }
  }

  /// Replaces the factor L (lower triangle, column-major) by the lower triangle of (L·Lᵀ)⁻¹; the strict upper triangle is overwritten.
  ///
  /// W = L⁻¹ by forward substitution of the unit vectors (into `scratch`, n × n), then `a` ← Wᵀ and
  /// (K⁻¹)_ij = Σ_{k ≥ i} W_ki W_kj for i ≥ j as blocked products written over the (zero) lower part of Wᵀ.
  /// Terms with k < i are exact zeros, so each element is that sum in increasing k whatever the blocking.
  /// - Complexity: n³/3 + n³/3 flop.
  public static func invertFromFactor(_ a: UnsafeMutablePointer<Double>, order n: Int, scratch w: UnsafeMutablePointer<Double>) {
    if n == 0 { return }
    for c in 0..<n {
      let col = w + c * n
      for i in 0..<n { col[i] = i == c ? 1 : 0 }
      for j in c..<n {
        let xj = col[j] / a[j + j * n]
        col[j] = xj
        let lcol = a + j * n
        var i = j + 1
        while i < n {
          col[i] -= xj * lcol[i]
          i += 1
        }
      }
    }
    for k in 0..<n { for i in 0..<n { a[i + k * n] = w[k + i * n] } }  // a ← Wᵀ (upper triangular)
    let nb = choleskyBlock
    var diagonal = [Double](repeating: 0, count: nb * nb)
    diagonal.withUnsafeMutableBufferPointer { dbuf in
      let dp = dbuf.baseAddress!
      var ib = 0
      while ib < n {
        let wi = min(nb, n - ib)
        // Blocks left of the diagonal (their storage in `a` is zero and never read again as Wᵀ).
        var jb = 0
        while jb < ib {
          let wj = min(nb, ib - jb)
          subtractProduct(
            m: wi, p: wj, depth: n - ib, a: UnsafePointer(a + ib + ib * n), lda: n,
            b: UnsafePointer(w + ib + jb * n), bk: 1, bj: n, c: a + ib + jb * n, ldc: n)
          jb += wj
        }
        // The diagonal block reads Wᵀ[I, I], so it goes through a small buffer.
        for t in 0..<(nb * nb) { dp[t] = 0 }
        subtractProduct(
          m: wi, p: wi, depth: n - ib, a: UnsafePointer(a + ib + ib * n), lda: n,
          b: UnsafePointer(w + ib + ib * n), bk: 1, bj: n, c: dp, ldc: nb)
        for j in 0..<wi { for i in j..<wi { a[ib + i + (ib + j) * n] = dp[i + j * nb] } }
        ib += wi
      }
    }
    for j in 0..<n { for i in j..<n { a[i + j * n] = -a[i + j * n] } }
  }
}
