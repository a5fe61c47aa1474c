// Campaign files (campaigns/*.toml): the format is documented in docs/campaigns.md.

import LabCore

extension Campaign {
  /// The parameter kinds a campaign file may declare, and the internal kind each becomes.
  ///
  /// `float`: x as is; `integer`: `int(x)` (or rounding, with `integers = "round"`);
  /// `log-float`: 10^x, the bounds being exponents.
  public static let parameterKinds: [(name: String, kind: ParameterKind)] = [
    ("float", .float), ("integer", .int), ("log-float", .log),
  ]

  /// Kinds a campaign file may name that this version refuses, with the reason.
  static let unsupportedKinds: [String: String] = [
    "log-integer": "log-integer parameters are not supported yet: declare an integer (bounds in the trained scale) or a log-float",
    "categorical": "categorical parameters are not supported yet",
  ]

  /// The campaign a TOML file describes (see docs/campaigns.md).
  ///
  /// - Parameter name: the name to give it when the file has none (`hpolab campaign create NAME --from FILE`);
  ///   when both are given they must agree.
  /// - Throws: ``LabError`` naming the file, line and key for an unknown key, a wrong type, a missing
  ///   name, parameter, metric or bound, an unknown kind or direction, an empty or reversed range, a
  ///   repeated parameter, metric or run, and an objective that is not a metric.
  public init(toml root: TOMLTable, file: String, name given: String? = nil) throws {
    var r = TOMLReader(root, file: file)
    try r.expectOnly([
      "name", "aliases", "description", "model", "hardware", "objective", "integers", "costs", "parameter", "metric",
      "surrogate", "runs",
    ])
    let written = try r.string("name")
    if let written, let given, written != given {
      throw r.error("the file names the campaign '\(written)', the command '\(given)'", line: root["name"]?.line)
    }
    guard let name = written ?? given else { throw r.error("missing key 'name' at the top level (or give the name on the command line)") }
    let aliases = try r.strings("aliases") ?? []
    let description = try r.string("description") ?? ""
    let model = try r.string("model") ?? ""
    let hardware = try r.string("hardware") ?? ""
    let objective = try r.string("objective")
    let costs = try r.strings("costs") ?? []

    var conversion = IntegerConversion.truncate
    if let v = r.value("integers") {
      guard let s = v.string, let c = IntegerConversion(rawValue: s) else {
        throw r.error("'integers' at the top level must be \"truncate\" or \"round\"", line: v.line)
      }
      conversion = c
    }

    guard let parameterTables = try r.tables("parameter"), !parameterTables.isEmpty else {
      throw r.error("campaign \(name) needs at least one [[parameter]]")
    }
    var parameters: [Parameter] = []
    for var t in parameterTables {
      try t.expectOnly(["name", "kind", "lower", "upper"])
      let pname = try t.requiredString("name")
      guard let kindValue = t.value("kind") else { throw t.error("missing key 'kind' in \(t.label)") }
      guard let k = kindValue.string else { throw t.error("'kind' in \(t.label) must be a string", line: kindValue.line) }
      if let reason = Self.unsupportedKinds[k] { throw t.error("\(t.label): \(reason)", line: kindValue.line, code: .unsupported) }
      guard let kind = Self.parameterKinds.first(where: { $0.name == k })?.kind else {
        throw t.error(
          "'kind' in \(t.label) must be one of \(Self.parameterKinds.map { "\"\($0.name)\"" }.joined(separator: ", "))",
          line: kindValue.line)
      }
      let lower = try t.requiredNumber("lower")
      let upper = try t.requiredNumber("upper")
      parameters.append(Parameter(pname, kind, lower: lower, upper: upper))
    }
    let space: SearchSpace
    do { space = try SearchSpace(parameters, integerConversion: conversion) } catch let e as LabError {
      throw r.error(e.message, line: root["parameter"]?.line, code: e.code)
    }

    guard let metricTables = try r.tables("metric"), !metricTables.isEmpty else {
      throw r.error("campaign \(name) needs at least one [[metric]]")
    }
    var metrics: [CampaignMetric] = []
    for var t in metricTables {
      try t.expectOnly(["name", "direction", "range", "stderr"])
      let mname = try t.requiredString("name")
      let directionText = try t.requiredString("direction")
      guard let direction = Direction(rawValue: directionText) else {
        throw t.error("'direction' in \(t.label) must be \"maximize\" or \"minimize\"", line: t.table["direction"]?.line)
      }
      var lower: Double? = nil
      var upper: Double? = nil
      if let v = t.value("range") {
        guard let items = v.array, items.count == 2, let lo = items[0].number, let hi = items[1].number, lo.isFinite, hi.isFinite, lo < hi
        else { throw t.error("'range' in \(t.label) must be [lower, upper] with finite lower < upper", line: v.line) }
        lower = lo
        upper = hi
      }
      let stderr = try t.string("stderr")
      metrics.append(CampaignMetric(name: mname, direction: direction, lower: lower, upper: upper, standardError: stderr))
    }

    var settings = CampaignSurrogateSettings()
    if var s = try r.table("surrogate") {
      try s.expectOnly(["top_end", "design_run"])
      settings.topEnd = try s.number("top_end")
      settings.designRun = try s.string("design_run")
    }

    var runs: [CampaignRun] = []
    for var t in try r.tables("runs") ?? [] {
      try t.expectOnly(["file", "run", "algorithm"])
      runs.append(CampaignRun(file: try t.requiredString("file"), run: try t.string("run"), algorithm: try t.requiredString("algorithm")))
    }
    if let d = settings.designRun, !runs.contains(where: { $0.run == d }) {
      throw r.error("'design_run' in [surrogate] names '\(d)', which is not one of the campaign's [[runs]]", line: root["surrogate"]?.line)
    }

    do {
      self = try Campaign(
        name: name, aliases: aliases, description: description, model: model, hardware: hardware, space: space,
        metrics: metrics, objective: objective, costs: costs, runs: runs, surrogate: settings)
    } catch let e as LabError {
      let line = e.location?.field.flatMap { root[$0]?.line }
      throw r.error(e.message, line: line, code: e.code)
    }
  }

  /// The campaign described by the TOML file at `path`.
  /// - Throws: `.io` when it cannot be read, `.parse` for bad TOML, and what ``init(toml:file:name:)`` throws.
  public static func read(fileAtPath path: String, name: String? = nil) throws -> Campaign {
    try Campaign(toml: try TOMLParser.parse(fileAtPath: path), file: path, name: name)
  }
}
