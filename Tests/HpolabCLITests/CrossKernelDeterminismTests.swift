import Foundation
import LabTestSupport
import Testing

/// The OpenBLAS kernel families this CPU can run, by the flags in /proc/cpuinfo (Linux), strongest last.
///
/// Prescott needs SSE3 (`pni`), Sandybridge AVX, Haswell AVX2 and FMA. hpolab no longer links OpenBLAS
/// (LabNumerics has its own fixed-order kernels), so these settings must not change a single byte;
/// the test keeps that true if a BLAS ever comes back.
func supportedCoreTypes() -> [String] {
  guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
    let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
  else { return [] }
  let flags = Set(line.split(separator: " ").map(String.init))
  var types: [String] = []
  if flags.contains("pni") { types.append("Prescott") }
  if flags.contains("avx") { types.append("Sandybridge") }
  if flags.contains("avx2") && flags.contains("fma") { types.append("Haswell") }
  return types
}

@Suite struct CrossKernelDeterminismTests {
  /// `hpolab run --json` gives the same bytes under every OPENBLAS_CORETYPE the CPU supports and the default.
  ///
  /// Before LabNumerics had its own kernels, forcing another kernel changed every hash (BO: 29 of
  /// 40 points differed). W = 4, async, so pending points (kriging believer, BaMSOO's tree) are exercised.
  @Test(arguments: ["bo", "soo", "bamsoo", "lhs", "random"], ["surrogate:B", "function:hartmann6"])
  func runBytesDoNotDependOnTheBLASKernel(algorithm: String, evaluator: String) throws {
    var arguments = [
      "run", "--algorithm", algorithm, "--evaluator", evaluator, "--workers", "4", "--budget", "24", "--seed", "3", "--json",
    ]
    if evaluator.hasPrefix("surrogate") { arguments += ["--traces", try Fixtures.traceFolder().path] }
    let reference = try runHpolab(arguments)
    #expect(reference.status == 0, "\(reference)")
    #expect(reference.stdout.contains("\"trials\""), "no trials in the JSON output")
    let types = supportedCoreTypes()
    if types.isEmpty { print("CrossKernelDeterminismTests: /proc/cpuinfo has no flags line; only the default kernel ran") }
    for type in types {
      let other = try runHpolab(arguments, environment: ["OPENBLAS_CORETYPE": type, "OPENBLAS_VERBOSE": "0"])
      #expect(other.status == 0, "\(type): \(other)")
      #expect(other.stdout == reference.stdout, "\(algorithm) on \(evaluator): OPENBLAS_CORETYPE=\(type) changed the output")
    }
  }
}
