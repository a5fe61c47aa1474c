import Foundation
import LabCore
import LabStore
import Testing
import LabTestSupport

/// The seven recorded runs, campaign A then B.
let recordedRuns = ["lhs", "bo", "soo", "lhs_bis", "bo_bis", "soo_bis", "bamsoo_bis"]

/// The seven recorded files.
func recordedTraceFiles() throws -> [URL] {
  let folder = try Fixtures.traceFolder()
  return recordedRuns.map { folder.appendingPathComponent("\($0).json") }
}

/// A fresh temporary folder, removed by the caller with `try? FileManager.default.removeItem(at:)`.
func temporaryFolder() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("hpolab-store-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// The lines of a recorded file, as bytes, without their newlines.
func recordedLines(_ run: String) throws -> [Data] {
  let folder = try Fixtures.traceFolder()
  let data = try Data(contentsOf: folder.appendingPathComponent("\(run).json"))
  return data.split(separator: 0x0A, omittingEmptySubsequences: true).map { Data($0) }
}

/// `line` with the first occurrence of `old` replaced by `new` (which may hold any bytes).
func replacing(_ line: Data, _ old: String, with new: [UInt8]) throws -> Data {
  let bytes = [UInt8](line)
  let pattern = [UInt8](old.utf8)
  let start = try #require(
    (0...(bytes.count - pattern.count)).first { Array(bytes[$0..<$0 + pattern.count]) == pattern },
    "'\(old)' not in the line")
  return Data(bytes[..<start] + new + bytes[(start + pattern.count)...])
}
