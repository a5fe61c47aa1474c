// Notation
//   f: ℝⁿ → ℝ         the objective, with gradient g = ∇f supplied by the caller
//   l ≤ x ≤ u          box constraints (±∞ allowed per coordinate)
//   P(x)               projection onto the box, coordinate-wise clamp
//   free set F(x)      coordinates not held at a bound by the gradient:
//                      i ∉ F when (x_i ≤ l_i and g_i > 0) or (x_i ≥ u_i and g_i < 0)
//   (s_k, y_k)         the last m pairs x_{k+1} − x_k, g_{k+1} − g_k with s·y > 0
//   H                  the L-BFGS inverse-Hessian approximation (two-loop recursion, H₀ = γI, γ = s·y / y·y)
//   projected gradient pg = x − P(x − g);  convergence when ‖pg‖∞ ≤ gtol
//
// A projected L-BFGS method: the quasi-Newton direction is computed on the free
// set, and the step follows the projected path P(x + αd) with an Armijo
// backtracking line search. This is the "projected quasi-Newton" family of
// Bertsekas (1982) and Kim, Sra and Dhillon (2010), simpler than the
// generalised Cauchy point of L-BFGS-B (Byrd, Lu, Nocedal and Zhu, 1995) and,
// for the smooth low-dimensional problems of GP fitting and acquisition
// search, as effective. L-BFGS memory: Nocedal (1980).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Settings of ``BoundedMinimizer``.
public struct BoundedMinimizerOptions: Sendable, Hashable {
  /// Number of (s, y) pairs kept, m.
  public var memory: Int = 10
  /// Iteration limit.
  public var maxIterations: Int = 200
  /// Limit on objective evaluations (line-search trials included).
  public var maxEvaluations: Int = 1000
  /// Stop when the projected gradient's largest component is at most this.
  public var gradientTolerance: Double = 1e-5
  /// Stop when (f_k − f_{k+1}) ≤ functionTolerance · max(|f_k|, |f_{k+1}|, 1) (SciPy's `factr`·ε).
  public var functionTolerance: Double = 2.2e-9
  /// Armijo sufficient-decrease constant c₁.
  public var armijo: Double = 1e-4
  public init() {}
  public init(maxIterations: Int, gradientTolerance: Double, functionTolerance: Double = 2.2e-9) {
    self.maxIterations = maxIterations
    self.gradientTolerance = gradientTolerance
    self.functionTolerance = functionTolerance
  }
}

/// The outcome of ``BoundedMinimizer/minimize(from:lower:upper:options:_:)``.
public struct MinimizationResult: Sendable, Hashable {
  /// Why the iteration stopped.
  public enum Stop: String, Sendable, Hashable {
    case gradient, function, iterations, evaluations, lineSearch, nonFinite
  }
  /// The best point found (always inside the box).
  public var x: [Double]
  /// f at `x`.
  public var value: Double
  /// ∇f at `x`.
  public var gradient: [Double]
  public var iterations: Int
  public var evaluations: Int
  public var stop: Stop
  /// Whether a tolerance (gradient or function) was met.
  public var converged: Bool { stop == .gradient || stop == .function }
}

/// A bounded quasi-Newton minimiser (projected L-BFGS with Armijo backtracking along the projected path).
///
/// ```swift
/// let r = BoundedMinimizer.minimize(from: [-1.2, 1], lower: [-2, -2], upper: [2, 2]) { x, g in
///   g[0] = -2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] * x[0]); g[1] = 200 * (x[1] - x[0] * x[0])
///   return (1 - x[0]) * (1 - x[0]) + 100 * (x[1] - x[0] * x[0]) * (x[1] - x[0] * x[0])
/// }
/// ```
/// The objective writes the gradient into its second argument, whose length
/// is the dimension; it may return a non-finite value to say "outside the
/// domain", which the line search treats as a failed trial step.
///
/// References: Nocedal (1980), "Updating quasi-Newton matrices with limited
/// storage", Math. Comp. 35; Bertsekas (1982), "Projected Newton methods for
/// optimization problems with simple constraints", SIAM J. Control Optim. 20;
/// Byrd, Lu, Nocedal and Zhu (1995), "A limited memory algorithm for bound
/// constrained optimization", SIAM J. Sci. Comput. 16.
/// - Complexity: O(m·n) per iteration plus the objective's cost; all buffers are allocated once per call.
public enum BoundedMinimizer {
  /// Minimises `f` from `x0` (projected into the box first) within [`lower`, `upper`] (nil: unbounded).
  public static func minimize(
    from x0: [Double], lower: [Double]? = nil, upper: [Double]? = nil,
    options: BoundedMinimizerOptions = BoundedMinimizerOptions(),
    _ f: (_ x: [Double], _ gradient: inout [Double]) -> Double
  ) -> MinimizationResult {
    let n = x0.count
    let lo = lower ?? [Double](repeating: -.infinity, count: n)
    let hi = upper ?? [Double](repeating: .infinity, count: n)
    precondition(lo.count == n && hi.count == n, "BoundedMinimizer: bounds of length \(lo.count), \(hi.count) for \(n) variables")
    let m = max(1, options.memory)

    var x = x0
    for i in 0..<n { x[i] = Swift.min(Swift.max(x[i], lo[i]), hi[i]) }
    var g = [Double](repeating: 0, count: n)
    var fx = f(x, &g)
    var evaluations = 1
    if !fx.isFinite || !g.allSatisfy(\.isFinite) {
      return MinimizationResult(x: x, value: fx, gradient: g, iterations: 0, evaluations: 1, stop: .nonFinite)
    }

    var sMemory = [Double](repeating: 0, count: m * n)
    var yMemory = [Double](repeating: 0, count: m * n)
    var rho = [Double](repeating: 0, count: m)
    var alphaBuffer = [Double](repeating: 0, count: m)
    var stored = 0
    var newest = -1
    var d = [Double](repeating: 0, count: n)
    var free = [Bool](repeating: true, count: n)
    var trial = [Double](repeating: 0, count: n)
    var gTrial = [Double](repeating: 0, count: n)

    var iteration = 0
    var stop = MinimizationResult.Stop.iterations
    while iteration < options.maxIterations {
      // Convergence on the projected gradient, and the free set.
      var pgMax = 0.0
      for i in 0..<n {
        let p = x[i] - Swift.min(Swift.max(x[i] - g[i], lo[i]), hi[i])
        pgMax = Swift.max(pgMax, abs(p))
        free[i] = !((x[i] <= lo[i] && g[i] > 0) || (x[i] >= hi[i] && g[i] < 0))
      }
      if pgMax <= options.gradientTolerance {
        stop = .gradient
        break
      }

      // Two-loop recursion on the free coordinates.
      for i in 0..<n { d[i] = free[i] ? g[i] : 0 }
      var k = newest
      for _ in 0..<stored {
        var a = 0.0
        for i in 0..<n where free[i] { a += sMemory[k * n + i] * d[i] }
        a *= rho[k]
        alphaBuffer[k] = a
        for i in 0..<n where free[i] { d[i] -= a * yMemory[k * n + i] }
        k = (k - 1 + m) % m
      }
      if stored > 0 {
        var sy = 0.0
        var yy = 0.0
        for i in 0..<n {
          sy += sMemory[newest * n + i] * yMemory[newest * n + i]
          yy += yMemory[newest * n + i] * yMemory[newest * n + i]
        }
        let gamma = yy > 0 ? sy / yy : 1
        for i in 0..<n { d[i] *= gamma }
        k = (newest - stored + 1 + m) % m
        for _ in 0..<stored {
          var b = 0.0
          for i in 0..<n where free[i] { b += yMemory[k * n + i] * d[i] }
          b *= rho[k]
          let a = alphaBuffer[k]
          for i in 0..<n where free[i] { d[i] += (a - b) * sMemory[k * n + i] }
          k = (k + 1) % m
        }
      }
      var slope = 0.0
      for i in 0..<n {
        d[i] = free[i] ? -d[i] : 0
        slope += d[i] * g[i]
      }
      if !(slope < 0) {
        // Not a descent direction: forget the memory and use steepest descent on the free set.
        stored = 0
        slope = 0
        for i in 0..<n {
          d[i] = free[i] ? -g[i] : 0
          slope += d[i] * g[i]
        }
        if !(slope < 0) {
          stop = .gradient
          break
        }
      }

      // Armijo backtracking along the projected path.
      var step = 1.0
      if stored == 0 {
        var dMax = 0.0
        for i in 0..<n { dMax = Swift.max(dMax, abs(d[i])) }
        if dMax > 0 { step = Swift.min(1, 1 / dMax) }
      }
      var accepted = false
      var fTrial = fx
      var tries = 0
      while tries < 40 && evaluations < options.maxEvaluations {
        var decrease = 0.0
        for i in 0..<n {
          trial[i] = Swift.min(Swift.max(x[i] + step * d[i], lo[i]), hi[i])
          decrease += g[i] * (trial[i] - x[i])
        }
        fTrial = f(trial, &gTrial)
        evaluations += 1
        tries += 1
        if fTrial.isFinite && fTrial <= fx + options.armijo * decrease && gTrial.allSatisfy(\.isFinite) {
          accepted = true
          break
        }
        step *= 0.5
      }
      if !accepted {
        if stored > 0 {
          stored = 0  // retry once from steepest descent
          iteration += 1
          continue
        }
        stop = evaluations >= options.maxEvaluations ? .evaluations : .lineSearch
        break
      }

      // Memory update.
      let slot = (newest + 1) % m
      var sy = 0.0
      var yy = 0.0
      for i in 0..<n {
        let s = trial[i] - x[i]
        let y = gTrial[i] - g[i]
        sMemory[slot * n + i] = s
        yMemory[slot * n + i] = y
        sy += s * y
        yy += y * y
      }
      if sy > 1e-10 * yy && sy > 0 {
        rho[slot] = 1 / sy
        newest = slot
        stored = Swift.min(stored + 1, m)
      }
      let previous = fx
      swap(&x, &trial)
      swap(&g, &gTrial)
      fx = fTrial
      iteration += 1
      if previous - fx <= options.functionTolerance * Swift.max(abs(previous), abs(fx), 1) {
        stop = .function
        break
      }
      if evaluations >= options.maxEvaluations {
        stop = .evaluations
        break
      }
    }
    return MinimizationResult(x: x, value: fx, gradient: g, iterations: iteration, evaluations: evaluations, stop: stop)
  }
}
