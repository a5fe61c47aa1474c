/// Dates and times (toml.io/en/v1.0.0#offset-date-time, RFC 3339 §5.6).
///
/// Grammar: `YYYY-MM-DD`, `HH:MM:SS[.fraction]`, or both joined by `T`, `t` or
/// one space, optionally followed by `Z`, `z` or `±HH:MM`. Seconds are
/// required (TOML 1.0). Checked: month 01–12, the day within its month
/// (Gregorian leap years), hour 00–23, minute 00–59, second 00–60 (leap
/// second), offset hour 00–23 and minute 00–59.
extension TOMLParser {
  /// The date, time or date-time `token` stands for (the caller saw `DDDD-` or `DD:`).
  func dateTime(_ token: ArraySlice<UInt8>, text: String) throws -> TOMLDateTime {
    let t = Array(token)
    var p = 0
    func invalid(_ why: String) -> LabError { fail("'\(text)' is not a valid date or time: \(why)") }
    func number(_ width: Int) -> Int? {
      guard p + width <= t.count, t[p..<(p + width)].allSatisfy(Byte.isDigit) else { return nil }
      let value = t[p..<(p + width)].reduce(0) { $0 * 10 + Int($1 - 0x30) }
      p += width
      return value
    }
    func take(_ byte: UInt8) -> Bool {
      guard p < t.count, t[p] == byte else { return false }
      p += 1
      return true
    }

    var date: TOMLDateTime.Date?
    if Self.isDateShape(token) {
      guard let year = number(4), take(Byte.minus), let month = number(2), take(Byte.minus), let day = number(2)
      else { throw invalid("expected a date YYYY-MM-DD") }
      guard (1...12).contains(month) else { throw invalid("the month must be 01–12") }
      let days = TOMLDateTime.daysIn(month: month, year: year)
      guard (1...days).contains(day) else { throw invalid("the day must be 01–\(days) in that month") }
      date = TOMLDateTime.Date(year: year, month: month, day: day)
      if p == t.count { return TOMLDateTime(date: date, time: nil) }
      guard take(UInt8(ascii: "T")) || take(UInt8(ascii: "t")) || take(Byte.space) else {
        throw invalid("expected 'T' or a space between the date and the time")
      }
    }

    guard let hour = number(2), take(Byte.colon), let minute = number(2) else {
      throw invalid("expected a time HH:MM:SS")
    }
    guard take(Byte.colon), let second = number(2) else {
      throw invalid("the seconds are required (HH:MM:SS)")
    }
    guard hour <= 23 else { throw invalid("the hour must be 00–23") }
    guard minute <= 59 else { throw invalid("the minute must be 00–59") }
    guard second <= 60 else { throw invalid("the second must be 00–60") }
    var nanosecond = 0
    if take(Byte.dot) {
      let start = p
      while p < t.count, Byte.isDigit(t[p]) { p += 1 }
      guard p > start else { throw invalid("a '.' must be followed by the fraction's digits") }
      // Beyond nanoseconds the digits are truncated, as TOML requires.
      let kept = t[start..<min(p, start + 9)]
      nanosecond = kept.reduce(0) { $0 * 10 + Int($1 - 0x30) }
      for _ in kept.count..<9 { nanosecond *= 10 }
    }
    let time = TOMLDateTime.Time(hour: hour, minute: minute, second: second, nanosecond: nanosecond)

    var offset: Int?
    if date != nil, p < t.count {
      if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) {
        offset = 0
      } else if p < t.count, t[p] == Byte.plus || t[p] == Byte.minus {
        let sign = t[p] == Byte.minus ? -1 : 1
        p += 1
        guard let h = number(2), take(Byte.colon), let m = number(2) else {
          throw invalid("expected the offset as Z or ±HH:MM")
        }
        guard h <= 23, m <= 59 else { throw invalid("the offset must be within ±23:59") }
        offset = sign * (h * 60 + m)
      }
    }
    guard p == t.count else {
      throw invalid("unexpected '\(String(decoding: t[p...], as: UTF8.self))' after the \(date == nil ? "time" : "date-time")")
    }
    return TOMLDateTime(date: date, time: time, offsetMinutes: offset)
  }
}
