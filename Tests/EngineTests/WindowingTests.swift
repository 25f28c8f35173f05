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

    @Test("aggregation equals a brute-force recomputation, and partial states merge to the same result")
    func aggregation() {
        var state: UInt64 = 5
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 20
        }
        let events = (0..<5_000).map { _ in
            (
                time: Int64(next() % 600_000_000), city: "c\(next() % 4)", category: "k\(next() % 3)",
                amount: Double(next() % 10_000) / 100, quantity: Int64(next() % 5 + 1)
            )
        }
        var whole = WindowedAggregation(window: Self.minute)
        var left = WindowedAggregation(window: Self.minute)
        var right = WindowedAggregation(window: Self.minute)
        for (index, event) in events.enumerated() {
            let dimensions = [("city", event.city), ("category", event.category)]
            whole.add(eventMicros: event.time, dimensions: dimensions, amount: event.amount, quantity: event.quantity)
            if index % 2 == 0 {
                left.add(
                    eventMicros: event.time, dimensions: dimensions, amount: event.amount, quantity: event.quantity)
            } else {
                right.add(
                    eventMicros: event.time, dimensions: dimensions, amount: event.amount, quantity: event.quantity)
            }
        }
        left.merge(right)
        let closed = whole.close(upTo: Int64.max)
        let merged = left.close(upTo: Int64.max)
        #expect(closed.count == merged.count)
        for (a, b) in zip(closed, merged) {
            #expect(a.key == b.key)
            #expect(a.aggregate.transactions == b.aggregate.transactions && a.aggregate.items == b.aggregate.items)
            #expect(abs(a.aggregate.revenue - b.aggregate.revenue) < 1e-6)
        }
        // Brute force for one group.
        let target = closed[0].key
        let matching = events.filter {
            Self.minute.start(of: $0.time) == target.windowStart
                && (target.dimension == "city" ? $0.city : $0.category) == target.key
        }
        #expect(closed[0].aggregate.transactions == Int64(matching.count))
        #expect(closed[0].aggregate.items == matching.map(\.quantity).reduce(0, +))
        #expect(closed.map(\.key) == closed.map(\.key).sorted())
        #expect(whole.groups.isEmpty)
    }

    @Test("only windows whose end the watermark passed are closed")
    func closing() {
        var windows = WindowedAggregation(window: Self.minute)
        windows.add(eventMicros: 10_000_000, dimensions: [("city", "a")], amount: 1, quantity: 1)
        windows.add(eventMicros: 70_000_000, dimensions: [("city", "a")], amount: 2, quantity: 2)
        #expect(windows.close(upTo: 59_999_999).isEmpty)
        let first = windows.close(upTo: 60_000_000)
        #expect(first.map(\.key.windowStart) == [0])
        #expect(
            first[0].windowEnd == 60_000_000
                && first[0].aggregate == RevenueAggregate(revenue: 1, transactions: 1, items: 1))
        #expect(windows.groups.count == 1)
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
