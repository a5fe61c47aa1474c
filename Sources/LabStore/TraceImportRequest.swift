import Foundation
import LabCore
import LabData

/// The input formats of `hpolab traces import` (docs/importing.md).
public enum TraceFormat: String, Sendable, Hashable, CaseIterable, Codable {
  /// The seed's JSON lines (`traces/a100/*.json`, `hpolab traces export`).
  case seed
  /// One row per trial, columns mapped to parameters, metrics, times and state.
  case csv
  /// An Optuna RDB storage in SQLite.
  case optuna

  /// The format a file's extension suggests: `.csv` → csv; `.db`, `.sqlite`, `.sqlite3` → optuna; else seed.
  public static func guess(_ url: URL) -> TraceFormat {
    switch url.pathExtension.lowercased() {
    case "csv": return .csv
    case "db", "sqlite", "sqlite3": return .optuna
    default: return .seed
    }
  }
}

/// What `hpolab traces import` was asked: the files, their format, campaign, algorithm and run name.
public struct TraceImportRequest: Sendable, Hashable {
  public var files: [URL]
  /// The campaign (name or alias; the shipped ones and those of the database); nil: the campaign file that lists each file.
  public var campaign: String?
  /// nil: guessed from each file's extension (``TraceFormat/guess(_:)``).
  public var format: TraceFormat?
  /// The Optuna study (nil: the storage's only one).
  public var optunaStudy: String?
  /// The algorithm that proposed the trials (nil: the campaign file's `[[runs]]` entry).
  public var algorithm: String?
  /// The run's name (one file only; default: the file name without extension, or the Optuna study's name).
  public var run: String?
  /// CSV column mapping, each `target=header`.
  public var columns: [String]
  /// Keep the good lines and report the bad ones.
  public var skipBad: Bool

  public init(
    files: [URL], campaign: String? = nil, format: TraceFormat? = nil, optunaStudy: String? = nil, algorithm: String? = nil,
    run: String? = nil, columns: [String] = [], skipBad: Bool = false
  ) {
    self.files = files
    self.campaign = campaign
    self.format = format
    self.optunaStudy = optunaStudy
    self.algorithm = algorithm
    self.run = run
    self.columns = columns
    self.skipBad = skipBad
  }

  /// Reads and validates every file without changing any database (the campaign may be one that database
  /// `database` defines: it is read, read-only, when it exists).
  /// - Throws: `.invalidInput` for options that do not fit (``run`` with several files, ``columns`` outside CSV,
  ///   ``optunaStudy`` outside Optuna, CSV or Optuna input without ``campaign`` or ``algorithm``), an unknown
  ///   campaign (`.notFound`), two files naming one run; and every error of the format's reader (file, line, field).
  public func read(database: String) throws -> [ParsedTraceFile] {
    if run != nil && files.count != 1 {
      throw LabError(.invalidInput, "--run names one run: give exactly one file (got \(files.count))", location: .init(field: "--run"))
    }
    if let run, run.isEmpty || run.utf8.count > 200 {
      throw LabError(.invalidInput, "--run '\(TraceValidation.clip(run))' must be 1 to 200 characters", location: .init(field: "--run"))
    }
    let catalogue = Self.catalogue(database: database)
    let campaign = try self.campaign.map { try catalogue.campaign(named: $0) }
    var parsed: [ParsedTraceFile] = []
    for url in files {
      let format = self.format ?? TraceFormat.guess(url)
      if !columns.isEmpty && format != .csv {
        throw LabError(.invalidInput, "--column maps CSV columns; \(url.lastPathComponent) is read as \(format.rawValue)", location: .init(file: url.path, field: "--column"))
      }
      if optunaStudy != nil && format != .optuna {
        throw LabError(.invalidInput, "--optuna-study names a study of an Optuna storage; \(url.lastPathComponent) is read as \(format.rawValue)", location: .init(file: url.path, field: "--optuna-study"))
      }
      switch format {
      case .seed:
        var files = try ParsedTraceFile.read([url], skipBad: skipBad, campaign: campaign, algorithm: algorithm, catalogue: catalogue)
        if let run {
          files[0].run = run
          for i in files[0].trials.indices { files[0].trials[i].run = run }
        }
        parsed += files
      case .csv, .optuna:
        guard let campaign else {
          throw LabError(.invalidInput, "a \(format.rawValue) file needs --campaign NAME (known: \(catalogue.validNames))", location: .init(file: url.path, field: "--campaign"))
        }
        guard let algorithm, !algorithm.isEmpty else {
          throw LabError(.invalidInput, "a \(format.rawValue) file needs --algorithm NAME (the algorithm that proposed its trials, e.g. tpe)", location: .init(file: url.path, field: "--algorithm"))
        }
        let result: (run: String, trials: [RecordedTrial], bad: [TraceParser.BadLine], skipped: Int)
        if format == .csv {
          let name = run ?? url.deletingPathExtension().lastPathComponent
          let r = try CSVTraceReader.read(try TraceParser.readFile(url), file: url.path, run: name, campaign: campaign, columns: columns, skipBad: skipBad)
          result = (name, r.trials, r.bad, r.skipped)
        } else {
          let study = try OptunaStudy(path: url.path, study: optunaStudy)
          let name = run ?? study.name
          let r = try study.recordedTrials(run: name, campaign: campaign, skipBad: skipBad)
          result = (name, r.trials, r.bad, r.skipped)
        }
        parsed.append(
          ParsedTraceFile(
            run: result.run, url: url, data: Self.canonicalText(result.trials), trials: result.trials, bad: result.bad,
            campaign: campaign, algorithm: algorithm, leftOut: result.skipped))
      }
    }
    var seen = Set<String>()
    for p in parsed where !seen.insert(p.run).inserted {
      throw LabError(.invalidInput, "run '\(p.run)' is named by two files", location: .init(file: p.url.path))
    }
    return parsed
  }

  /// The shipped campaigns plus those database `path` defines, when it exists and can be read (else the shipped ones:
  /// opening it for the import reports what is wrong with it).
  static func catalogue(database path: String) -> CampaignCatalogue {
    guard FileManager.default.fileExists(atPath: path), let db = try? LabDatabase(path: path, mode: .readOnly),
      let catalogue = try? db.campaignCatalogue()
    else { return .shipped }
    return catalogue
  }

  /// The content of imported trials as text, for the idempotence hash: each trial's JSON line and every metric.
  static func canonicalText(_ trials: [RecordedTrial]) -> Data {
    let text = trials.map { t in
      t.jsonLine + "\t" + t.metrics.map { "\($0.name)=\(PythonNumber.repr($0.value))" }.joined(separator: ",") + "\n"
    }.joined()
    return Data(text.utf8)
  }
}
