import LabCore
import LabNumerics
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// |a − b| ≤ tolerance · max(1, |b|): relative for large values, absolute near zero.
func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool { abs(a - b) <= tolerance * max(1, abs(b)) }

@Suite struct NormalTests {
  // Reference values from mpmath at 40 digits: log(ncdf(z)).
  @Test(arguments: [
    (-3.0, -6.6077262215103495433), (-10, -53.231285150512470578), (-40, -804.60844201375378817),
    (-100, -5005.5242086942050886), (-1000, -500007.82669481218431), (3, -0.0013508099647481937988),
  ])
  func logCDFMatchesHighPrecisionValues(z: Double, expected: Double) {
    #expect(close(Normal.logCDF(z), expected, 1e-14), "log Φ(\(z)) = \(Normal.logCDF(z)), expected \(expected)")
  }

  @Test func logCDFKeepsItsRelativeAccuracyForLargeZ() {
    let expected = -6.2209605742717860585e-16  // mpmath log Φ(8)
    #expect(abs(Normal.logCDF(8) - expected) <= 1e-13 * abs(expected))
  }

  // exp(x²)·erfc(x) from mpmath.
  @Test(arguments: [
    (0.3, 0.73459933456765515237), (2, 0.25539567631050574387), (10, 0.056140992743822585858),
    (30, 0.018795888861416751497), (100, 0.0056416137829894329036), (1e5, 5.6418958351954680777e-6),
  ])
  func erfcxMatchesHighPrecisionValues(x: Double, expected: Double) {
    #expect(abs(Normal.erfcx(x) - expected) <= 1e-14 * expected, "erfcx(\(x)) = \(Normal.erfcx(x))")
  }

  // log(φ(z) + zΦ(z)) from mpmath.
  @Test(arguments: [
    (-0.5, -1.6205162643873199193), (-2, -4.7687835239171141569), (-10, -55.553122036122355927),
    (-40, -808.29856835661996024), (-100, -5010.1295788002497923), (-1e4, -50000019.339619307157),
    (-1e9, -500000000000000042.37), (1.5, 0.42481455676225929557),
  ])
  func logEIFunctionMatchesHighPrecisionValues(z: Double, expected: Double) {
    #expect(close(Normal.logEIFunction(z), expected, 1e-13), "log h(\(z)) = \(Normal.logEIFunction(z))")
  }

  /// Where h is representable, log h equals log of the direct formula; beyond, it stays finite and increasing.
  @Test func logEIFunctionAgreesWithTheDirectFormulaAndStaysMonotone() {
    var z = -30.0
    while z < 5 {
      let direct = log(Normal.pdf(z) + z * Normal.cdf(z))
      #expect(close(Normal.logEIFunction(z), direct, 1e-9), "z = \(z)")
      z += 0.37
    }
    #expect(Normal.eiFunction(-40) == 0)  // plain EI underflows here…
    var previous = -Double.infinity
    for e in stride(from: 12.0, through: 0.5, by: -0.25) {
      let value = Normal.logEIFunction(-pow(10, e))  // …log h does not, and grows with z
      #expect(value.isFinite && value > previous)
      previous = value
    }
  }

  /// The derivative Φ/h used for LogEI gradients matches finite differences of log h, including the far tail.
  @Test(arguments: [-200.0, -35, -5, -1.2, -0.3, 0.8, 4])
  func logEIFunctionDerivativeMatchesFiniteDifferences(z: Double) {
    let h = 1e-6 * max(1, abs(z))
    let fd = (Normal.logEIFunction(z + h) - Normal.logEIFunction(z - h)) / (2 * h)
    #expect(close(Normal.logEIFunctionDerivative(z), fd, 1e-5))
  }
}

@Suite struct CholeskyTests {
  /// A known SPD matrix: L·Lᵀ reproduces it, solve and inverse agree with the exact answer.
  @Test func factorsAKnownMatrix() throws {
    // A = [[4, 12, -16], [12, 37, -43], [-16, -43, 98]] has L = [[2,0,0],[6,1,0],[-8,5,3]].
    let a = Matrix(rowsOf: [[4, 12, -16], [12, 37, -43], [-16, -43, 98]])
    let c = try Cholesky(a)
    #expect(c.jitter == 0)
    let expectedL: [[Double]] = [[2, 0, 0], [6, 1, 0], [-8, 5, 3]]
    for i in 0..<3 { for j in 0...i { #expect(abs(c.lower[i, j] - expectedL[i][j]) < 1e-12) } }
    #expect(c.residual(against: a) < 1e-12)
    #expect(abs(c.logDeterminant - log(36)) < 1e-12)
    var b = [1.0, 2, 3]
    c.solve(&b)
    let back = a.multiplied(by: b)
    for i in 0..<3 { #expect(abs(back[i] - Double(i + 1)) < 1e-10) }
    let product = a.multiplied(by: c.inverse())
    for i in 0..<3 { for j in 0..<3 { #expect(abs(product[i, j] - (i == j ? 1 : 0)) < 1e-10) } }
  }

  /// A singular matrix (two equal rows) is factored after adding jitter.
  @Test func singularMatrixGetsJitter() throws {
    let a = Matrix(rowsOf: [[1, 1, 0.5], [1, 1, 0.5], [0.5, 0.5, 1]])
    let c = try Cholesky(a)
    #expect(c.jitter > 0 && c.jitter < 1e-3)
    #expect(c.residual(against: a) < 1e-12)
  }

  /// An indefinite matrix is a numerical error after the last jitter, and the message says so.
  @Test func indefiniteMatrixIsANumericalError() {
    let a = Matrix(rowsOf: [[1, 0], [0, -1]])
    do {
      _ = try Cholesky(a, tries: 3)
      Issue.record("expected an error")
    } catch let error as LabError {
      #expect(error.code == .numerical)
      #expect(error.message.contains("not positive definite"))
      #expect(error.message.contains("3 tries"))
    } catch { Issue.record("unexpected \(error)") }
  }
}

@Suite struct BoundedMinimizerTests {
  static func rosenbrock(_ x: [Double], _ g: inout [Double]) -> Double {
    var f = 0.0
    for i in 0..<x.count { g[i] = 0 }
    for i in 0..<(x.count - 1) {
      let a = 1 - x[i]
      let b = x[i + 1] - x[i] * x[i]
      f += a * a + 100 * b * b
      g[i] += -2 * a - 400 * x[i] * b
      g[i + 1] += 200 * b
    }
    return f
  }

  /// Unbounded Rosenbrock from (−1.2, 1) and in 5-D: the minimum (1, …, 1) is reached.
  @Test(arguments: [[-1.2, 1.0], [-1.2, 1, -0.5, 0.3, 2]])
  func findsRosenbrocksMinimumUnbounded(start: [Double]) {
    var options = BoundedMinimizerOptions()
    options.maxIterations = 2000
    options.maxEvaluations = 5000
    options.functionTolerance = 0
    options.gradientTolerance = 1e-8
    let r = BoundedMinimizer.minimize(from: start, options: options, Self.rosenbrock)
    #expect(r.converged)
    for v in r.x { #expect(abs(v - 1) < 1e-5, "x = \(r.x)") }
  }

  /// With x₀ ≤ 0.5 the constrained minimum of 2-D Rosenbrock is on the bound: (0.5, 0.25).
  @Test func findsRosenbrocksConstrainedMinimumOnTheBound() {
    var options = BoundedMinimizerOptions()
    options.gradientTolerance = 1e-9
    options.functionTolerance = 0
    let r = BoundedMinimizer.minimize(from: [-1.2, 1], lower: [-2, -2], upper: [0.5, 2], options: options, Self.rosenbrock)
    #expect(r.x[0] == 0.5)
    #expect(abs(r.x[1] - 0.25) < 1e-6)
    #expect(abs(r.value - 0.25) < 1e-9)
  }

  /// Iterates never leave the box, even when the start is outside it.
  @Test func iteratesStayInTheBox() {
    var outside = 0
    let r = BoundedMinimizer.minimize(from: [5, -5], lower: [0, 0], upper: [1, 1]) { x, g in
      if x[0] < 0 || x[0] > 1 || x[1] < 0 || x[1] > 1 { outside += 1 }
      g[0] = 2 * (x[0] - 3)
      g[1] = 2 * (x[1] + 2)
      return (x[0] - 3) * (x[0] - 3) + (x[1] + 2) * (x[1] + 2)
    }
    #expect(outside == 0)
    #expect(r.x == [1, 0])
  }
}

@Suite struct DenseKernelTests {
  /// A = BᵀB/m + I for a pseudo-random B: symmetric positive definite with a known structure.
  static func spd(_ n: Int, seed: UInt64) -> Matrix {
    var rng = SeededGenerator(seed: seed)
    let m = n + 3
    var b = Matrix(rows: m, columns: n)
    for i in b.storage.indices { b.storage[i] = 2 * rng.uniform() - 1 }
    var a = b.transposed.multiplied(by: b)
    for i in a.storage.indices { a.storage[i] /= Double(m) }
    for i in 0..<n { a[i, i] += 1 }
    return a
  }

  /// The blocked factorisation (three panels of 48 and a remainder) reproduces A, and the inverse is A⁻¹.
  @Test func blockedFactorAndInverseReproduceTheMatrix() throws {
    let n = 157
    let a = Self.spd(n, seed: 4)
    let c = try Cholesky(a)
    #expect(c.jitter == 0)
    #expect(c.residual(against: a) < 1e-12)
    let product = a.multiplied(by: c.inverse())
    var worst = 0.0
    for i in 0..<n { for j in 0..<n { worst = max(worst, abs(product[i, j] - (i == j ? 1 : 0))) } }
    #expect(worst < 1e-11, "‖A·A⁻¹ − I‖_max = \(worst)")
    var rng = SeededGenerator(seed: 2)
    let x = (0..<n).map { _ in rng.uniform() }
    var b = a.multiplied(by: x)
    c.solve(&b)
    for i in 0..<n { #expect(abs(b[i] - x[i]) < 1e-11) }
  }

  /// Each element's arithmetic does not depend on the matrix size: the factor of A's leading block is, bit for bit,
  /// the leading block of A's factor (so a blocked kernel cannot drift with the problem size or the CPU).
  @Test func leadingBlockOfTheFactorIsTheFactorOfTheLeadingBlock() throws {
    let a = Self.spd(130, seed: 7)
    let k = 61
    var lead = Matrix(rows: k, columns: k)
    for j in 0..<k { for i in 0..<k { lead[i, j] = a[i, j] } }
    let whole = try Cholesky(a).lower
    let part = try Cholesky(lead).lower
    for j in 0..<k { for i in j..<k { #expect(whole[i, j].bitPattern == part[i, j].bitPattern, "(\(i), \(j))") } }
  }

  /// A row-packed factor grown row by row solves the same systems as the blocked one.
  @Test func packedFactorGrownByRowsMatchesTheBlockedFactor() throws {
    let n = 70
    let a = Self.spd(n, seed: 9)
    var packed = PackedCholesky()
    for i in 0..<n { try packed.append(covariances: (0..<i).map { a[i, $0] }, variance: a[i, i]) }
    let blocked = try Cholesky(a).lower
    for i in 0..<n { for j in 0...i { #expect(abs(packed[i, j] - blocked[i, j]) < 1e-12) } }
    var x = (0..<n).map { Double($0 % 7) - 3 }
    let rhs = a.multiplied(by: x)
    var solved = rhs
    packed.solve(&solved)
    for i in 0..<n { #expect(abs(solved[i] - x[i]) < 1e-10) }
    packed.truncate(to: 10)
    #expect(packed.order == 10 && packed.storage.count == 55)
    x = [Double](repeating: 1, count: 10)
    packed.solveLower(&x)
    #expect(abs(x[0] - 1 / blocked[0, 0]) < 1e-15)
  }
}
