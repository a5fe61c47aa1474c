// The argument arrays of `litgpt finetune_lora` and `litgpt evaluate` (litgpt 0.5.13).
//
// Notation (the five parameters of both campaigns, in order)
//   r    lora_rank      integer  → --lora_r R
//   a    lora_alpha     integer  → --lora_alpha A
//   p    lora_dropout   real     → --lora_dropout P
//   lr   learning_rate  10^x     → inside --optimizer JSON (init_args.lr)
//   wd   weight_decay   10^x     → inside --optimizer JSON (init_args.weight_decay)

import LabCore

/// What every trial of a live run shares: the litgpt program, the checkpoint, the data, the tasks, the fixed settings.
///
/// The defaults reproduce the recorded runs (1 epoch, 100 warm-up steps, AdamW
/// with betas 0.9/0.999, LoRA on query/key/value/head, bf16-true); a CPU run
/// (``devices`` = 0) uses one device and `32-true`.
public struct LitGPTSettings: Sendable, Hashable, Codable {
  /// The litgpt program: an absolute path, or a name looked up on `PATH`.
  public var litgpt: String
  /// The base checkpoint folder (absolute).
  public var checkpoint: String
  /// A JSON instruction dataset (absolute), or nil for litgpt's default (Alpaca, which needs the hub).
  public var data: String?
  /// lm-eval task names passed to `--tasks`.
  public var tasks: [String]
  /// GPUs per trial; 0 runs on the CPU.
  public var devices: Int
  /// `--precision`; nil picks `bf16-true` on GPUs and `32-true` on the CPU.
  public var precision: String?
  public var epochs: Int
  public var warmupSteps: Int
  /// `--train.max_steps` when set (short validation runs).
  public var maxSteps: Int?
  public var evalInterval: Int
  /// `--batch_size` of `litgpt evaluate` when set.
  public var evalBatchSize: Int?
  /// Extra arguments appended to `finetune_lora`, verbatim.
  public var extraFinetuneArguments: [String]
  /// Extra arguments appended to `evaluate`, verbatim.
  public var extraEvaluateArguments: [String]

  public init(
    litgpt: String, checkpoint: String, data: String? = nil, tasks: [String] = ["hellaswag", "mmlu"], devices: Int = 4,
    precision: String? = nil, epochs: Int = 1, warmupSteps: Int = 100, maxSteps: Int? = nil, evalInterval: Int = 1000,
    evalBatchSize: Int? = nil, extraFinetuneArguments: [String] = [], extraEvaluateArguments: [String] = []
  ) {
    self.litgpt = litgpt
    self.checkpoint = checkpoint
    self.data = data
    self.tasks = tasks
    self.devices = devices
    self.precision = precision
    self.epochs = epochs
    self.warmupSteps = warmupSteps
    self.maxSteps = maxSteps
    self.evalInterval = evalInterval
    self.evalBatchSize = evalBatchSize
    self.extraFinetuneArguments = extraFinetuneArguments
    self.extraEvaluateArguments = extraEvaluateArguments
  }

  /// The precision actually passed.
  public var effectivePrecision: String { precision ?? (devices > 0 ? "bf16-true" : "32-true") }

  /// Checks the contract litgpt needs: absolute paths (a relative one is taken for a hub model id), tasks present.
  /// - Throws: ``LabError`` `.invalidInput` naming the field.
  public func validate() throws {
    func absolute(_ path: String, _ field: String) throws {
      guard path.hasPrefix("/") else {
        throw LabError(
          .invalidInput, "'\(path)' is not an absolute path (litgpt takes a relative path for a hub model id)",
          location: .init(field: field))
      }
    }
    try absolute(checkpoint, "checkpoint")
    if let data { try absolute(data, "data") }
    if litgpt.contains("/") { try absolute(litgpt, "litgpt") }
    guard !tasks.isEmpty, tasks.allSatisfy({ !$0.isEmpty && !$0.contains(",") }) else {
      throw LabError(.invalidInput, "tasks must be non-empty names without commas, got \(tasks)", location: .init(field: "tasks"))
    }
    guard devices >= 0 else { throw LabError(.invalidInput, "devices must be ≥ 0, got \(devices)", location: .init(field: "devices")) }
    guard epochs >= 1 else { throw LabError(.invalidInput, "epochs must be ≥ 1, got \(epochs)", location: .init(field: "epochs")) }
  }
}

/// The hyperparameters of one trial, as litgpt takes them.
public struct LoRAHyperparameters: Sendable, Hashable {
  public var rank: Int
  public var alpha: Int
  public var dropout: Double
  public var learningRate: Double
  public var weightDecay: Double

  public init(rank: Int, alpha: Int, dropout: Double, learningRate: Double, weightDecay: Double) {
    self.rank = rank
    self.alpha = alpha
    self.dropout = dropout
    self.learningRate = learningRate
    self.weightDecay = weightDecay
  }

  /// The hyperparameters of `configuration` in `space`, found by parameter name.
  ///
  /// Needs `lora_rank`, `lora_alpha`, `lora_dropout`, `learning_rate`, `weight_decay`
  /// (the presets' names); rank and alpha become integers by truncation (the
  /// configuration is already converted, so this only drops a `.0`).
  /// - Throws: ``LabError`` `.invalidInput` naming a missing parameter or a non-finite or out-of-range value.
  public init(_ configuration: Configuration, in space: SearchSpace) throws {
    func value(_ name: String) throws -> Double {
      guard let i = space.index(of: name), i < configuration.values.count else {
        throw LabError(.invalidInput, "live mode needs a parameter named '\(name)' (space has \(space.names))")
      }
      let v = configuration.values[i]
      guard v.isFinite else { throw LabError(.invalidInput, "parameter '\(name)' is not finite: \(v)") }
      return v
    }
    func integer(_ name: String) throws -> Int {
      let v = try value(name)
      guard let i = Int(exactly: v.rounded(.towardZero)), i >= 1 else {
        throw LabError(.invalidInput, "parameter '\(name)' must be a positive integer, got \(v)")
      }
      return i
    }
    rank = try integer("lora_rank")
    alpha = try integer("lora_alpha")
    dropout = try value("lora_dropout")
    learningRate = try value("learning_rate")
    weightDecay = try value("weight_decay")
  }
}

/// Builds the argument arrays of the two litgpt steps of a trial. Pure: no files, no processes.
public enum LitGPTCommands {
  /// `litgpt finetune_lora CKPT --out_dir OUT …` for one trial.
  ///
  /// Learning rate and weight decay exist only inside `--optimizer` (a JSON
  /// object, passed as one argument); rank and alpha are printed as integers
  /// (a float is rejected by litgpt with exit status 2).
  public static func finetune(
    _ h: LoRAHyperparameters, settings: LitGPTSettings, outDir: String, seed: UInt64
  ) -> [String] {
    let optimizer =
      "{\"class_path\": \"torch.optim.AdamW\", \"init_args\": {\"lr\": \(number(h.learningRate)), "
      + "\"weight_decay\": \(number(h.weightDecay)), \"betas\": [0.9, 0.999]}}"
    var args = [
      settings.litgpt, "finetune_lora", settings.checkpoint,
      "--out_dir", outDir,
      "--devices", String(max(settings.devices, 1)),
      "--precision", settings.effectivePrecision,
      "--seed", String(seed),
      "--train.epochs", String(settings.epochs),
      "--train.lr_warmup_steps", String(settings.warmupSteps),
    ]
    if let maxSteps = settings.maxSteps { args += ["--train.max_steps", String(maxSteps)] }
    args += [
      "--optimizer", optimizer,
      "--eval.interval", String(settings.evalInterval),
      "--lora_query", "true", "--lora_key", "true", "--lora_value", "true", "--lora_head", "true",
      "--lora_r", String(h.rank),
      "--lora_alpha", String(h.alpha),
      "--lora_dropout", number(h.dropout),
    ]
    if let data = settings.data { args += ["--data", "JSON", "--data.json_path", data] }
    return args + settings.extraFinetuneArguments
  }

  /// `litgpt evaluate FINAL --out_dir EVAL --tasks T1,T2 …` for one trial.
  public static func evaluate(finalDir: String, evalDir: String, settings: LitGPTSettings, seed: UInt64) -> [String] {
    var args = [
      settings.litgpt, "evaluate", finalDir,
      "--out_dir", evalDir,
      "--tasks", settings.tasks.joined(separator: ","),
      "--seed", String(seed),
    ]
    if let batch = settings.evalBatchSize { args += ["--batch_size", String(batch)] }
    if settings.devices == 0 { args += ["--device", "cpu"] }
    return args + settings.extraEvaluateArguments
  }

  /// A real number as Python would read it back exactly (Swift's shortest round-trip form).
  static func number(_ x: Double) -> String { "\(x)" }
}
