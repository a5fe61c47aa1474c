import LabCore
import LabData
import LabEvaluators
import LabOptimizers
import LabSimulation

extension StudySpec {
  /// Reads a study file.
  /// - Throws: ``LabError`` `.io` when unreadable, `.parse` for bad TOML, `.invalidInput`
  ///   naming the file, line and key for unknown keys, wrong types and invalid values.
  public init(contentsOfFile path: String) throws {
    try self.init(toml: try TOMLParser.parse(fileAtPath: path), file: path)
  }

  /// Reads a study from TOML text; `file` labels error messages.
  public init(text: String, file: String) throws {
    try self.init(toml: try TOMLParser.parse(text, file: file), file: file)
  }

  /// Reads a study from a parsed TOML document (the format is in `docs/studies.md`).
  ///
  /// Everything that can be checked without loading an evaluator is checked
  /// here, with the file, line and key: every name (study, algorithm, evaluator
  /// kind, function, surrogate campaign, label, recorded run), every number
  /// against ``Limits`` (workers, seeds, budget, hours, overhead, targets, the
  /// grid's size, LHS `count`, BO `initial`, SOO `k`) and duplicates in every
  /// list. The rest (metric names, recorded runs present in the trace folder,
  /// options against the algorithm and the evaluator's space) is checked by
  /// ``StudyRunner/init(spec:context:)`` before anything is stored, with the
  /// lines recorded in ``source``.
  public init(toml root: TOMLTable, file: String) throws {
    var lines: [String: Int] = [:]
    var top = TOMLReader(root, file: file)
    guard var study = try top.table("study") else { throw top.error("missing table [study]", line: 1) }
    try top.expectOnly(["study", "space", "algorithm", "evaluator"])
    try study.expectOnly([
      "name", "description", "workers", "modes", "seeds", "budget", "hours", "node_hours", "overhead", "recorded", "evaluators",
      "metric", "target", "paired",
    ])
    let spaceReader = try top.table("space")
    let algorithmReaders = try top.tables("algorithm") ?? []
    let evaluatorReaders = try top.tables("evaluator") ?? []
    try top.finish()
    for (key, value) in study.table.entries { lines["study.\(key)"] = value.line }
    if let spaceReader { lines["space"] = spaceReader.table.line }
    func line(_ key: String) -> Int? { study.table[key]?.line }

    let name = try study.requiredString("name")
    guard StudySpec.isValidName(name) else {
      throw study.error(
        "'name' in [study] must start with a letter or digit and continue with letters, digits, '-', '_' or '.' (no '..'), got '\(name)'",
        line: line("name"))
    }
    let description = try study.string("description") ?? ""

    let workers = try study.integers("workers", allowSingle: true) ?? [1]
    guard !workers.isEmpty else { throw study.error("'workers' in [study] must list at least one worker count", line: line("workers")) }
    for w in workers {
      try Limits.check(w, in: Limits.workers, name: "'workers' in [study]", location: .init(file: file, line: line("workers")))
    }
    try Self.rejectDuplicates(workers.map(String.init), "'workers' in [study]", study, line("workers"))

    let modeNames = try study.strings("modes", allowSingle: true) ?? ["async"]
    guard !modeNames.isEmpty else { throw study.error("'modes' in [study] must list at least one mode", line: line("modes")) }
    let modes = try modeNames.map { m -> ExecutionMode in
      guard let mode = ExecutionMode(rawValue: m) else {
        throw study.error("'modes' in [study] must be \"sync\" and/or \"async\", got '\(m)'", line: line("modes"))
      }
      return mode
    }
    try Self.rejectDuplicates(modeNames, "'modes' in [study]", study, line("modes"))

    let seeds: [UInt64]
    let seedsLine = line("seeds")
    switch study.value("seeds") {
    case nil:
      throw study.error("missing key 'seeds' in [study] (a count or a list of seeds)")
    case let v?:
      if let count = v.integer {
        try Limits.check(
          count, in: Limits.seedCount, name: "'seeds' in [study]", unit: "(a count)", location: .init(file: file, line: seedsLine))
        seeds = (1...count).map { UInt64($0) }
      } else if let list = v.array {
        guard !list.isEmpty else { throw study.error("'seeds' in [study] must list at least one seed", line: seedsLine) }
        try Limits.check(
          list.count, in: Limits.seedCount, name: "the number of 'seeds' in [study]", location: .init(file: file, line: seedsLine))
        seeds = try list.map { e in
          guard let i = e.integer, i >= 0 else {
            throw study.error("'seeds' in [study] must be a count or a list of non-negative integers", line: e.line)
          }
          return UInt64(i)
        }
        try Self.rejectDuplicates(seeds.map { String($0) }, "'seeds' in [study]", study, seedsLine)
      } else {
        throw study.error(
          "'seeds' in [study] must be a count or a list of integers, not \(v.typeName == "integer" ? "an" : "a") \(v.typeName)",
          line: seedsLine)
      }
    }

    let budget = try study.integer("budget")
    if let budget {
      try Limits.check(
        budget, in: Limits.budget, name: "'budget' in [study]", unit: "evaluations", location: .init(file: file, line: line("budget")))
    }
    let hours = try study.number("hours")
    if let hours { try Limits.checkHours(hours, name: "'hours' in [study]", location: .init(file: file, line: line("hours"))) }
    let nodeHours = try study.number("node_hours")
    if let nodeHours {
      try Limits.checkNodeHours(nodeHours, name: "'node_hours' in [study]", location: .init(file: file, line: line("node_hours")))
    }
    if budget == nil && hours == nil && nodeHours == nil {
      throw study.error("[study] needs 'budget' (evaluations), 'hours' (simulated hours) and/or 'node_hours' (W × simulated hours)")
    }

    let overhead = try study.string("overhead") ?? "none"
    do {
      try Overhead(parsing: overhead).checkLimits(text: overhead)
    } catch let e as LabError {
      throw study.error(e.message, line: line("overhead"))
    }

    let recorded = try study.strings("recorded") ?? []
    for (k, run) in recorded.enumerated() {
      let runLine = study.table["recorded"]?.array?[k].line ?? line("recorded")
      guard Self.isSafeRunName(run) else {
        throw study.error("'recorded' in [study] must name recorded runs (letters, digits, '_', '-', '.'), got '\(run)'", line: runLine)
      }
      lines["recorded:\(run)"] = runLine
    }
    try Self.rejectDuplicates(recorded, "'recorded' in [study]", study, line("recorded"))

    let shorthand = try study.strings("evaluators") ?? []
    let defaultMetric = try study.string("metric")
    let defaultTarget = try study.number("target")
    if let defaultTarget {
      try Limits.checkFinite(defaultTarget, name: "'target' in [study]", location: .init(file: file, line: line("target")))
    }
    let paired = try study.boolean("paired") ?? false
    try study.finish()

    var evaluators: [StudyEvaluator] = []
    var evaluatorLines: [Int] = []
    for (k, evaluatorName) in shorthand.enumerated() {
      let l = study.table["evaluators"]?.array?[k].line ?? line("evaluators") ?? 1
      evaluators.append(StudyEvaluator(name: evaluatorName, metric: defaultMetric, target: defaultTarget))
      evaluatorLines.append(l)
      lines["evaluator:\(evaluatorName).metric"] = line("metric")
    }
    for var e in evaluatorReaders {
      try e.expectOnly(["name", "metric", "direction", "target", "rope"])
      let evaluatorName = try e.requiredString("name")
      let metric = try e.string("metric") ?? defaultMetric
      let directionValue = e.value("direction")
      let target = try e.number("target") ?? defaultTarget
      let rope = try e.number("rope")
      try e.finish()
      if let ropeValue = e.table["rope"], let r = ropeValue.number {
        guard r.isFinite, r >= 0 else {
          throw e.error("'rope' in \(e.label) must be a finite number ≥ 0, not \(r)", line: ropeValue.line)
        }
      }
      if let targetValue = e.table["target"], let t = targetValue.number {
        try Limits.checkFinite(t, name: "'target' in \(e.label)", location: .init(file: file, line: targetValue.line))
      }
      var direction: Direction? = nil
      if let directionValue {
        guard let s = directionValue.string, let d = Direction(rawValue: s) else {
          throw e.error("'direction' in \(e.label) must be \"maximize\" or \"minimize\"", line: directionValue.line)
        }
        direction = d
      }
      evaluators.append(StudyEvaluator(name: evaluatorName, metric: metric, direction: direction, target: target, rope: rope))
      evaluatorLines.append(e.table["name"]?.line ?? e.table.line)
      lines["evaluator:\(evaluatorName).metric"] = e.table["metric"]?.line ?? line("metric")
    }
    guard !evaluators.isEmpty else {
      throw study.error("a study needs at least one evaluator ('evaluators' in [study] or [[evaluator]] tables)")
    }
    var seenEvaluators = Set<String>()
    for (e, l) in zip(evaluators, evaluatorLines) {
      guard seenEvaluators.insert(e.name).inserted else {
        throw study.error("evaluator '\(e.name)' is listed twice", line: l)
      }
      lines["evaluator:\(e.name)"] = l
      do {
        try Self.checkEvaluatorName(e.name)
      } catch let error as LabError {
        throw LabError(error.code, error.message, location: .init(file: file, line: l))
      }
    }

    var algorithms: [StudyAlgorithm] = []
    for var a in algorithmReaders {
      try a.expectOnly(["name", "label", "options"])
      let algorithmName = try a.requiredString("name")
      let label = try a.string("label")
      let optionsReader = try a.table("options")
      try a.finish()
      let nameLine = a.table["name"]?.line ?? a.table.line
      guard ProposerCatalogue.isKnown(algorithmName) else {
        throw a.error(ProposerCatalogue.unknown(algorithmName).message, line: nameLine)
      }
      if let label, !StudySpec.isValidName(label) {
        throw a.error(
          "'label' in \(a.label) must start with a letter or digit and continue with letters, digits, '-', '_' or '.' (no '..'), got '\(label)'",
          line: a.table["label"]?.line)
      }
      var options: [String: String] = [:]
      var optionLines: [String: Int] = [:]
      if let optionsReader {
        for (key, value) in optionsReader.table.entries {
          optionLines[key] = value.line
          switch value.kind {
          case .string(let s): options[key] = s
          case .integer(let i): options[key] = String(i)
          case .float(let d):
            guard d.isFinite else {
              throw optionsReader.error("option '\(key)' in \(optionsReader.label) must be finite, got \(d)", line: value.line)
            }
            options[key] = "\(d)"
          case .boolean(let b): options[key] = b ? "true" : "false"
          case .array, .table, .dateTime:
            throw optionsReader.error(
              "option '\(key)' in \(optionsReader.label) must be a string, number or boolean", line: value.line)
          }
        }
      }
      let algorithm = StudyAlgorithm(name: algorithmName, label: label, options: options)
      if algorithms.contains(where: { $0.label == algorithm.label }) {
        throw a.error("two algorithms are labelled '\(algorithm.label)'; give one a distinct 'label'", line: nameLine)
      }
      // Keys and values through the algorithm's typed schema, then the ranges that bound memory and time.
      if let schema = ProposerCatalogue.standard.entry(named: algorithmName)?.schema {
        do {
          _ = try schema.validate(options)
        } catch let error as LabError {
          let key = error.location?.field.map { String($0.dropFirst("options.".count)) }
          throw LabError(
            error.code, error.message,
            location: .init(file: file, line: key.flatMap { optionLines[$0] } ?? optionsReader?.table.line, field: error.location?.field))
        }
      }
      try Limits.checkAlgorithmOptions(algorithm: algorithmName, options: options, budget: budget) { key in
        .init(file: file, line: optionLines[key], field: "options.\(key)")
      }
      lines["algorithm:\(algorithm.label)"] = nameLine
      if let optionsReader { lines["algorithm:\(algorithm.label).options"] = optionsReader.table.line }
      for (key, l) in optionLines { lines["algorithm:\(algorithm.label).options.\(key)"] = l }
      algorithms.append(algorithm)
    }
    guard !algorithms.isEmpty else { throw top.error("a study needs at least one [[algorithm]] table", line: 1) }

    self.init(
      name: name, description: description, space: try spaceReader.map { try SearchSpace(toml: $0) },
      algorithms: algorithms, evaluators: evaluators, workers: workers, modes: modes, seeds: seeds, budget: budget,
      hours: hours, nodeHours: nodeHours, overhead: overhead, recorded: recorded, paired: paired)
    source = StudySource(file: file, lines: lines)
    guard let cells = cellCount, Limits.gridCells.contains(cells) else {
      throw study.error(
        "the grid of study '\(name)' has \(cellCount.map { Limits.group($0) } ?? "more than \(Int.max)") runs (algorithms × evaluators × workers × modes × seeds); at most \(Limits.group(Limits.gridCells.upperBound))",
        line: study.table.line)
    }
  }

  /// Throws `.invalidInput` at `line` naming the first value of `values` listed twice.
  static func rejectDuplicates(_ values: [String], _ what: String, _ reader: TOMLReader, _ line: Int?) throws {
    var seen = Set<String>()
    for v in values where !seen.insert(v).inserted {
      throw reader.error("\(what) lists \(v) twice", line: line)
    }
  }

  /// Whether `run` can name a recorded run (a file stem in the trace folder): no '/', no '..'.
  static func isSafeRunName(_ run: String) -> Bool { isValidName(run) }

  /// Checks what an evaluator name says without loading anything: its kind, a function's name,
  /// a surrogate's campaign, a replay's run name (present or not: checked when the study runs),
  /// and a constant's seconds.
  static func checkEvaluatorName(_ text: String) throws {
    guard EvaluatorCatalogue.isKnownKind(text) else { throw EvaluatorCatalogue.unknown(text) }
    let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    let argument = parts.count > 1 ? parts[1] : nil
    switch parts[0] {
    case "function":
      guard let argument else { throw EvaluatorCatalogue.unknown(text) }
      _ = try TestFunction.named(argument)
    case "surrogate":
      _ = try SurrogateEvaluator.campaign(named: text)
    case "replay":
      guard let argument, isSafeRunName(argument) else {
        throw LabError(.invalidInput, "replay needs a recorded run name: replay:RUN, got '\(text)'")
      }
    case "constant":
      if let argument {
        guard let s = Double(argument), s.isFinite, s >= 0, s <= Limits.overheadSeconds.upperBound else {
          throw LabError(
            .invalidInput,
            "constant:SECONDS needs a finite number of seconds in 0…\(Limits.group(Int(Limits.overheadSeconds.upperBound))), got '\(argument)'")
        }
      }
    default:
      throw EvaluatorCatalogue.unknown(text)
    }
  }
}
