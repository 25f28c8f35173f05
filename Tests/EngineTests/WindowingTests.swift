import Engine
import Testing

@Suite("Windows and watermarks")
struct WindowingTests {
    static let minute = TumblingWindow(size: .seconds(60))

    @Test(
        "a window holds [start, start + size), aligned to the epoch, before 1970 too",
        arguments: [
            (Int64(0), Int64(0)), (59_999_999, 0), (60_000_000, 60_000_000), (-1, -60_000_000),
            (-60_000_000, -60_000_000), (1_795_555_807_123_456, 1_795_555_800_000_000),
        ])
    func boundaries(event: Int64, start: Int64) {
        #expect(Self.minute.start(of: event) == start)
        #expect(Self.minute.end(ofWindowStartingAt: start) == start + 60_000_000)
    }

    @Test("the watermark is the slowest active partition minus the lateness, never moves back, skips idle ones")
    func watermark() {
        var tracker = WatermarkTracker(allowedLateness: .seconds(10), idleTimeout: .seconds(30))
        tracker.register(partition: 0, now: 0)
        tracker.register(partition: 1, now: 0)
        tracker.observe(partition: 0, maxEventMicros: 100_000_000, now: 1_000_000)
        #expect(tracker.advance(now: 1_000_000) == Int64.min)  // partition 1 has no data and is not idle yet
        tracker.observe(partition: 1, maxEventMicros: 50_000_000, now: 2_000_000)
        #expect(tracker.advance(now: 2_000_000) == 40_000_000)
        #expect(tracker.isLate(39_999_999) && !tracker.isLate(40_000_000))
        // Partition 1 goes quiet: after the idle timeout it no longer holds the watermark back.
        tracker.observe(partition: 0, maxEventMicros: 200_000_000, now: 20_000_000)
        #expect(tracker.advance(now: 20_000_000) == 40_000_000)
        #expect(tracker.advance(now: 33_000_000) == 190_000_000)
        // An old event arriving later never moves it back.
        tracker.observe(partition: 1, maxEventMicros: 60_000_000, now: 34_000_000)
        #expect(tracker.advance(now: 34_000_000) == 190_000_000)
    }
}
