import LabCore
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
  public init(toml root: TOMLTable, file: String) throws {
    var top = TOMLReader(root, file: file)
    guard var study = try top.table("study") else { throw top.error("missing table [study]", line: 1) }
    try top.expectOnly(["study", "space", "algorithm", "evaluator"])
    try study.expectOnly([
      "name", "description", "workers", "modes", "seeds", "budget", "hours", "overhead", "recorded", "evaluators",
      "metric", "target", "paired",
    ])
    let spaceReader = try top.table("space")
    let algorithmReaders = try top.tables("algorithm") ?? []
    let evaluatorReaders = try top.tables("evaluator") ?? []
    try top.finish()

    let name = try study.requiredString("name")
    let nameOK = !name.isEmpty && name.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)
    }
    guard nameOK else {
      throw study.error("'name' in [study] must be letters, digits, '-', '_' or '.', got '\(name)'", line: study.table["name"]?.line)
    }
    let description = try study.string("description") ?? ""
    let workers = try study.integers("workers", allowSingle: true) ?? [1]
    if let bad = workers.first(where: { $0 < 1 }) ?? (workers.isEmpty ? 0 : nil) {
      throw study.error("'workers' in [study] must be positive integers, got \(bad)", line: study.table["workers"]?.line)
    }
    let modeNames = try study.strings("modes", allowSingle: true) ?? ["async"]
    let modes = try modeNames.map { m -> ExecutionMode in
      guard let mode = ExecutionMode(rawValue: m) else {
        throw study.error("'modes' in [study] must be \"sync\" and/or \"async\", got '\(m)'", line: study.table["modes"]?.line)
      }
      return mode
    }
    let seeds: [UInt64]
    let seedsLine = study.table["seeds"]?.line
    switch study.value("seeds") {
    case nil:
      throw study.error("missing key 'seeds' in [study] (a count or a list of seeds)")
    case let v?:
      if let count = v.integer {
        guard count >= 1 else { throw study.error("'seeds' in [study] must be at least 1, got \(count)", line: seedsLine) }
        seeds = (1...count).map { UInt64($0) }
      } else if let list = v.array {
        seeds = try list.map { e in
          guard let i = e.integer, i >= 0 else {
            throw study.error("'seeds' in [study] must be a count or a list of non-negative integers", line: e.line)
          }
          return UInt64(i)
        }
        guard !seeds.isEmpty, Set(seeds).count == seeds.count else {
          throw study.error("'seeds' in [study] must list distinct seeds", line: seedsLine)
        }
      } else {
        throw study.error("'seeds' in [study] must be a count or a list of integers, not \(v.typeName == "integer" ? "an" : "a") \(v.typeName)", line: seedsLine)
      }
    }
    let budget = try study.integer("budget")
    if let budget, budget < 1 {
      throw study.error("'budget' in [study] must be at least 1 evaluation, got \(budget)", line: study.table["budget"]?.line)
    }
    let hours = try study.number("hours")
    if let hours, !(hours.isFinite && hours > 0) {
      throw study.error("'hours' in [study] must be positive, got \(hours)", line: study.table["hours"]?.line)
    }
    if budget == nil && hours == nil {
      throw study.error("[study] needs 'budget' (evaluations) and/or 'hours' (simulated hours)")
    }
    let overhead = try study.string("overhead") ?? "none"
    do { _ = try Overhead(parsing: overhead) } catch let e as LabError {
      throw study.error(e.message, line: study.table["overhead"]?.line)
    }
    let recorded = try study.strings("recorded") ?? []
    let shorthand = try study.strings("evaluators") ?? []
    let defaultMetric = try study.string("metric")
    let defaultTarget = try study.number("target")
    let paired = try study.boolean("paired") ?? false
    try study.finish()

    var evaluators = shorthand.map { StudyEvaluator(name: $0, metric: defaultMetric, target: defaultTarget) }
    for var e in evaluatorReaders {
      try e.expectOnly(["name", "metric", "direction", "target"])
      let evaluatorName = try e.requiredString("name")
      let metric = try e.string("metric") ?? defaultMetric
      let directionValue = e.value("direction")
      let target = try e.number("target") ?? defaultTarget
      try e.finish()
      var direction: Direction? = nil
      if let directionValue {
        guard let s = directionValue.string, let d = Direction(rawValue: s) else {
          throw e.error("'direction' in \(e.label) must be \"maximize\" or \"minimize\"", line: directionValue.line)
        }
        direction = d
      }
      evaluators.append(StudyEvaluator(name: evaluatorName, metric: metric, direction: direction, target: target))
    }
    guard !evaluators.isEmpty else {
      throw study.error("a study needs at least one evaluator ('evaluators' in [study] or [[evaluator]] tables)")
    }
    var seenEvaluators = Set<String>()
    for e in evaluators where !seenEvaluators.insert(e.name).inserted {
      throw study.error("evaluator '\(e.name)' is listed twice")
    }

    var algorithms: [StudyAlgorithm] = []
    for var a in algorithmReaders {
      try a.expectOnly(["name", "label", "options"])
      let algorithmName = try a.requiredString("name")
      let label = try a.string("label")
      let optionsReader = try a.table("options")
      try a.finish()
      var options: [String: String] = [:]
      if let optionsReader {
        for (key, value) in optionsReader.table.entries {
          switch value.kind {
          case .string(let s): options[key] = s
          case .integer(let i): options[key] = String(i)
          case .float(let d): options[key] = "\(d)"
          case .boolean(let b): options[key] = b ? "true" : "false"
          case .array, .table:
            throw optionsReader.error(
              "option '\(key)' in \(optionsReader.label) must be a string, number or boolean", line: value.line)
          }
        }
      }
      let algorithm = StudyAlgorithm(name: algorithmName, label: label, options: options)
      if algorithms.contains(where: { $0.label == algorithm.label }) {
        throw a.error("two algorithms are labelled '\(algorithm.label)'; give one a distinct 'label'")
      }
      algorithms.append(algorithm)
    }
    guard !algorithms.isEmpty else { throw top.error("a study needs at least one [[algorithm]] table", line: 1) }

    self.init(
      name: name, description: description, space: try spaceReader.map { try SearchSpace(toml: $0) },
      algorithms: algorithms, evaluators: evaluators, workers: workers, modes: modes, seeds: seeds, budget: budget,
      hours: hours, overhead: overhead, recorded: recorded, paired: paired)
  }
}
