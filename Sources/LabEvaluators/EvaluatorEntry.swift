import Foundation
import LabCore

/// One kind of evaluator of the catalogue: its name (the part before `:`), how it is written, a one-line
/// summary, the options it takes and its factory.
///
/// Adding an evaluator kind is one file declaring its entry (a `static let` on `EvaluatorEntry`)
/// plus one line in ``EvaluatorCatalogue/standard``: `--evaluator`, study files, the help text, the
/// "unknown evaluator" message and the docs' table (docs/simulator.md, checked by a test) read the entry.
///
/// ```swift
/// extension EvaluatorEntry {
///   public static let constant = EvaluatorEntry(
///     kind: "constant", form: "constant[:SECONDS]", summary: "every trial scores 0 and takes SECONDS (engine benchmarks)"
///   ) { argument, context in … }
/// }
/// ```
public struct EvaluatorEntry: Sendable {
  /// The part before `:` (`replay`).
  public let kind: String
  /// How a name of this kind is written (`replay:RUN`), for help texts and messages.
  public let form: String
  /// What answers, in a few words, for help texts and the docs' table.
  public let summary: String
  /// The options the kind takes (from the command line or the study file), typed.
  public let schema: OptionSchema
  private let factory: @Sendable (_ argument: String?, _ options: OptionValues, _ context: EvaluatorCatalogue.Context) throws -> EvaluatorChoice

  /// - Parameters:
  ///   - options: the kind's options in the order the docs list them; the schema's owner is `kind`.
  ///   - make: builds the evaluator from the part after `:` (nil when there is none), the validated options and the context.
  public init(
    kind: String, form: String, summary: String, options: [OptionSpec] = [],
    make: @escaping @Sendable (_ argument: String?, _ options: OptionValues, _ context: EvaluatorCatalogue.Context) throws -> EvaluatorChoice
  ) {
    self.kind = kind
    self.form = form
    self.summary = summary
    self.schema = OptionSchema(owner: kind, options)
    self.factory = make
  }

  /// The evaluator for `argument` (the part after `:`), its options validated against ``schema``.
  /// - Throws: `.invalidInput` for an option the schema refuses; what the factory throws.
  public func make(argument: String?, options: [String: String], context: EvaluatorCatalogue.Context) throws -> EvaluatorChoice {
    try factory(argument, try schema.validate(options), context)
  }
}
