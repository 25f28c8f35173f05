import Foundation
import Kafka
import NIOCore
import Testing

@testable import Broker

@Suite("PartitionLog: the cleaner of compacted topics")
struct PartitionLogCleanerTests {
    static let now: Int64 = 1_700_000_000_000

    /// One batch per segment (a batch here is 71 or 81 bytes) and compaction on.
    static var compacted: LogConfiguration {
        var configuration = LogFixture.configuration(segmentBytes: 100, indexIntervalBytes: 64)
        configuration.compacts = true
        configuration.deletesOldSegments = false
        configuration.minCleanableDirtyRatio = 0
        return configuration
    }

    /// A batch of keyed records (a nil value is a tombstone), at `timestamp`.
    static func batch(_ records: [(key: String, value: String?)], timestamp: Int64 = now) throws -> ByteBuffer {
        var header = RecordBatchHeader()
        header.baseTimestamp = timestamp
        let built = records.enumerated().map { index, entry in
            Record(
                offsetDelta: Int32(index), key: ByteBuffer(string: entry.key),
                value: entry.value.map { ByteBuffer(string: $0) })
        }
        return try RecordBatch(building: built, header: header).bytes
    }

    /// Every record readable from the log start, as (offset, key, value), and the batches' offset ranges.
    static func contents(_ log: PartitionLog) async throws -> (
        records: [(Int64, String, String?)], batches: [ClosedRange<Int64>]
    ) {
        var records: [(Int64, String, String?)] = []
        var batches: [ClosedRange<Int64>] = []
        var offset = await log.logStartOffset
        while offset < (await log.logEndOffset) {
            var bytes = try await log.read(from: offset, maxBytes: 1 << 20)
            while bytes.readableBytes > 0 {
                let header = try RecordBatchHeader(peekingAt: bytes)
                let slice = bytes.readSlice(length: header.totalSize)
                let batch = try RecordBatch(validating: try #require(slice))
                batches.append(header.baseOffset...header.lastOffset)
                for record in try batch.records() {
                    records.append(
                        (
                            header.baseOffset + Int64(record.offsetDelta), String(buffer: record.key ?? ByteBuffer()),
                            record.value.map { String(buffer: $0) }
                        ))
                }
                offset = header.lastOffset + 1
            }
        }
        return (records, batches)
    }

    /// Opens a log in `fixture` and writes five batches over three keys, one per segment:
    /// a1 b1 | a2 c1 | b2 | a3 (b tombstone) | c2, the last one in the active segment.
    static func filledLog(
        _ fixture: LogFixture, _ configuration: LogConfiguration = compacted, tombstoneTime: Int64 = now
    ) async throws -> PartitionLog {
        let log = try await fixture.open(configuration)
        _ = try await log.append(batches: try batch([("a", "a1"), ("b", "b1")]), now: now)
        _ = try await log.append(batches: try batch([("a", "a2"), ("c", "c1")]), now: now)
        _ = try await log.append(batches: try batch([("b", "b2")]), now: now)
        _ = try await log.append(batches: try batch([("a", "a3"), ("b", nil)], timestamp: tombstoneTime), now: now)
        _ = try await log.append(batches: try batch([("c", "c2")]), now: now)
        return log
    }

    @Test(
        "closed segments keep the newest record of each key at its offset, batches keep their offsets, the active segment is untouched"
    )
    func keepsTheNewestPerKey() async throws {
        let fixture = try LogFixture()
        let log = try await Self.filledLog(fixture)
        let before = try await Self.contents(log)
        #expect(before.records.count == 8)
        let segments = await log.segmentBaseOffsets
        #expect(segments == [0, 2, 4, 5, 7])

        let result = try await log.clean(now: Self.now)
        #expect(result.removedRecords == 4, "a1 b1 a2 b2 go; c1 stays while c2 is in the active segment")
        let after = try await Self.contents(log)
        #expect(after.batches == before.batches, "every batch keeps its offsets, even an emptied one")
        #expect(after.records.map(\.0) == [3, 5, 6, 7])
        #expect(after.records.map(\.1) == ["c", "a", "b", "c"])
        #expect(after.records.map(\.2) == ["c1", "a3", nil, "c2"])
        #expect(await log.segmentBaseOffsets == segments)
        #expect(await log.logEndOffset == 8)

        // Nothing new: a second pass finds nothing dirty. After a reopen the log reads the same.
        #expect(try await log.clean(now: Self.now) == CleanerResult())
        try await log.close()
        let reopened = try await fixture.open(Self.compacted)
        let again = try await Self.contents(reopened)
        #expect(again.records.map(\.0) == after.records.map(\.0))
        #expect(again.batches == after.batches)
        #expect(fixture.logs.all.filter { $0.level >= .error }.isEmpty)
        try await reopened.close()
    }

    @Test("a tombstone goes once its batch is older than delete.retention.ms")
    func tombstonesExpire() async throws {
        let fixture = try LogFixture()
        var configuration = Self.compacted
        configuration.deleteRetentionMilliseconds = 60_000
        let log = try await Self.filledLog(fixture, configuration, tombstoneTime: Self.now - 120_000)
        _ = try await log.clean(now: Self.now)
        let after = try await Self.contents(log)
        #expect(after.records.map(\.1) == ["c", "a", "c"], "the tombstone of b is past its retention")
    }

    @Test("segments younger than min.compaction.lag.ms wait, and a clean ratio below min.cleanable.dirty.ratio waits")
    func lagAndRatio() async throws {
        let fixture = try LogFixture()
        var configuration = Self.compacted
        configuration.minCompactionLagMilliseconds = 60_000
        let log = try await Self.filledLog(fixture, configuration)
        #expect(try await log.clean(now: Self.now + 1_000) == CleanerResult())
        #expect(try await log.clean(now: Self.now + 60_000).removedRecords == 4)

        configuration.minCleanableDirtyRatio = 0.9
        try await log.reconfigure(configuration)
        _ = try await log.append(batches: try Self.batch([("a", "a4")]), now: Self.now)
        _ = try await log.append(batches: try Self.batch([("a", "a5")]), now: Self.now)
        // The new closed segment is a small share of the closed bytes: no pass.
        #expect(try await log.clean(now: Self.now + 60_000) == CleanerResult())
    }

    @Test("a dirty segment whose first record waited max.compaction.lag.ms is compacted below the dirty ratio")
    func maxCompactionLag() async throws {
        let fixture = try LogFixture()
        var configuration = Self.compacted
        configuration.maxCompactionLagMilliseconds = 300_000
        let log = try await Self.filledLog(fixture, configuration)
        #expect(try await log.clean(now: Self.now).removedRecords == 4)

        configuration.minCleanableDirtyRatio = 0.9
        try await log.reconfigure(configuration)
        _ = try await log.append(batches: try Self.batch([("a", "a4")]), now: Self.now)
        _ = try await log.append(batches: try Self.batch([("a", "a5")]), now: Self.now)
        #expect(try await log.clean(now: Self.now + 299_999) == CleanerResult(), "not yet overdue, ratio too low")
        let overdue = try await log.clean(now: Self.now + 300_000)
        #expect(overdue.removedRecords == 2, "c1 and a3 give way to c2 and a4 once the lag is reached")
        #expect(try await Self.contents(log).records.map(\.1) == ["b", "c", "a", "a"], "b's tombstone, c2, a4, a5")
    }

    @Test("a topic's max.compaction.lag.ms also rolls its active segment, and flush.messages=1 makes it fsync always")
    func topicConfigsReachTheLog() {
        let base = LogConfiguration()
        let compacted = TopicConfigs(overrides: ["cleanup.policy": "compact", "max.compaction.lag.ms": "60000"])
        #expect(compacted.logConfiguration(base: base).segmentMilliseconds == 60_000)
        let deleted = TopicConfigs(overrides: ["max.compaction.lag.ms": "60000"])
        #expect(deleted.logConfiguration(base: base).segmentMilliseconds == base.segmentMilliseconds)
        #expect(TopicConfigs(overrides: ["flush.messages": "1"]).logConfiguration(base: base).fsyncPolicy == .always)
        #expect(
            TopicConfigs(overrides: ["flush.ms": "200"]).logConfiguration(base: base).fsyncPolicy
                == .interval(milliseconds: 200))
        #expect(
            TopicConfigs(overrides: ["flush.ms": "5000"]).logConfiguration(base: base).fsyncPolicy
                == base.fsyncPolicy, "never weaker than the broker")
        #expect(TopicConfigs.problem(name: "compression.type", value: "zstd") != nil)
        #expect(TopicConfigs.problem(name: "index.interval.bytes", value: "0") != nil)
        #expect(TopicConfigs.problem(name: "preallocate", value: "TRUE") == nil)
    }

    @Test(
        "a pass that stops at any step of the swap leaves the old segment or the new one whole, and reopening finishes or drops it",
        arguments: CleanerStep.allCases)
    func swapIsAtomic(_ step: CleanerStep) async throws {
        let fixture = try LogFixture()
        let log = try await Self.filledLog(fixture)
        let before = try await Self.contents(log)
        await log.failCleaner(at: step)
        await #expect(throws: LogError.self) { try await log.clean(now: Self.now) }
        try? await log.close()

        let reopened = try await fixture.open(Self.compacted)
        let after = try await Self.contents(reopened)
        #expect(after.batches == before.batches)
        // The first segment (a1 b1 at offsets 0 and 1, both superseded) is being swapped when the pass
        // stops: it holds both records (old) or none (new), and every later segment is as it was.
        let first = after.records.map(\.0).filter { $0 < 2 }
        #expect(first == [0, 1] || first.isEmpty, "\(first)")
        #expect(first.isEmpty == (step != .cleanedWritten), "a swap made ready is finished on reopening")
        let later: [Int64] = after.records.map(\.0).filter { $0 >= 2 }
        let laterBefore: [Int64] = before.records.map(\.0).filter { $0 >= 2 }
        #expect(later == laterBefore)
        let names = try FileManager.default.contentsOfDirectory(atPath: fixture.directory)
        #expect(!names.contains { $0.hasSuffix(".cleaned") || $0.hasSuffix(".swap") }, "\(names)")
        // And a pass after the reopening completes the work.
        _ = try await reopened.clean(now: Self.now)
        #expect(try await Self.contents(reopened).records.map(\.0) == [3, 5, 6, 7])
        try await reopened.close()
    }

    @Test("with cleanup.policy=compact alone retention deletes nothing; with compact,delete it does")
    func policyDecidesRetention() async throws {
        let fixture = try LogFixture()
        var configuration = Self.compacted
        configuration.retentionMilliseconds = 1
        let log = try await Self.filledLog(fixture, configuration)
        #expect(try await log.enforceRetention(now: Self.now + 10_000).deletedSegments.isEmpty)
        configuration.deletesOldSegments = true
        try await log.reconfigure(configuration)
        #expect(!(try await log.enforceRetention(now: Self.now + 10_000).deletedSegments.isEmpty))
    }
}
