import Foundation
import LabCore

/// Where the recorded trace files (`RUN.json`) are found: the one lookup every command, library and test uses.
///
/// In order: an explicit folder (which must exist), else `$HPOLAB_TRACES`, else the first of
/// `traces/a100` and `../shared/traces/a100` that holds `soo_bis.json`, under the current
/// directory or one of its five parents, else under this source tree.
public enum TraceFolder {
  /// The environment variable that names the trace folder.
  public static let environmentVariable = "HPOLAB_TRACES"
  /// The folders tried under each root, in order.
  public static let relativeCandidates = ["traces/a100", "../shared/traces/a100"]
  /// The file whose presence marks a trace folder.
  public static let probe = "soo_bis.json"

  /// The trace folder (see the type's summary for the order).
  /// - Throws: ``LabError`` `.notFound` naming the explicit folder that does not exist, or listing the places tried.
  public static func locate(
    _ explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> URL {
    if let explicit {
      let url = URL(fileURLWithPath: explicit)
      guard FileManager.default.fileExists(atPath: url.path) else {
        throw LabError(.notFound, "folder of recorded traces does not exist", location: .init(file: url.path))
      }
      return url
    }
    if let value = environment[environmentVariable], !value.isEmpty {
      return URL(fileURLWithPath: value)
    }
    var tried: [String] = []
    for root in roots() {
      for relative in relativeCandidates {
        let candidate = root.appendingPathComponent(relative).standardizedFileURL
        if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(probe).path) { return candidate }
        tried.append(candidate.path)
      }
    }
    throw LabError(
      .notFound,
      "recorded traces not found (set $\(environmentVariable) or pass the folder; 'make traces' copies them); tried \(tried.prefix(4).joined(separator: ", ")) …")
  }

  /// The folder ``locate(_:environment:)`` finds, else `traces/a100` under the current directory (whose absence the reader reports).
  public static func located(_ explicit: String? = nil) -> URL {
    (try? locate(explicit)) ?? URL(fileURLWithPath: explicit ?? relativeCandidates[0])
  }

  /// The `*.json` files of `folder`, sorted by name (what `hpolab traces import` reads when given no file).
  /// - Throws: `.notFound` naming the folder when it does not exist or holds no `*.json`.
  public static func traceFiles(in folder: URL) throws -> [URL] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
      throw LabError(.notFound, "no trace files given and the folder does not exist (run 'make traces')",
                     location: .init(file: folder.path))
    }
    let json = names.filter { $0.hasSuffix(".json") }.sorted()
    guard !json.isEmpty else {
      throw LabError(.notFound, "no trace files given and the folder holds no *.json (run 'make traces')",
                     location: .init(file: folder.path))
    }
    return json.map { folder.appendingPathComponent($0) }
  }

  /// The current directory and five parents, then the package root of this source file.
  private static func roots() -> [URL] {
    var roots: [URL] = []
    var here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    for _ in 0..<6 {
      roots.append(here)
      here = here.deletingLastPathComponent()
    }
    // This file is Sources/LabData/TraceFolder.swift: the package root is three levels up.
    var source = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { source = source.deletingLastPathComponent() }
    roots.append(source)
    return roots
  }
}
