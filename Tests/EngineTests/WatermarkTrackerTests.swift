import Engine
import Foundation
import Testing

@Suite("Watermark tracker")
struct WatermarkTrackerTests {
    static let second: Int64 = 1_000_000

    @Test("the minimum over partitions, minus the lateness, never moving back")
    func minimum() {
        var tracker = WatermarkTracker(allowedLateness: .seconds(10), idleTimeout: .seconds(30))
        tracker.observe(partition: 0, maxEventMicros: 100 * Self.second, now: 0)
        tracker.observe(partition: 1, maxEventMicros: 50 * Self.second, now: 0)
        #expect(tracker.advance(now: 0) == 40 * Self.second)
        tracker.observe(partition: 1, maxEventMicros: 20 * Self.second, now: 1)
        #expect(tracker.advance(now: 1) == 40 * Self.second)
        #expect(tracker.isLate(39 * Self.second) && !tracker.isLate(40 * Self.second))
    }

    @Test("an idle partition stops holding it back; one without data holds it until it goes idle")
    func idleness() {
        var tracker = WatermarkTracker(allowedLateness: .seconds(0), idleTimeout: .seconds(30))
        tracker.register(partition: 2, now: 0)
        tracker.observe(partition: 0, maxEventMicros: 100 * Self.second, now: 0)
        #expect(tracker.advance(now: 1) == Int64.min)
        #expect(tracker.advance(now: 31 * Self.second) == 100 * Self.second)
    }

    @Test("--once: partitions that never had data do not hold the final watermark")
    func final() {
        var tracker = WatermarkTracker(allowedLateness: .seconds(10), idleTimeout: .seconds(30))
        tracker.register(partition: 1, now: 0)
        tracker.observe(partition: 0, maxEventMicros: 100 * Self.second, now: 0)
        #expect(tracker.advance(now: 0) == Int64.min)
        #expect(tracker.advanceIgnoringIdleness(now: 0) == 90 * Self.second)
    }

    @Test("it survives a snapshot (JSON) unchanged")
    func codable() throws {
        var tracker = WatermarkTracker(allowedLateness: .seconds(3), idleTimeout: .seconds(5))
        tracker.observe(partition: 4, maxEventMicros: 9 * Self.second, now: 2)
        tracker.advance(now: 2)
        let copy = try JSONDecoder().decode(WatermarkTracker.self, from: JSONEncoder().encode(tracker))
        #expect(copy == tracker)
    }
}
