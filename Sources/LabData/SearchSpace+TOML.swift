import LabCore

/// Search spaces written in TOML: a preset name or an inline list of parameters.
extension SearchSpace {
  /// The space a TOML table describes.
  ///
  /// ```toml
  /// [space]
  /// preset = "llama-3.2-1b"
  /// # or, inline:
  /// integers = "truncate"            # or "round"
  /// parameters = [
  ///   { name = "x1", kind = "float", lower = -5, upper = 10 },
  ///   { name = "lr", kind = "log",   lower = -10, upper = -1 },
  /// ]
  /// ```
  /// - Throws: ``LabError`` naming the file, line and key for unknown keys, wrong
  ///   types, both or neither of `preset` and `parameters`, an unknown kind or
  ///   preset, and every ``SearchSpace/init(_:integerConversion:)`` violation.
  public init(toml reader: TOMLReader) throws {
    var r = reader
    let preset = try r.string("preset")
    let integersValue = r.value("integers")
    let parameterTables = try r.tables("parameters")
    try r.finish()
    var conversion = IntegerConversion.truncate
    if let integersValue {
      guard let s = integersValue.string, let c = IntegerConversion(rawValue: s) else {
        throw r.error("'integers' in \(r.label) must be \"truncate\" or \"round\"", line: integersValue.line)
      }
      conversion = c
    }
    switch (preset, parameterTables) {
    case (let name?, nil):
      do {
        var space = try SearchSpace.preset(named: name)
        space.integerConversion = integersValue == nil ? space.integerConversion : conversion
        self = space
      } catch let e as LabError {
        throw r.error(e.message, line: r.table["preset"]?.line, code: e.code)
      }
    case (nil, let tables?):
      var parameters: [Parameter] = []
      for var t in tables {
        let name = try t.requiredString("name")
        let kindValue = t.value("kind")
        let lower = try t.requiredNumber("lower")
        let upper = try t.requiredNumber("upper")
        try t.finish()
        guard let kindValue else { throw t.error("missing key 'kind' in \(t.label)") }
        guard let k = kindValue.string, let kind = ParameterKind(rawValue: k) else {
          throw t.error(
            "'kind' in \(t.label) must be one of \(ParameterKind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))",
            line: kindValue.line)
        }
        parameters.append(Parameter(name, kind, lower: lower, upper: upper))
      }
      do {
        self = try SearchSpace(parameters, integerConversion: conversion)
      } catch let e as LabError {
        throw r.error(e.message, line: r.table["parameters"]?.line, code: e.code)
      }
    case (_?, _?):
      throw r.error("\(r.label) takes either 'preset' or 'parameters', not both")
    case (nil, nil):
      throw r.error("\(r.label) needs 'preset' or 'parameters'")
    }
  }
}
