// Notation
//   t         simulated time, seconds since the run started (Double; never read from the host clock)
//   s         insertion sequence, a counter that breaks ties between events at the same t
//   (t, s)    the key events are ordered by: earlier time first, then first-in first-out

import HeapModule

/// An event waiting in an ``EventQueue``: a payload due at a simulated time.
///
/// Ordered by `(time, sequence)`, so events due at the same instant come out
/// in the order they were scheduled — the rule of swift-nio's
/// `EmbeddedScheduledTask` (`readyTime`, then `insertOrder`).
public struct ScheduledEvent<Payload>: Comparable {
  /// When the event is due, in simulated seconds.
  public let time: Double
  /// The position of the event among all events ever scheduled on its queue.
  public let sequence: UInt64
  public let payload: Payload

  public static func < (a: ScheduledEvent, b: ScheduledEvent) -> Bool {
    a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
  }

  public static func == (a: ScheduledEvent, b: ScheduledEvent) -> Bool {
    a.time == b.time && a.sequence == b.sequence
  }
}

/// A hand-driven simulated clock with a priority queue of events keyed by `(time, sequence)`.
///
/// The clock only moves when ``popSimultaneous(into:)`` advances it to the
/// earliest pending event; every event due at that same instant is removed
/// at once, in FIFO order, *before* the caller runs any code that might
/// schedule more (as `EmbeddedEventLoop.advanceTime(to:)` does in swift-nio).
/// Time never goes backwards: scheduling in the past is a programming error.
///
///     var queue = EventQueue<String>()
///     queue.schedule("b", at: 2)
///     queue.schedule("a", at: 1)
///     queue.schedule("c", at: 2)
///     var due: [String] = []
///     queue.popSimultaneous(into: &due)   // now == 1, due == ["a"]
///     queue.popSimultaneous(into: &due)   // now == 2, due == ["b", "c"]
///
/// - Complexity: O(log n) to schedule an event and O(k log n) to pop the k
///   events due at the next instant, with n events pending (a min-max heap,
///   Atkinson et al. 1986, from swift-collections).
public struct EventQueue<Payload> {
  private var heap: Heap<ScheduledEvent<Payload>>
  private var nextSequence: UInt64 = 0
  /// The current simulated time: the time of the last events popped (0 at the start).
  public private(set) var now: Double = 0

  /// An empty queue at time 0, with room for `minimumCapacity` events.
  public init(minimumCapacity: Int = 0) {
    heap = Heap(minimumCapacity: minimumCapacity)
  }

  /// Whether no event is pending.
  @inlinable public var isEmpty: Bool { count == 0 }
  /// The number of pending events.
  public var count: Int { heap.count }
  /// The time of the earliest pending event.
  public var nextTime: Double? { heap.min?.time }

  /// Schedules `payload` at simulated time `time` (≥ ``now``).
  public mutating func schedule(_ payload: Payload, at time: Double) {
    precondition(time >= now && !time.isNaN, "an event cannot be scheduled in the past (\(time) < \(now))")
    heap.insert(ScheduledEvent(time: time, sequence: nextSequence, payload: payload))
    nextSequence &+= 1
  }

  /// Schedules `payload` `delay` seconds (≥ 0) after ``now``.
  public mutating func schedule(_ payload: Payload, after delay: Double) {
    schedule(payload, at: now + delay)
  }

  /// Advances ``now`` to the earliest pending event and appends every event due then to `due`, in FIFO order.
  ///
  /// - Returns: `false` (and leaves the clock alone) when nothing is pending.
  @discardableResult
  public mutating func popSimultaneous(into due: inout [Payload]) -> Bool {
    guard let first = heap.popMin() else { return false }
    now = first.time
    due.append(first.payload)
    while let next = heap.min, next.time == first.time {
      due.append(next.payload)
      _ = heap.popMin()
    }
    return true
  }
}
