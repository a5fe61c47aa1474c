// Writing recorded trials back as JSON lines, byte for byte as Python's `json.dumps` wrote them.
//
// Notation
//   repr(x)   Python's shortest round-trip text of a float (`float.__repr__`)
//   digits    the shortest decimal significand d1 d2 … dn (no leading or trailing zeros)
//   decpt     the decimal exponent such that x = 0.d1d2…dn × 10^decpt
//   Python writes fixed notation when −4 < decpt ≤ 16, else `d1.d2…dn e±XX` (at least two exponent digits).

import LabCore

/// Python-compatible number text, so that exported traces match the recorded files bit for bit.
public enum PythonNumber {
  /// The text Python's `repr(float)` (and so `json.dumps`) gives for `x`.
  ///
  /// Swift's `Double.description` already yields the shortest digits that
  /// round-trip (as Python does); this re-lays those digits out with Python's
  /// rule for choosing fixed or exponent notation, so that the result does not
  /// depend on Swift's own layout choice. Non-finite values give Python's
  /// `NaN`, `Infinity`, `-Infinity` (which strict JSON rejects).
  /// - Complexity: O(number of digits).
  public static func repr(_ x: Double) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x < 0 ? "-Infinity" : "Infinity" }
    let sign = x.sign == .minus ? "-" : ""
    if x == 0 { return sign + "0.0" }
    let (digits, decpt) = shortestDigits(of: Swift.abs(x))
    let n = digits.count
    if decpt > -4 && decpt <= 16 {
      if decpt <= 0 {
        return sign + "0." + String(repeating: "0", count: -decpt) + digits
      }
      if decpt >= n {
        return sign + digits + String(repeating: "0", count: decpt - n) + ".0"
      }
      let cut = digits.index(digits.startIndex, offsetBy: decpt)
      return sign + digits[..<cut] + "." + digits[cut...]
    }
    let exponent = decpt - 1
    let mantissa = n == 1 ? digits : String(digits.prefix(1)) + "." + digits.dropFirst()
    let magnitude = Swift.abs(exponent)
    let expText = magnitude < 10 ? "0\(magnitude)" : "\(magnitude)"
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + expText
  }

  /// The text of an integer-valued JSON number (`295`), falling back to ``repr(_:)`` when `x` is not an integer.
  public static func integerText(_ x: Double) -> String {
    if let i = Int(exactly: x) { return String(i) }
    return repr(x)
  }

  /// The shortest significand digits and the decimal point position of a positive finite `x`.
  static func shortestDigits(of x: Double) -> (digits: String, decpt: Int) {
    // Swift prints either `123.456`, `0.000123` or `1.23e-05` / `1.23e+16`.
    let text = x.description
    var mantissa = Substring(text)
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      mantissa = text[..<e]
      exponent = Int(text[text.index(after: e)...]) ?? 0
    }
    var intPart = mantissa
    var fracPart: Substring = ""
    if let dot = mantissa.firstIndex(of: ".") {
      intPart = mantissa[..<dot]
      fracPart = mantissa[mantissa.index(after: dot)...]
    }
    var all = String(intPart) + String(fracPart)
    var decpt = intPart.count + exponent
    while all.first == "0" {
      all.removeFirst()
      decpt -= 1
    }
    while all.last == "0" { all.removeLast() }
    if all.isEmpty { return ("0", 1) }
    return (all, decpt)
  }
}

extension TraceValue {
  /// The value as Python's `json.dumps` writes it.
  public var pythonJSON: String {
    switch self {
    case .null: return "null"
    case .int(let v): return String(v)
    case .double(let v): return PythonNumber.repr(v)
    case .string(let s): return JSONValue.quote(s)
    }
  }
}

extension RecordedTrial {
  /// The trial as one JSON line (without the newline), in the recorded key order and number style.
  ///
  /// For a line read by ``TraceParser`` this reproduces the recorded text
  /// exactly when the file was written by Python's `json.dumps` with default
  /// separators (as all seven recorded files were).
  public var jsonLine: String {
    var out = "{\"timing\": {\"opening_time\": " + JSONValue.quote(openingTime)
    out += usesStartingTimeKey ? ", \"starting_time\": " : ", \"end_training_time\": "
    out += JSONValue.quote(endTrainingTime)
    out += ", \"ending_time\": " + JSONValue.quote(endingTime) + "}"
    out += ", \"solution\": {\"base_value\": " + RecordedTrial.jsonArray(base, integers: baseIntegerLiterals)
    out += ", \"converted_values\": " + RecordedTrial.jsonArray(converted, integers: convertedIntegerLiterals) + "}"
    out += ", \"score\": "
    switch state {
    case .evaluated:
      func m(_ name: String) -> String { PythonNumber.repr(metrics[name] ?? .nan) }
      out += "{\"hellaswag\": {\"acc,none\": " + m(MetricName.hellaswagAcc)
      out += ", \"acc_stderr,none\": " + m(MetricName.hellaswagAccStderr)
      out += ", \"acc_norm,none\": " + m(MetricName.hellaswagAccNorm)
      out += ", \"acc_norm_stderr,none\": " + m(MetricName.hellaswagAccNormStderr)
      out += "}, \"mmlu\": {\"acc,none\": " + m(MetricName.mmluAcc)
      out += ", \"acc_stderr,none\": " + m(MetricName.mmluAccStderr) + "}}"
    case .approximated:
      out += "{\"UCB\": " + PythonNumber.repr(ucb ?? .nan) + ", \"LCB\": " + PythonNumber.repr(lcb ?? .nan) + "}"
    }
    out += ", \"info\": " + RecordedTrial.infoJSON(info) + "}"
    return out
  }

  /// The `info` entries as a JSON object in their order, Python style.
  public static func infoJSON(_ info: [InfoEntry]) -> String {
    "{" + info.map { JSONValue.quote($0.key) + ": " + $0.value.pythonJSON }.joined(separator: ", ") + "}"
  }

  /// A JSON array of numbers, Python style; `integers[i]` writes value i as an integer literal.
  public static func jsonArray(_ values: [Double], integers: [Bool]) -> String {
    let items = values.enumerated().map { i, v in
      i < integers.count && integers[i] ? PythonNumber.integerText(v) : PythonNumber.repr(v)
    }
    return "[" + items.joined(separator: ", ") + "]"
  }
}
