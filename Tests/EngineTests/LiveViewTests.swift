import Storage
import Testing

@testable import Engine

@Suite("Live view")
struct LiveViewTests {
    static func report(batch: Int64) -> StreamingProgress {
        StreamingProgress(
            batchId: batch, timestamp: "2026-12-02T00:00:00.000000Z", numInputRows: 10, inputRowsPerSecond: 0,
            processedRowsPerSecond: 0, durationMs: .init(), eventTime: .init(min: nil, max: nil, watermark: nil),
            watermark: 0, stateOperators: [], lateRows: 1, malformedRows: 2, sources: [], sinks: [], latency: nil)
    }

    /// The versions a watcher received so far.
    final class Received: Sendable {
        private let versions = Locked<[Int]>([])
        func add(_ version: Int) { versions.withLock { $0.append(version) } }
        var all: [Int] { versions.withLock { $0 } }

        /// Waits until `count` versions arrived or `limit` passed.
        func wait(for count: Int, limit: Duration = .seconds(10)) async {
            let deadline = ContinuousClock.now + limit
            while all.count < count, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
        }
    }

    @Test("watchers are signalled once per batch, when its progress report arrives; the results show at once")
    func oneSignalPerBatch() async {
        let view = LiveView(job: CountingJob())
        let received = Received()
        let changes = view.changes.watch()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for await version in changes { received.add(version) } }
            await received.wait(for: 1)
            #expect(received.all == [0])

            await view.publish(summary: 7, updates: [], results: [], watermarkMicros: 5)
            #expect(await view.summary == 7)
            #expect(await view.version == 1)
            await received.wait(for: 2, limit: .milliseconds(300))
            #expect(received.all == [0], "a computed batch alone signals nothing")
            await view.record(Self.report(batch: 0))
            await received.wait(for: 2)
            #expect(received.all == [0, 2])
            #expect(await view.figures.malformedRows == 2)
            group.cancelAll()
        }
    }
}
