import Foundation
import LabCore
import LabData

/// Fixtures shared by every test target: the repository root and the recorded traces.
///
/// A missing fixture is a failure: the lookups throw a ``LabError`` that names what is missing,
/// and a test that needs it fails with that message. A test whose fixture is optional calls
/// ``optional(_:_:)``, which prints the skip to standard error, never a silent `return`.
public enum Fixtures {
  /// The repository root (this file is Tests/LabTestSupport/Fixtures.swift).
  public static let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url = url.deletingLastPathComponent() }
    return url.standardizedFileURL
  }()

  /// The seven recorded runs, campaign A then B.
  public static let recordedRuns = ["lhs", "bo", "soo", "lhs_bis", "bo_bis", "soo_bis", "bamsoo_bis"]

  /// The shipped campaigns (`campaigns/*.toml`), in file-name order: llama-3.2-1b, llama-3.2-3b.
  public static var campaigns: [Campaign] { CampaignCatalogue.shipped.campaigns }

  /// The shipped campaign called `name`; a missing campaign file stops the test run (a fixture, never skipped).
  public static func campaign(_ name: String) -> Campaign {
    guard let c = try? CampaignCatalogue.shipped.campaign(named: name) else {
      fatalError("campaigns/\(name).toml not found or invalid: \(CampaignCatalogue.shippedProblem?.description ?? "unknown")")
    }
    return c
  }

  /// The seed's Llama-3.2-1B campaign (`campaigns/llama-3.2-1b.toml`, alias B).
  public static var llama1B: Campaign { campaign("llama-3.2-1b") }
  /// The seed's Llama-3.2-3B campaign (`campaigns/llama-3.2-3b.toml`, alias A).
  public static var llama3B: Campaign { campaign("llama-3.2-3b") }

  /// A file of the Optuna fixture (`Tests/Fixtures/optuna/`, written by scripts/make_optuna_fixture.py with Optuna 5.0.0):
  /// `lora-study.sqlite` (studies lora-demo, 24 of 27 trials complete, and lora-tiny, 6) and `lora-demo.csv`.
  public static func optuna(_ name: String) -> URL {
    repositoryRoot.appendingPathComponent("Tests/Fixtures/optuna/\(name)")
  }

  /// The recorded trace folder, found by ``TraceFolder/locate(_:environment:)`` (honours `$HPOLAB_TRACES`).
  /// - Throws: `.notFound` when the traces are nowhere (run `make traces`).
  public static func traceFolder() throws -> URL {
    try TraceFolder.locate()
  }

  /// The file of recorded run `name` (e.g. `soo_bis`), which must exist.
  /// - Throws: `.notFound` naming the file.
  public static func traceFile(_ name: String) throws -> URL {
    let url = try traceFolder().appendingPathComponent("\(name).json")
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw LabError(.notFound, "recorded trace \(name).json is missing", location: .init(file: url.path))
    }
    return url
  }

  /// The parsed lines of recorded run `name`.
  public static func recordedTrials(_ name: String) throws -> [RecordedTrial] {
    try TraceParser.parse(contentsOf: try traceFile(name)).trials
  }

  /// The value of `body`, or nil after printing `skipped <what>: <reason>` to standard error when the
  /// fixture is missing — for tests whose fixture is optional (say so in the test).
  public static func optional<T>(_ what: String, _ body: () throws -> T) -> T? {
    do {
      return try body()
    } catch {
      FileHandle.standardError.write(Data("skipped \(what): \(error)\n".utf8))
      return nil
    }
  }

  /// A fresh temporary folder named `prefix-UUID`; remove it with `try? FileManager.default.removeItem(at:)`.
  public static func temporaryFolder(_ prefix: String = "hpolab-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
