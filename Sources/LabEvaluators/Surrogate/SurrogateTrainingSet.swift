// The recorded trials a surrogate is fitted on, and where the files are found.

import Foundation
import LabCore
import LabData

/// The evaluated trials of one campaign's recorded runs, with the digests of their files.
///
/// BaMSOO's `approximated` lines are leaves scored by its model, not observations: they are left out.
public struct SurrogateTrainingSet: Sendable, Hashable {
  public var campaign: Campaign
  /// Evaluated trials, in file order (runs in ``runs(of:)`` order, then by line).
  public var trials: [RecordedTrial]
  public var digests: [SurrogateTraceDigest]

  /// A training set from trials already in memory (digests may be empty: then nothing is checked).
  /// - Throws: `.invalidInput` when no trial is evaluated: "empty training set".
  public init(campaign: Campaign, trials: [RecordedTrial], digests: [SurrogateTraceDigest] = []) throws {
    let evaluated = trials.filter { $0.state == .evaluated && $0.campaign == campaign }
    guard !evaluated.isEmpty else {
      throw LabError(
        .invalidInput,
        "empty training set: no evaluated trial of campaign \(campaign.rawValue) among \(trials.count) recorded lines")
    }
    self.campaign = campaign
    self.trials = evaluated
    self.digests = digests
  }

  /// The recorded runs of a campaign: A = lhs, bo, soo; B = lhs_bis, bo_bis, soo_bis, bamsoo_bis.
  public static func runs(of campaign: Campaign) -> [String] {
    campaign == .A ? ["lhs", "bo", "soo"] : ["lhs_bis", "bo_bis", "soo_bis", "bamsoo_bis"]
  }

  /// Reads the campaign's trace files from `directory`.
  /// - Throws: `.notFound` naming a missing file; `.parse` for a bad line; `.invalidInput` for an empty set.
  public static func load(campaign: Campaign, directory: URL) throws -> SurrogateTrainingSet {
    var trials: [RecordedTrial] = []
    var digests: [SurrogateTraceDigest] = []
    for run in runs(of: campaign) {
      let url = directory.appendingPathComponent("\(run).json")
      guard let data = FileManager.default.contents(atPath: url.path) else {
        throw LabError(.notFound, "trace file of run '\(run)' (campaign \(campaign.rawValue)) not found", location: .init(file: url.path))
      }
      let parsed = try TraceParser.parse(data: data, run: run, file: url.path).trials.filter { $0.state == .evaluated }
      trials += parsed
      digests.append(SurrogateTraceDigest(file: "\(run).json", sha256: surrogateSHA256Hex(data), evaluatedTrials: parsed.count))
    }
    return try SurrogateTrainingSet(campaign: campaign, trials: trials, digests: digests)
  }
}

/// Where the recorded traces and the committed surrogate files are found.
public enum SurrogateLocations {
  /// The trace folder: `explicit`, else `$HPOLAB_TRACES`, else `traces/a100` or `../shared/traces/a100`
  /// under the current directory or any parent, else beside this source tree.
  /// - Throws: `.notFound` listing the places tried.
  public static func traces(_ explicit: String? = nil) throws -> URL {
    try TraceFolder.locate(explicit)
  }

  /// The folder of fitted surrogate files: `explicit`, else `$HPOLAB_SURROGATES`, else `surrogates`
  /// under the current directory or any parent, else in this source tree.
  /// - Throws: `.notFound` listing the places tried.
  public static func surrogates(_ explicit: String? = nil) throws -> URL {
    try locate(explicit, environment: "HPOLAB_SURROGATES", relative: ["surrogates"], probe: "campaign-B.json", what: "fitted surrogate files")
  }

  /// The model file name of `campaign` inside the surrogates folder.
  public static func modelFileName(_ campaign: Campaign) -> String { "campaign-\(campaign.rawValue).json" }

  private static func locate(_ explicit: String?, environment: String, relative: [String], probe: String, what: String) throws -> URL {
    if let explicit {
      let url = URL(fileURLWithPath: explicit)
      guard FileManager.default.fileExists(atPath: url.path) else {
        throw LabError(.notFound, "folder of \(what) does not exist", location: .init(file: url.path))
      }
      return url
    }
    if let value = ProcessInfo.processInfo.environment[environment], !value.isEmpty {
      return URL(fileURLWithPath: value)
    }
    var roots: [URL] = []
    var here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    for _ in 0..<6 {
      roots.append(here)
      here = here.deletingLastPathComponent()
    }
    // This file is Sources/LabEvaluators/Surrogate/…: the package root is four levels up.
    var source = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { source = source.deletingLastPathComponent() }
    roots.append(source)
    var tried: [String] = []
    for root in roots {
      for r in relative {
        let candidate = root.appendingPathComponent(r).standardizedFileURL
        if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(probe).path) { return candidate }
        tried.append(candidate.path)
      }
    }
    throw LabError(.notFound, "\(what) not found (set $\(environment) or pass the folder); tried \(tried.prefix(4).joined(separator: ", ")) …")
  }
}
