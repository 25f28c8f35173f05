import Engine
import Foundation
import Testing

@Suite("Sliding and session windows")
struct SlidingAndSessionWindowTests {
    static let second: Int64 = 1_000_000

    @Test("a sliding window holds [start, start + size), one every slide, aligned to the epoch")
    func sliding() throws {
        let window = try SlidingWindow(size: .seconds(10), slide: .seconds(5))
        #expect(window.starts(containing: 12 * Self.second) == [5 * Self.second, 10 * Self.second])
        #expect(window.starts(containing: 10 * Self.second) == [5 * Self.second, 10 * Self.second])
        #expect(window.starts(containing: 10 * Self.second - 1) == [0, 5 * Self.second])
        #expect(window.starts(containing: -1) == [-10 * Self.second, -5 * Self.second])
        let uneven = try SlidingWindow(size: .seconds(10), slide: .seconds(3))
        for event in stride(from: Int64(-30), through: 30, by: 1).map({ $0 * Self.second + 123 }) {
            let starts = uneven.starts(containing: event)
            #expect(starts.allSatisfy { $0 <= event && event < $0 + 10 * Self.second && $0 % (3 * Self.second) == 0 })
            #expect(starts.count == 3 || starts.count == 4)
        }
        #expect(throws: WindowError.self) { try SlidingWindow(size: .seconds(1), slide: .seconds(2)) }
        #expect(throws: WindowError.self) { try SlidingWindow(size: .seconds(1), slide: .zero) }
    }

    @Test("sessions extend within the gap, a bridging event merges two, the watermark closes them")
    func sessions() throws {
        var state = try SessionState<String, CountAggregate>(gap: .seconds(5))
        func one() -> CountAggregate {
            var count = CountAggregate()
            count.add()
            return count
        }
        for time in [0, 3, 7] as [Int64] { state.add(key: "a", eventMicros: time * Self.second, value: one()) }
        for time in [20, 30] as [Int64] { state.add(key: "a", eventMicros: time * Self.second, value: one()) }
        state.add(key: "b", eventMicros: 1 * Self.second, value: one())
        #expect(
            state.sessions["a"]?.map { [$0.start / Self.second, $0.end / Self.second, $0.aggregate.count] } == [
                [0, 12, 3], [20, 25, 1], [30, 35, 1],
            ])
        state.add(key: "a", eventMicros: 25 * Self.second, value: one())  // touches both: one session
        #expect(
            state.sessions["a"]?.map { [$0.start / Self.second, $0.end / Self.second, $0.aggregate.count] } == [
                [0, 12, 3], [20, 35, 3],
            ])
        let closed = state.close(upTo: 12 * Self.second)
        #expect(closed.map { "\($0.key)@\($0.session.start / Self.second)" } == ["a@0", "b@1"])
        #expect(state.sessions["b"] == nil && state.sessions["a"]?.count == 1)
    }

    @Test("partial session states merge to the state of all events, in any split")
    func sessionMerge() throws {
        var generator = SystemRandomNumberGenerator()
        let events = (0..<400).map { _ in
            (
                key: "k\(Int.random(in: 0..<3, using: &generator))",
                time: Int64.random(in: 0..<600, using: &generator) * Self.second
            )
        }
        var whole = try SessionState<String, CountAggregate>(gap: .seconds(4))
        var left = try SessionState<String, CountAggregate>(gap: .seconds(4))
        var right = try SessionState<String, CountAggregate>(gap: .seconds(4))
        for (index, event) in events.enumerated() {
            var count = CountAggregate()
            count.add()
            whole.add(key: event.key, eventMicros: event.time, value: count)
            if index % 2 == 0 {
                left.add(key: event.key, eventMicros: event.time, value: count)
            } else {
                right.add(key: event.key, eventMicros: event.time, value: count)
            }
        }
        right.merge(left)
        #expect(right.sessions == whole.sessions)
        let restored = try JSONDecoder().decode(
            SessionState<String, CountAggregate>.self, from: JSONEncoder().encode(whole))
        #expect(restored.sessions == whole.sessions)
    }
}
