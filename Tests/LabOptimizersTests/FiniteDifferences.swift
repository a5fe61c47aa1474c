/// Central finite difference of `f` along coordinate `i` of `x`, step `h`.
func centralDifference(_ x: [Double], _ i: Int, _ h: Double, _ f: ([Double]) -> Double) -> Double {
  var a = x
  var b = x
  a[i] += h
  b[i] -= h
  return (f(a) - f(b)) / (2 * h)
}
