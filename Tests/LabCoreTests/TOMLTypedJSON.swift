import LabCore

/// Compares a parsed TOML value with toml-test's typed JSON form of the expected value.
///
/// The form (github.com/toml-lang/toml-test, README "JSON encoding"): a table is
/// a JSON object, an array a JSON array, and every other value an object of
/// exactly two strings, `{"type": T, "value": V}`, with T one of `string`,
/// `integer`, `float`, `bool`, `datetime` (offset), `datetime-local`,
/// `date-local`, `time-local`. Rules used here, all written independently of the parser:
/// - strings and keys compare by Unicode scalars (no normalisation);
/// - integers compare exactly as 64-bit values;
/// - floats by value, with the sign of zero; `nan` (any sign) matches any NaN,
///   `inf`/`+inf`/`-inf` the infinities;
/// - dates and times by their canonical RFC 3339 text: `T` and `Z` upper-case,
///   the date–time space replaced by `T`, the fraction without trailing zeros,
///   `+00:00`/`-00:00` written `Z`.
enum TOMLTypedJSON {
  /// nil when `value` is exactly what `expected` describes, else where and how they differ.
  static func mismatch(_ value: TOMLValue, _ expected: JSONValue, at path: String = "") -> String? {
    switch expected {
    case .object(let members):
      if members.count == 2, case .string(let type)? = expected["type"], case .string(let text)? = expected["value"] {
        return scalarMismatch(value, type: type, text: text, at: path)
      }
      guard let table = value.table else { return "\(path): expected a table, got a \(value.typeName)" }
      let got = Set(table.keys.map { Array($0.unicodeScalars) })
      let want = Set(members.map { Array($0.key.unicodeScalars) })
      guard got == want, table.keys.count == members.count else {
        return "\(path): keys \(table.keys.sorted()) instead of \(members.map(\.key).sorted())"
      }
      for (key, member) in members {
        guard let child = table[key] else { return "\(path): missing key '\(key)'" }
        if let m = mismatch(child, member, at: path + "." + key) { return m }
      }
      return nil
    case .array(let elements):
      guard let array = value.array else { return "\(path): expected an array, got a \(value.typeName)" }
      guard array.count == elements.count else {
        return "\(path): \(array.count) elements instead of \(elements.count)"
      }
      for (i, (got, want)) in zip(array, elements).enumerated() {
        if let m = mismatch(got, want, at: "\(path)[\(i)]") { return m }
      }
      return nil
    default:
      return "\(path): the expected JSON is neither a table, an array nor a typed value"
    }
  }

  private static func scalarMismatch(_ value: TOMLValue, type: String, text: String, at path: String) -> String? {
    let differs = "\(path): \(value.kind) instead of \(type) \(text)"
    switch type {
    case "string":
      guard let s = value.string, Array(s.unicodeScalars) == Array(text.unicodeScalars) else { return differs }
    case "integer":
      guard let want = Int(text), value.integer == want else { return differs }
    case "float":
      guard case .float(let got) = value.kind else { return differs }
      switch text {
      case "nan", "+nan", "-nan": if !got.isNaN { return differs }
      case "inf", "+inf": if got != .infinity { return differs }
      case "-inf": if got != -.infinity { return differs }
      default:
        guard let want = Double(text), got == want, got.sign == want.sign else { return differs }
      }
    case "bool":
      guard let b = value.boolean, (text == "true" && b) || (text == "false" && !b) else { return differs }
    case "datetime", "datetime-local", "date-local", "time-local":
      guard let d = value.dateTime else { return differs }
      let form: TOMLDateTime.Form =
        switch type {
        case "datetime": .offsetDateTime
        case "datetime-local": .localDateTime
        case "date-local": .localDate
        default: .localTime
        }
      guard d.form == form, d.description == canonicalDateTime(text) else {
        return "\(path): \(d.form.rawValue) \(d) instead of \(type) \(text)"
      }
    default:
      return "\(path): unknown type '\(type)' in the expected JSON"
    }
    return nil
  }

  /// RFC 3339 text in canonical form (see the type's discussion).
  static func canonicalDateTime(_ text: String) -> String {
    var chars = Array(text.uppercased())
    if chars.count > 10, chars[4] == "-", chars[10] == " " { chars[10] = "T" }
    var s = String(chars)
    for zero in ["+00:00", "-00:00"] where s.hasSuffix(zero) && s.count > 8 {
      s = String(s.dropLast(6)) + "Z"
    }
    guard let dot = s.firstIndex(of: ".") else { return s }
    let fractionEnd = s[dot...].dropFirst().firstIndex { !$0.isNumber } ?? s.endIndex
    var fraction = String(s[s.index(after: dot)..<fractionEnd])
    while fraction.last == "0" { fraction.removeLast() }
    return String(s[..<dot]) + (fraction.isEmpty ? "" : "." + fraction) + String(s[fractionEnd...])
  }
}
