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
  ///
  /// Trials of runs that a shipped campaign file lists under another campaign are left out.
  /// - Throws: `.invalidInput` when no trial is evaluated: "empty training set".
  public init(campaign: Campaign, trials: [RecordedTrial], digests: [SurrogateTraceDigest] = []) throws {
    let evaluated = trials.filter { $0.state == .evaluated && ($0.campaign?.name ?? campaign.name) == campaign.name }
    guard !evaluated.isEmpty else {
      throw LabError(
        .invalidInput,
        "empty training set: no evaluated trial of campaign \(campaign.name) among \(trials.count) recorded lines")
    }
    self.campaign = campaign
    self.trials = evaluated
    self.digests = digests
  }

  /// The recorded runs of a campaign: the `[[runs]]` of its campaign file, in order.
  public static func runs(of campaign: Campaign) -> [String] { campaign.runs.map(\.run) }

  /// The fewest evaluated trials a surrogate is fitted or checked on: 10-fold cross-validation needs 10,
  /// and each metric's GP fits 5 length-scales, a signal and a noise variance.
  public static let minimumTrials = 10

  /// The training set of `campaign` from recorded runs already read: `runs` pairs each run's name and file name
  /// with the file's bytes (whose SHA-256 the surrogate records) and its trials.
  /// - Throws: `.invalidInput` naming the campaign and how many trials it has when there are fewer than ``minimumTrials``.
  public init(campaign: Campaign, runs: [(run: String, file: String, bytes: Data, trials: [RecordedTrial])]) throws {
    var trials: [RecordedTrial] = []
    var digests: [SurrogateTraceDigest] = []
    for r in runs {
      let evaluated = r.trials.filter { $0.state == .evaluated }
      trials += evaluated
      digests.append(SurrogateTraceDigest(file: r.file, sha256: surrogateSHA256Hex(r.bytes), evaluatedTrials: evaluated.count))
    }
    guard trials.count >= Self.minimumTrials else {
      throw LabError(
        .invalidInput,
        "campaign \(campaign.name) has \(trials.count) evaluated trial\(trials.count == 1 ? "" : "s") in \(runs.count) run\(runs.count == 1 ? "" : "s"); a surrogate needs at least \(Self.minimumTrials)")
    }
    try self.init(campaign: campaign, trials: trials, digests: digests)
  }

  /// Reads the campaign's trace files (its `[[runs]]`) from `directory`.
  /// - Throws: `.notFound` naming a missing file; `.parse` for a bad line; `.invalidInput` for fewer than ``minimumTrials``.
  public static func load(campaign: Campaign, directory: URL) throws -> SurrogateTrainingSet {
    guard !campaign.runs.isEmpty else {
      throw LabError(
        .invalidInput,
        "campaign \(campaign.name) lists no trace file ([[runs]]); import its runs and use the database (--db), or list them in its campaign file")
    }
    var runs: [(run: String, file: String, bytes: Data, trials: [RecordedTrial])] = []
    for r in campaign.runs {
      let url = directory.appendingPathComponent(r.file)
      guard let data = FileManager.default.contents(atPath: url.path) else {
        throw LabError(.notFound, "trace file of run '\(r.run)' (campaign \(campaign.name)) not found", location: .init(file: url.path))
      }
      runs.append((r.run, r.file, data, try TraceParser.parse(data: data, run: r.run, file: url.path).trials))
    }
    return try SurrogateTrainingSet(campaign: campaign, runs: runs)
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
  /// With `campaign`, the folder must hold that campaign's model file (`NAME.json`); without, the shipped `llama-3.2-1b.json`.
  public static func surrogates(_ explicit: String? = nil, for campaign: Campaign? = nil) throws -> URL {
    try locate(
      explicit, environment: "HPOLAB_SURROGATES", relative: ["surrogates"], probe: campaign.map(modelFileName) ?? "llama-3.2-1b.json",
      what: "fitted surrogate files")
  }

  /// The model file name of `campaign` inside the surrogates folder: `NAME.json`.
  public static func modelFileName(_ campaign: Campaign) -> String { "\(campaign.name).json" }

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
