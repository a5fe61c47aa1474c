/// An error that says what failed, where, and with which input.
///
/// Every module of hpolab throws this one type, so that the command-line tool
/// can print any failure as a single line and exit non-zero. The `code` says
/// which kind of failure it is (tests match on it); `location` points at the
/// file, line and field of the offending input when there is one.
///
/// - Note: A failed *trial* (collapsed training, time-out, missing results) is
///   not an error: it is a ``TrialState/failed`` outcome. `LabError` is for
///   bad input and infrastructure faults only.
public struct LabError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The kind of failure, stable across releases so that scripts and tests can match on it.
  public struct Code: Sendable, Hashable, CustomStringConvertible {
    internal enum Storage: String, Sendable, Hashable {
      case invalidInput, invalidSearchSpace, parse, notFound, io, database, schemaTooNew
      case numerical, unsupported, internalInconsistency, cancelled, external
    }
    internal let storage: Storage
    /// Input that does not satisfy a documented contract (a value out of range, a wrong type).
    public static let invalidInput = Code(storage: .invalidInput)
    /// A search space that cannot be used (no parameters, zero-width bounds).
    public static let invalidSearchSpace = Code(storage: .invalidSearchSpace)
    /// A file or line that could not be parsed.
    public static let parse = Code(storage: .parse)
    /// A named thing (run, campaign, study, file, function) that does not exist.
    public static let notFound = Code(storage: .notFound)
    /// A file system failure.
    public static let io = Code(storage: .io)
    /// A database failure.
    public static let database = Code(storage: .database)
    /// A database written by a newer version of hpolab.
    public static let schemaTooNew = Code(storage: .schemaTooNew)
    /// A numerical failure (a matrix that stays singular after every jitter).
    public static let numerical = Code(storage: .numerical)
    /// A request that is understood but not supported (e.g. replaying BO under W workers).
    public static let unsupported = Code(storage: .unsupported)
    /// A broken internal invariant: a bug in hpolab or in a proposer.
    public static let internalInconsistency = Code(storage: .internalInconsistency)
    /// The operation was interrupted.
    public static let cancelled = Code(storage: .cancelled)
    /// An external program failed in a way that is not a trial outcome.
    public static let external = Code(storage: .external)
    public var description: String { storage.rawValue }
  }

  /// Where in the input the problem is.
  public struct Location: Sendable, Hashable, CustomStringConvertible {
    public var file: String?
    public var line: Int?
    public var field: String?
    public init(file: String? = nil, line: Int? = nil, field: String? = nil) {
      self.file = file
      self.line = line
      self.field = field
    }
    public var description: String {
      var parts: [String] = []
      if let file { parts.append(line.map { "\(file):\($0)" } ?? file) } else if let line { parts.append("line \(line)") }
      if let field { parts.append("field '\(field)'") }
      return parts.joined(separator: ", ")
    }
  }

  public var code: Code
  public var message: String
  public var location: Location?
  /// The lower-level error that caused this one, rendered as text (keeps the type `Hashable`).
  public var underlying: String?

  public init(_ code: Code, _ message: String, location: Location? = nil, underlying: (any Error)? = nil) {
    self.code = code
    self.message = message
    self.location = location
    self.underlying = underlying.map { String(describing: $0) }
  }

  /// One line: `where: what (because)`; control characters quoted from the input (a newline in a key) are escaped.
  public var description: String {
    var text = ""
    if let location, !location.description.isEmpty { text += "\(location): " }
    text += message
    if let underlying { text += " (\(underlying))" }
    guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
    var escaped = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\n": escaped += "\\n"
      case "\r": escaped += "\\r"
      case "\t": escaped += "\\t"
      case _ where scalar.properties.generalCategory == .control:
        let hex = String(scalar.value, radix: 16, uppercase: true)
        escaped += "\\u{" + hex + "}"
      default: escaped.unicodeScalars.append(scalar)
      }
    }
    return escaped
  }
}
