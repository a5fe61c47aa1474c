import Foundation
import LabCore
import LabData

/// An evaluator chosen by name, with what a run needs to know about it: the space it answers over and its default metric.
public struct EvaluatorChoice: Sendable {
  /// The evaluator.
  public var evaluator: any Evaluator
  /// The search space the evaluator's configurations live in (a campaign's, or a test function's box).
  public var space: SearchSpace
  /// The metric a run optimises unless told otherwise.
  public var defaultMetric: String
  /// Whether that metric is maximised or minimised.
  public var direction: Direction

  public init(evaluator: any Evaluator, space: SearchSpace, defaultMetric: String, direction: Direction) {
    self.evaluator = evaluator
    self.space = space
    self.defaultMetric = defaultMetric
    self.direction = direction
  }
}

/// The evaluators hpolab knows by name: what `hpolab run --evaluator` and studies use.
///
/// Each kind is one ``EvaluatorEntry`` (declared beside its implementation) and
/// ``standard`` lists them: `replay:RUN`, `surrogate:CAMPAIGN`, `function:NAME`,
/// `constant[:SECONDS]`. Names, forms, help texts, the "unknown evaluator" message
/// and the docs' table (``markdownTable()``, in docs/simulator.md) all come from
/// the entries. Fine-tuning evaluators maximise `hellaswag.acc` by default, as the
/// recorded runs did. Unknown kinds, runs or campaigns are errors that list the
/// valid names.
public enum EvaluatorCatalogue {
  /// Every evaluator kind hpolab ships: **add a new one here, with one line**.
  public static let standard: [EvaluatorEntry] = [
    .replay,
    .surrogate,
    .function,
    .constant,
  ]

  /// The evaluator kinds, in a fixed order (the part before `:`).
  public static var kinds: [String] { standard.map(\.kind) }

  /// How each kind is written, in the order of ``kinds``.
  public static var forms: [String] { standard.map(\.form) }

  /// The entry of kind `kind`, if any.
  public static func entry(kind: String) -> EvaluatorEntry? { standard.first { $0.kind == kind } }

  /// Where evaluators find their data, and what a replay does with points it never saw.
  public struct Context: Sendable {
    /// The folder of recorded traces (`RUN.json` files).
    public var traces: URL
    /// `error`, `nearest` or `surrogate` (see ``ReplayEvaluator/AbsentPolicy``): the `absent` option of `replay`.
    public var absent: String
    /// The folder of fitted surrogates (nil: the surrogate's own default).
    public var surrogates: String?
    /// Where `surrogate:NAME` finds its campaign and trials besides the shipped files and the trace folder
    /// (a database: see LabStudies' `CampaignData.source`); nil: the shipped campaigns and trace files only.
    public var campaigns: CampaignSource?

    public init(traces: URL, absent: String = "error", surrogates: String? = nil, campaigns: CampaignSource? = nil) {
      self.traces = traces
      self.absent = absent
      self.surrogates = surrogates
      self.campaigns = campaigns
    }

    /// The default trace folder: ``TraceFolder/located(_:)`` (`$HPOLAB_TRACES`, else `traces/a100` or
    /// `../shared/traces/a100`), else `traces/a100`.
    public static func defaultTraces() -> URL { TraceFolder.located() }

    /// The options of `entry` this context sets (today: `absent` for the kinds that take it).
    func options(for entry: EvaluatorEntry) -> [String: String] {
      entry.schema.option("absent") == nil ? [:] : ["absent": absent]
    }
  }

  /// The error for an unknown evaluator, listing the valid forms.
  public static func unknown(_ text: String) -> LabError {
    LabError(
      .notFound, "unknown evaluator '\(text)'; valid: \(forms.joined(separator: ", "))", location: .init(field: "evaluator"))
  }

  /// Whether `text` names a known kind (its part before `:`), without loading anything.
  public static func isKnownKind(_ text: String) -> Bool {
    entry(kind: String(text.split(separator: ":", maxSplits: 1).first ?? "")) != nil
  }

  /// The evaluator called `text`.
  /// - Throws: `.notFound` for an unknown kind, run, campaign or function (listing the valid ones);
  ///   `.invalidInput` for an option the kind's schema refuses (an unknown absent-point policy);
  ///   `.parse` for a bad trace line; whatever loading the surrogate throws (`.notFound` for missing fitted files).
  public static func make(_ text: String, context: Context) throws -> EvaluatorChoice {
    let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    guard let entry = entry(kind: parts[0]) else { throw unknown(text) }
    return try entry.make(argument: parts.count > 1 ? parts[1] : nil, options: context.options(for: entry), context: context)
  }

  /// The docs' table of evaluator kinds: form, what answers, and the options.
  public static func markdownTable() -> String {
    var text = "| evaluator | what answers | options |\n|---|---|---|\n"
    for e in standard {
      let options = e.schema.options.map { "`\($0.name)` (\($0.kind.allowed); default \($0.defaultText))" }.joined(separator: ", ")
      text += "| `\(e.form)` | \(e.summary.replacingOccurrences(of: "``", with: "`")) | \(options.isEmpty ? "none" : options) |\n"
    }
    return text
  }

  /// The replay policy called `name` for run `run` (already checked against the `absent` option's values).
  static func absentPolicy(_ name: String, run: String, context: Context) throws -> ReplayEvaluator.AbsentPolicy {
    switch name {
    case "nearest": return .nearest
    case "surrogate":
      if let source = context.campaigns, let data = try source.recordedRun(run) {
        return .surrogate(
          try SurrogateEvaluator.load(campaign: data.campaign, training: try source.trainingSet(data.campaign), surrogates: context.surrogates))
      }
      return .surrogate(
        try SurrogateEvaluator.load(campaign: try Campaign.recorded(run: run), traces: context.traces.path, surrogates: context.surrogates))
    default: return .error
    }
  }
}
