import MetricsTestKit
import Testing

@testable import Broker

@Suite("LogMetrics")
struct LogMetricsTests {
    @Test("appends, fsyncs, recovery drops and retention are counted per partition")
    func counted() async throws {
        let fixture = try LogFixture()
        let metrics = TestMetrics()
        var configuration = LogFixture.configuration(segmentBytes: 150, fsync: .always)
        configuration.retentionBytes = 0
        let log = try await fixture.open(configuration, metrics: metrics)
        for _ in 0..<3 { _ = try await log.append(batches: TestBatch.make(records: 2), now: 1_700_000_000_000) }
        let dimensions = [("partition", "topic-0")]
        #expect(try metrics.expectCounter("souk_log_appended_bytes_total", dimensions).totalValue == 303)
        #expect(try metrics.expectCounter("souk_log_appended_batches_total", dimensions).totalValue == 3)
        // One fsync per append (always) and one per roll.
        #expect(try metrics.expectTimer("souk_log_fsync_duration", dimensions).values.count == 5)
        _ = try await log.enforceRetention(now: 1_700_000_000_000)
        #expect(try metrics.expectCounter("souk_log_retention_deleted_bytes_total", dimensions).totalValue == 202)

        try fixture.truncateFile(fixture.path(segment: 4, suffix: ".log"), to: 60)
        _ = try await fixture.open(configuration, metrics: metrics)
        #expect(try metrics.expectCounter("souk_log_recovery_dropped_bytes_total", dimensions).totalValue == 60)
    }
}
