/// A TOML date, time or date-time: one of the four forms of TOML 1.0 (RFC 3339 based).
///
/// | form                | written as                        | ``date`` | ``time`` | ``offsetMinutes`` |
/// |---------------------|-----------------------------------|----------|----------|-------------------|
/// | offset date-time    | `1979-05-27T07:32:00.5-07:00`     | set      | set      | set (0 for `Z`)   |
/// | local date-time     | `1979-05-27 07:32:00`             | set      | set      | nil               |
/// | local date          | `1979-05-27`                      | set      | nil      | nil               |
/// | local time          | `07:32:00.999`                    | nil      | set      | nil               |
///
/// The value is kept as written (no conversion to an instant, no time zone
/// database): two values are equal when they are written alike, up to the
/// letter case of `T`/`Z`, the space delimiter, trailing zeros of the fraction
/// and `+00:00`/`-00:00` versus `Z`. Fractions keep up to nanoseconds; further
/// digits are truncated, as the TOML specification requires.
///
/// ```swift
/// let v = try TOMLParser.parse("t = 1979-05-27 07:32:00.50Z")["t"]?.dateTime
/// v?.description  // "1979-05-27T07:32:00.5Z"
/// ```
public struct TOMLDateTime: Sendable, Hashable, CustomStringConvertible {
  /// A calendar date (proleptic Gregorian, years 0000–9999).
  public struct Date: Sendable, Hashable {
    public var year: Int
    public var month: Int
    public var day: Int
    public init(year: Int, month: Int, day: Int) {
      self.year = year
      self.month = month
      self.day = day
    }
  }

  /// A time of day; `second` may be 60 (a leap second, as RFC 3339 allows).
  public struct Time: Sendable, Hashable {
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// The fraction of the second in nanoseconds (0…999,999,999).
    public var nanosecond: Int
    public init(hour: Int, minute: Int, second: Int, nanosecond: Int = 0) {
      self.hour = hour
      self.minute = minute
      self.second = second
      self.nanosecond = nanosecond
    }
  }

  /// Which of the four TOML forms the value is.
  public enum Form: String, Sendable, Hashable {
    case offsetDateTime = "offset date-time"
    case localDateTime = "local date-time"
    case localDate = "local date"
    case localTime = "local time"
  }

  public var date: Date?
  public var time: Time?
  /// The offset from UTC in minutes (`Z` is 0); nil for the local forms.
  public var offsetMinutes: Int?

  public init(date: Date?, time: Time?, offsetMinutes: Int? = nil) {
    self.date = date
    self.time = time
    self.offsetMinutes = offsetMinutes
  }

  public var form: Form {
    switch (date, time, offsetMinutes) {
    case (_?, _?, _?): return .offsetDateTime
    case (_?, _?, nil): return .localDateTime
    case (_?, nil, _): return .localDate
    default: return .localTime
    }
  }

  /// The canonical RFC 3339 text: `T` between date and time, the fraction without trailing zeros, `Z` for offset 0.
  public var description: String {
    var text = ""
    if let date {
      text += Self.pad(date.year, 4) + "-" + Self.pad(date.month, 2) + "-" + Self.pad(date.day, 2)
    }
    if let time {
      if date != nil { text += "T" }
      text += Self.pad(time.hour, 2) + ":" + Self.pad(time.minute, 2) + ":" + Self.pad(time.second, 2)
      if time.nanosecond > 0 {
        var fraction = Self.pad(time.nanosecond, 9)
        while fraction.last == "0" { fraction.removeLast() }
        text += "." + fraction
      }
    }
    if let offsetMinutes {
      if offsetMinutes == 0 {
        text += "Z"
      } else {
        let magnitude = abs(offsetMinutes)
        text += (offsetMinutes < 0 ? "-" : "+") + Self.pad(magnitude / 60, 2) + ":" + Self.pad(magnitude % 60, 2)
      }
    }
    return text
  }

  private static func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  /// The number of days in `month` of `year` (Gregorian leap years).
  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }
}
