import LabCore

/// One optimiser of the catalogue: its name, a one-line summary with the paper, its option schema and its factory.
///
/// Adding an optimiser to hpolab is one file declaring its entry (as a
/// `static let` on `ProposerEntry`) plus one line in
/// ``ProposerCatalogue/standard``; `hpolab run`, studies, live mode, the
/// help texts, error messages and the docs' option tables all read the entry
/// (docs/extending.md).
///
/// ```swift
/// extension ProposerEntry {
///   public static let random = ProposerEntry(
///     name: "random", summary: "random search (Bergstra and Bengio 2012)", options: []
///   ) { context in RandomSearch(space: context.space) }
/// }
/// ```
public struct ProposerEntry: Sendable {
  /// What a factory is given: the space, the run's shape and the validated options.
  public struct Context: Sendable {
    /// The space the proposer searches.
    public var space: SearchSpace
    /// The run's evaluation budget, which some algorithms size themselves by (LHS's design, SOO's sweeps).
    public var budget: Int?
    /// The number of workers the proposer will feed.
    public var workers: Int
    /// How the workers are driven.
    public var mode: ExecutionMode
    /// The options, validated against the entry's schema (absent keys: the algorithm's defaults).
    public var options: OptionValues

    public init(space: SearchSpace, budget: Int?, workers: Int = 1, mode: ExecutionMode = .sync, options: OptionValues = .init()) {
      self.space = space
      self.budget = budget
      self.workers = workers
      self.mode = mode
      self.options = options
    }
  }

  /// The name used by `--algorithm`, studies and records (`tpe`).
  public let name: String
  /// The algorithm in a few words with its paper, for help texts and the docs' table.
  public let summary: String
  /// The options it accepts, in order.
  public let schema: OptionSchema
  /// Anything the docs should add below the option table (defaults that depend on W, caveats); may be empty.
  public let notes: String
  private let factory: @Sendable (Context) throws -> any Proposer

  /// - Parameters:
  ///   - options: the schema's options in the order messages and docs list them; the schema's owner is `name`.
  ///   - make: builds the proposer from validated options; may throw for combinations the schema cannot express.
  public init(
    name: String, summary: String, options: [OptionSpec], notes: String = "",
    make: @escaping @Sendable (Context) throws -> any Proposer
  ) {
    self.name = name
    self.summary = summary
    self.schema = OptionSchema(owner: name, options)
    self.notes = notes
    self.factory = make
  }

  /// The proposer for `options` (strings, as the CLI and studies pass them) over `space`.
  /// - Throws: `.invalidInput` from the schema (unknown key, bad value) or from the algorithm's initialiser.
  public func make(
    options: [String: String] = [:], space: SearchSpace, budget: Int?, workers: Int = 1, mode: ExecutionMode = .sync
  ) throws -> any Proposer {
    let values = try schema.validate(options)
    return try factory(Context(space: space, budget: budget, workers: workers, mode: mode, options: values))
  }
}
