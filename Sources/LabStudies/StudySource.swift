import LabCore

/// Where each part of a study was written: its file and the line of every key, for error messages.
///
/// Filled by the study parser; checks that need the evaluators loaded (metric
/// names, recorded runs, options against an evaluator's space) run later, in
/// ``StudyRunner/init(spec:context:)``, and use it to name the file and line.
/// It is not part of the study's definition: two ``StudySource`` values are
/// always equal and hash alike, and it is not encoded, so moving a key to
/// another line changes neither ``StudySpec/specHash`` nor `==`.
public struct StudySource: Sendable, Hashable {
  /// The study file (nil for a spec built in code or loaded from a database).
  public var file: String?
  /// Lines by key: `study.KEY`, `space`, `evaluator:NAME`, `evaluator:NAME.KEY`,
  /// `algorithm:LABEL`, `algorithm:LABEL.options`, `algorithm:LABEL.options.KEY`, `recorded:RUN`.
  public var lines: [String: Int]

  public init(file: String? = nil, lines: [String: Int] = [:]) {
    self.file = file
    self.lines = lines
  }

  /// The location of `key` (its line, else the first of `fallbacks` that has one), nil without a file.
  public func location(_ key: String, _ fallbacks: String..., field: String? = nil) -> LabError.Location? {
    guard let file else { return nil }
    let line = ([key] + fallbacks).lazy.compactMap { self.lines[$0] }.first
    return LabError.Location(file: file, line: line, field: field)
  }

  /// `error` relocated to `key` of this file (its message and code unchanged), when this source has a file.
  public func relocate(_ error: LabError, _ key: String, _ fallbacks: String...) -> LabError {
    guard let file else { return error }
    let line = ([key] + fallbacks).lazy.compactMap { self.lines[$0] }.first
    var moved = error
    moved.location = LabError.Location(file: file, line: line, field: error.location?.field)
    return moved
  }

  public static func == (_: StudySource, _: StudySource) -> Bool { true }
  public func hash(into hasher: inout Hasher) {}
}
