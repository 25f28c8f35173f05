import Foundation
import Kafka
import NIOCore
import Testing

@testable import Broker

@Suite("PartitionLog: retention, timestamps, DeleteRecords, truncation")
struct PartitionLogRetentionTests {
    static let now: Int64 = 1_700_000_000_000
    /// One 101-byte batch of 4 records per segment.
    static let oneBatchPerSegment = LogFixture.configuration(segmentBytes: 150, indexIntervalBytes: 100)

    /// Appends one batch per timestamp; batch i holds offsets 4i...4i+3.
    static func fill(_ log: PartitionLog, timestamps: [Int64]) async throws {
        for timestamp in timestamps {
            _ = try await log.append(batches: TestBatch.make(records: 4, maxTimestamp: timestamp), now: now)
        }
    }

    @Test("retention by time deletes closed segments whose newest timestamp is too old, never the active one")
    func retentionByTime() async throws {
        let fixture = try LogFixture()
        var configuration = Self.oneBatchPerSegment
        configuration.retentionMilliseconds = 10_000
        let log = try await fixture.open(configuration)
        let t = Self.now
        // Segment 8 has an older timestamp than segment 4, but deletion stops at the first segment kept.
        try await Self.fill(log, timestamps: [t, t + 1000, t + 5000, t + 500, t + 9000])
        #expect(await log.segmentBaseOffsets == [0, 4, 8, 12, 16])

        var result = try await log.enforceRetention(now: t + 10_000)
        #expect(result == RetentionResult(deletedSegments: [], deletedBytes: 0, logStartOffset: 0))
        result = try await log.enforceRetention(now: t + 11_001)
        #expect(result == RetentionResult(deletedSegments: [0, 4], deletedBytes: 202, logStartOffset: 8))
        #expect(await log.segmentBaseOffsets == [8, 12, 16])
        #expect(!FileManager.default.fileExists(atPath: fixture.path(segment: 4, suffix: ".log")))
        await #expect(throws: LogError.offsetOutOfRange(requested: 7, logStart: 8, logEnd: 20)) {
            try await log.read(from: 7, maxBytes: 100)
        }
        // Everything is old now; the active segment stays.
        result = try await log.enforceRetention(now: t + 1_000_000)
        #expect(result.deletedSegments == [8, 12])
        #expect(await log.segmentBaseOffsets == [16])
        #expect(await log.logStartOffset == 16)
        #expect(batchOffsets(in: try await log.read(from: 16, maxBytes: 100)) == [16...19])
    }

    @Test("retention by size deletes the oldest segments while the rest is at least the limit")
    func retentionBySize() async throws {
        let fixture = try LogFixture()
        var configuration = Self.oneBatchPerSegment
        configuration.retentionMilliseconds = nil
        configuration.retentionBytes = 250
        let log = try await fixture.open(configuration)
        try await Self.fill(log, timestamps: Array(repeating: Self.now, count: 6))
        #expect(await log.sizeInBytes == 606)
        let result = try await log.enforceRetention(now: Self.now)
        // 606 → 505 → 404 → 303 → 202 would go under 250: three segments remain (303 bytes).
        #expect(result == RetentionResult(deletedSegments: [0, 4, 8], deletedBytes: 303, logStartOffset: 12))
        #expect(await log.sizeInBytes == 303)
        #expect(try await log.enforceRetention(now: Self.now).deletedSegments == [])
    }

    @Test("ListOffsets by time: the first batch whose maxTimestamp is at least the target, across segments")
    func offsetForTimestamp() async throws {
        let fixture = try LogFixture()
        // Three 101-byte batches per segment and an index entry every 100 bytes, so the time index is used.
        let log = try await fixture.open(LogFixture.configuration(segmentBytes: 310, indexIntervalBytes: 100))
        let t = Self.now
        let timestamps: [Int64] = [100, 300, 200, 400, 400, 250, 700, 500, 600, 900].map { t + $0 }
        try await Self.fill(log, timestamps: timestamps)
        #expect(await log.segmentBaseOffsets == [0, 12, 24, 36])
        for target: Int64 in [0, 100, 101, 250, 300, 301, 401, 650, 700, 701, 900] {
            let expected = timestamps.firstIndex { $0 >= t + target }.map { Int64($0 * 4) }
            #expect(try await log.offset(forTimestamp: t + target) == expected, "target +\(target)")
        }
        #expect(try await log.offset(forTimestamp: t + 901) == nil)
        // Below the log start, the answer is the log start.
        _ = try await log.deleteRecords(before: 6)
        #expect(try await log.offset(forTimestamp: t) == 6)
        #expect(try await log.offset(forTimestamp: t + 350) == 12)
    }

    @Test("ListOffsets by time inside a batch: the first record whose own timestamp is at least the target")
    func offsetForTimestampInsideABatch() async throws {
        let fixture = try LogFixture()
        let log = try await fixture.open(LogFixture.configuration(segmentBytes: 1 << 20, indexIntervalBytes: 100))
        let t = Self.now
        // Ten records in one batch, 1 s apart, the fourth and fifth out of order.
        let deltas: [Int64] = [0, 1000, 2000, 4000, 3000, 5000, 6000, 7000, 8000, 9000]
        let records = deltas.enumerated().map { index, delta in
            Record(timestampDelta: delta, offsetDelta: Int32(index), value: ByteBuffer(string: "v\(index)"))
        }
        var header = RecordBatchHeader()
        header.baseTimestamp = t
        let batch = try RecordBatch(building: records, header: header)
        _ = try await log.append(batches: batch.bytes, now: Self.now)
        for (target, expected) in [(0, 0), (1, 1), (2500, 3), (3000, 3), (4001, 5), (9000, 9)] as [(Int64, Int64)] {
            let found = try await log.record(forTimestamp: t + target)
            #expect(found?.offset == expected, "target +\(target)")
            #expect(found.map { $0.timestamp >= t + target } == true)
        }
        #expect(try await log.record(forTimestamp: t + 2500)?.timestamp == t + 4000)
        #expect(try await log.record(forTimestamp: t + 9001) == nil)
    }

    @Test("DeleteRecords moves the log start, deletes segments below it and survives a reopen")
    func deleteRecords() async throws {
        let fixture = try LogFixture()
        let log = try await fixture.open(Self.oneBatchPerSegment)
        try await Self.fill(log, timestamps: Array(repeating: Self.now, count: 5))
        #expect(try await log.deleteRecords(before: 10) == 10)
        #expect(await log.segmentBaseOffsets == [8, 12, 16])
        #expect(try await log.deleteRecords(before: 3) == 10)
        await #expect(throws: LogError.offsetOutOfRange(requested: 9, logStart: 10, logEnd: 20)) {
            try await log.read(from: 9, maxBytes: 100)
        }
        // A read at the log start returns the whole batch holding it; the consumer skips 8 and 9.
        #expect(batchOffsets(in: try await log.read(from: 10, maxBytes: 1)) == [8...11])
        await #expect(throws: LogError.offsetOutOfRange(requested: 21, logStart: 10, logEnd: 20)) {
            try await log.deleteRecords(before: 21)
        }
        // Up to the end: the active segment stays, empty of readable offsets.
        #expect(try await log.deleteRecords(before: 20) == 20)
        #expect(await log.segmentBaseOffsets == [16])
        #expect(try await log.read(from: 20, maxBytes: 100).readableBytes == 0)
        _ = log  // not closed: the log start must survive a crash too

        let reopened = try await fixture.open(Self.oneBatchPerSegment)
        #expect(await reopened.logStartOffset == 20)
        #expect(await reopened.logEndOffset == 20)
        #expect(try await reopened.append(batches: TestBatch.make(records: 1), now: Self.now).baseOffset == 20)
    }

    @Test("truncate removes the batch holding the offset and everything after, across segments")
    func truncate() async throws {
        let fixture = try LogFixture()
        let configuration = LogFixture.configuration(segmentBytes: 310, indexIntervalBytes: 100)
        let log = try await fixture.open(configuration)
        try await Self.fill(log, timestamps: (0..<10).map { Self.now + Int64($0) })
        #expect(await log.segmentBaseOffsets == [0, 12, 24, 36])
        #expect(try await log.truncate(to: 18) == 16)
        #expect(await log.segmentBaseOffsets == [0, 12])
        #expect(!FileManager.default.fileExists(atPath: fixture.path(segment: 24, suffix: ".log")))
        #expect(try await log.offset(forTimestamp: Self.now + 4) == nil)
        #expect(try await log.offset(forTimestamp: Self.now + 3) == 12)
        #expect(try await log.append(batches: TestBatch.make(records: 2), now: Self.now).baseOffset == 16)
        #expect(batchOffsets(in: try await log.read(from: 12, maxBytes: 1 << 20)) == [12...15, 16...17])
        #expect(try await log.truncate(to: 100) == 18)
        try await log.close()

        let reopened = try await fixture.open(configuration)
        #expect(await reopened.logEndOffset == 18)
        #expect(batchOffsets(in: try await reopened.read(from: 12, maxBytes: 1 << 20)) == [12...15, 16...17])
    }
}
