import Foundation
import Testing
import LabTestSupport

/// What one run of the `hpolab` binary produced.
struct CLIResult: Sendable, CustomStringConvertible {
  var status: Int32
  var stdout: String
  var stderr: String
  /// False when the process was killed by a signal (`status` is then the signal number).
  var exitedNormally = true
  var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// The built `hpolab` executable: `$HPOLAB_BINARY`, else the one beside the test bundle (same build folder).
func hpolabBinary() throws -> URL {
  if let path = ProcessInfo.processInfo.environment["HPOLAB_BINARY"] { return URL(fileURLWithPath: path) }
  var candidates: [URL] = []
  for start in [Bundle.main.bundleURL, Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])] {
    guard var folder = start?.standardizedFileURL.deletingLastPathComponent() else { continue }
    // The bundle may be nested (macOS: *.xctest/Contents/MacOS): look up to three folders up.
    for _ in 0..<3 {
      candidates.append(folder.appendingPathComponent("hpolab"))
      folder = folder.deletingLastPathComponent()
    }
  }
  return try #require(
    candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
    "hpolab binary not found beside the tests (build with 'swift build --build-tests'); looked at \(candidates.map(\.path))")
}

/// Runs `hpolab` with `arguments` (no shell), in `directory` when given, and captures its output and exit status.
///
/// Output goes through temporary files rather than pipes, so a chatty command cannot fill a pipe and hang.
func runHpolab(_ arguments: [String], in directory: URL? = nil, environment extra: [String: String] = [:]) throws -> CLIResult {
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let out = folder.appendingPathComponent("stdout")
  let err = folder.appendingPathComponent("stderr")
  FileManager.default.createFile(atPath: out.path, contents: nil)
  FileManager.default.createFile(atPath: err.path, contents: nil)
  let process = Process()
  process.executableURL = try hpolabBinary()
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = directory }
  var environment = ProcessInfo.processInfo.environment
  environment.merge(extra) { _, new in new }
  process.environment = environment
  let outHandle = try FileHandle(forWritingTo: out)
  let errHandle = try FileHandle(forWritingTo: err)
  process.standardOutput = outHandle
  process.standardError = errHandle
  process.standardInput = FileHandle.nullDevice
  try process.run()
  process.waitUntilExit()
  try outHandle.close()
  try errHandle.close()
  return CLIResult(
    status: process.terminationStatus,
    stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
    stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self),
    exitedNormally: process.terminationReason == .exit)
}

/// A fresh temporary folder; remove it with `try? FileManager.default.removeItem(at:)`.
func temporaryFolder() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("hpolab-cli-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// The seven recorded trace files, campaign A then B.
func cliTraceFiles() throws -> [String] {
  let folder = try Fixtures.traceFolder()
  return ["lhs", "bo", "soo", "lhs_bis", "bo_bis", "soo_bis", "bamsoo_bis"].map {
    folder.appendingPathComponent("\($0).json").path
  }
}
