import Foundation
import LabCore

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
/// | name | evaluator | space |
/// |---|---|---|
/// | `replay:RUN` | ``ReplayEvaluator`` over `TRACES/RUN.json` (RUN: lhs, bo, soo, lhs_bis, …) | the run's campaign |
/// | `surrogate:A`, `surrogate:B` | the campaign's fitted surrogate | the campaign's |
/// | `function:NAME` | an analytic test function with a known optimum | the function's box |
/// | `constant[:SECONDS]` | ``ConstantEvaluator`` (engine benchmarks; default 1800 s) | campaign B's |
///
/// Fine-tuning evaluators maximise `hellaswag.acc` by default, as the
/// recorded runs did. Unknown kinds, runs or campaigns are errors that list
/// the valid names.
public enum EvaluatorCatalogue {
  /// The evaluator kinds, in a fixed order (the part before `:`).
  public static let kinds = ["replay", "surrogate", "function", "constant"]

  /// Where evaluators find their data, and what a replay does with points it never saw.
  public struct Context: Sendable {
    /// The folder of recorded traces (`RUN.json` files).
    public var traces: URL
    /// `error`, `nearest` or `surrogate` (see ``ReplayEvaluator/AbsentPolicy``).
    public var absent: String
    /// The folder of fitted surrogates (nil: the surrogate's own default).
    public var surrogates: String?

    public init(traces: URL, absent: String = "error", surrogates: String? = nil) {
      self.traces = traces
      self.absent = absent
      self.surrogates = surrogates
    }

    /// The default trace folder: ``TraceFolder/located(_:)`` (`$HPOLAB_TRACES`, else `traces/a100` or
    /// `../shared/traces/a100`), else `traces/a100`.
    public static func defaultTraces() -> URL { TraceFolder.located() }
  }

  /// How each kind is written, in the order of ``kinds``.
  public static let forms = ["replay:RUN", "surrogate:CAMPAIGN", "function:NAME", "constant[:SECONDS]"]

  /// The error for an unknown evaluator, listing the valid forms.
  public static func unknown(_ text: String) -> LabError {
    LabError(
      .notFound, "unknown evaluator '\(text)'; valid: \(forms.joined(separator: ", "))", location: .init(field: "evaluator"))
  }

  /// Whether `text` names a known kind (its part before `:`), without loading anything.
  public static func isKnownKind(_ text: String) -> Bool {
    kinds.contains(String(text.split(separator: ":", maxSplits: 1).first ?? ""))
  }

  /// The evaluator called `text`.
  /// - Throws: `.notFound` for an unknown kind, run, campaign or function (listing the valid ones);
  ///   `.invalidInput` for an unknown absent-point policy; `.parse` for a bad trace line;
  ///   whatever loading the surrogate throws (`.notFound` for missing fitted files).
  public static func make(_ text: String, context: Context) throws -> EvaluatorChoice {
    let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    let kind = parts[0]
    let argument = parts.count > 1 ? parts[1] : nil
    switch kind {
    case "replay":
      guard let run = argument, !run.isEmpty else {
        let runs = ReplayEvaluator.availableRuns(in: context.traces)
        throw LabError(.invalidInput, "replay needs a run: replay:RUN; valid runs: \(runs.joined(separator: ", "))", location: .init(field: "evaluator"))
      }
      let policy = try absentPolicy(context.absent, run: run, context: context)
      let replay = try ReplayEvaluator.load(run: run, from: context.traces, absent: policy)
      return EvaluatorChoice(evaluator: replay, space: replay.space, defaultMetric: MetricName.hellaswagAcc, direction: .maximize)
    case "constant":
      let seconds: Double
      if let argument {
        guard let s = Double(argument), s.isFinite, s >= 0 else {
          throw LabError(.invalidInput, "constant:SECONDS needs a finite non-negative number of seconds, got '\(argument)'", location: .init(field: "evaluator"))
        }
        seconds = s
      } else {
        seconds = 1800
      }
      return EvaluatorChoice(
        evaluator: ConstantEvaluator(value: 0, seconds: seconds), space: .llama32_1B, defaultMetric: MetricName.value,
        direction: .maximize)
    case "function":
      guard let fname = argument, !fname.isEmpty else {
        throw LabError(
          .invalidInput, "function needs a name: function:NAME; valid: \(TestFunction.names.joined(separator: ", "))",
          location: .init(field: "evaluator"))
      }
      let function = try TestFunction.named(fname)
      return EvaluatorChoice(
        evaluator: try FunctionEvaluator(function: function), space: function.space, defaultMetric: MetricName.value,
        direction: .minimize)
    case "surrogate":
      let surrogate = try SurrogateEvaluator.named(text, traces: context.traces.path, surrogates: context.surrogates)
      let campaign = try SurrogateEvaluator.campaign(named: text)
      return EvaluatorChoice(
        evaluator: surrogate, space: campaign.space, defaultMetric: MetricName.hellaswagAcc, direction: .maximize)
    default:
      throw unknown(text)
    }
  }

  /// The replay policy called `name` for run `run`.
  static func absentPolicy(_ name: String, run: String, context: Context) throws -> ReplayEvaluator.AbsentPolicy {
    switch name {
    case "error": return .error
    case "nearest": return .nearest
    case "surrogate":
      return .surrogate(
        try SurrogateEvaluator.load(campaign: Campaign.of(run: run), traces: context.traces.path, surrogates: context.surrogates))
    default:
      throw LabError(
        .invalidInput, "unknown policy '\(name)' for points absent from a replay; valid: \(ReplayEvaluator.AbsentPolicy.names.joined(separator: ", "))",
        location: .init(field: "absent"))
    }
  }
}
