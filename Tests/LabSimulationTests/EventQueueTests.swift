import LabSimulation
import Testing

@Suite struct EventQueueTests {
  @Test func eventsComeOutByTimeThenFirstInFirstOut() {
    var queue = EventQueue<String>()
    // Scheduled out of order; "b" and "c" tie at t = 2 and must keep their scheduling order, as must "d", "e", "f" at 5.
    queue.schedule("d", at: 5)
    queue.schedule("b", at: 2)
    queue.schedule("a", at: 1)
    queue.schedule("e", at: 5)
    queue.schedule("c", at: 2)
    queue.schedule("f", at: 5)
    var batches: [[String]] = []
    var times: [Double] = []
    var due: [String] = []
    while queue.popSimultaneous(into: &due) {
      batches.append(due)
      times.append(queue.now)
      due.removeAll()
    }
    #expect(batches == [["a"], ["b", "c"], ["d", "e", "f"]])
    #expect(times == [1, 2, 5])
    #expect(queue.isEmpty)
  }

  @Test func eventsScheduledWhileHandlingAnInstantRunAfterThoseAlreadyDue() {
    var queue = EventQueue<Int>()
    queue.schedule(1, at: 3)
    queue.schedule(2, at: 3)
    var due: [Int] = []
    queue.popSimultaneous(into: &due)
    #expect(due == [1, 2])
    // Handling them schedules one more at the same instant: it comes out in a later pop, at the same time.
    queue.schedule(3, after: 0)
    due.removeAll()
    queue.popSimultaneous(into: &due)
    #expect(due == [3])
    #expect(queue.now == 3)
    let more = queue.popSimultaneous(into: &due)
    #expect(!more)
  }

  @Test func tiesStayFirstInFirstOutUnderManyInsertions() {
    var queue = EventQueue<Int>()
    var rng = SeededGeneratorForTests(seed: 7)
    for i in 0..<2000 { queue.schedule(i, at: Double(rng.next() % 10)) }
    var previousTime = -1.0
    var due: [Int] = []
    while queue.popSimultaneous(into: &due) {
      #expect(queue.now > previousTime)
      #expect(due == due.sorted(), "ties at t = \(queue.now) left in scheduling order")
      previousTime = queue.now
      due.removeAll()
    }
  }
}

/// A tiny LCG so this suite needs nothing but the queue.
struct SeededGeneratorForTests {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return state >> 33
  }
}
