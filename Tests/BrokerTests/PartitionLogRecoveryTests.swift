import Foundation
import NIOCore
import Testing

@testable import Broker

@Suite("PartitionLog: recovery")
struct PartitionLogRecoveryTests {
    static let now: Int64 = 1_700_000_000_000

    /// Appends `count` batches of 4 records (101 bytes each) and returns the log, left open (a crash).
    static func fill(_ fixture: LogFixture, count: Int, configuration: LogConfiguration = LogFixture.configuration())
        async throws -> PartitionLog
    {
        let log = try await fixture.open(configuration)
        for index in 0..<count {
            _ = try await log.append(
                batches: TestBatch.make(records: 4, maxTimestamp: now + Int64(index), fill: UInt8(index)), now: now)
        }
        return log
    }

    @Test("a torn tail (the file cut mid-batch) is dropped; earlier batches stay and appends continue")
    func tornTail() async throws {
        let fixture = try LogFixture()
        // 31 batches of 101 bytes; with a 256-byte index interval, batches 3, 6, …, 30 have index entries.
        let crashed = try await Self.fill(fixture, count: 31)
        let indexBefore = try fixture.contents(fixture.path(segment: 0, suffix: ".index"))
        #expect(indexBefore.count == 8 * 10)
        // Not closed (a crash): the last clean point is the open. Cut the last batch (120...123) after 50 bytes.
        try fixture.truncateFile(fixture.path(segment: 0, suffix: ".log"), to: 30 * 101 + 50)
        _ = crashed

        let log = try await fixture.open()
        #expect(await log.logEndOffset == 120)
        #expect(batchOffsets(in: try await log.read(from: 119, maxBytes: 1)) == [116...119])
        #expect(try fixture.contents(fixture.path(segment: 0, suffix: ".log")).count == 30 * 101)
        // The rebuilt index is the one written while appending, without the entry of the dropped batch.
        #expect(try fixture.contents(fixture.path(segment: 0, suffix: ".index")) == Array(indexBefore.prefix(8 * 9)))

        let drop = try #require(fixture.logs.all.first { $0.message.contains("dropped") })
        #expect(drop.metadata["dropped_bytes"] == "50")
        #expect(drop.metadata["dropped_from_offset"] == "120")
        #expect(drop.metadata["dropped_from_position"] == "\(30 * 101)")

        // The time index was rebuilt too: batch i has maxTimestamp now + i, and batch 30 is gone.
        #expect(try await log.offset(forTimestamp: Self.now + 29) == 116)
        #expect(try await log.offset(forTimestamp: Self.now + 30) == nil)

        let next = try await log.append(batches: TestBatch.make(records: 2), now: Self.now)
        #expect(next.baseOffset == 120)
        #expect(batchOffsets(in: try await log.read(from: 116, maxBytes: 1 << 20)) == [116...119, 120...121])
    }

    @Test("a flipped byte in the last batch fails its CRC: the batch is dropped, the rest kept")
    func flippedByteInLastBatch() async throws {
        let fixture = try LogFixture()
        let crashed = try await Self.fill(fixture, count: 10)
        try fixture.flipByte(fixture.path(segment: 0, suffix: ".log"), at: 9 * 101 + 80)
        _ = crashed

        let log = try await fixture.open()
        #expect(await log.logEndOffset == 36)
        #expect(try fixture.contents(fixture.path(segment: 0, suffix: ".log")).count == 9 * 101)
        let drop = try #require(fixture.logs.all.first { $0.message.contains("dropped") })
        #expect(drop.metadata["dropped_bytes"] == "101")
        #expect(drop.metadata["dropped_from_offset"] == "36")
        #expect(drop.metadata["defect"]?.contains("CRC-32C") == true)
        #expect(batchOffsets(in: try await log.read(from: 0, maxBytes: 1 << 20)).count == 9)
        #expect(try await log.append(batches: TestBatch.make(records: 1), now: Self.now).baseOffset == 36)
        #expect(batchOffsets(in: try await log.read(from: 36, maxBytes: 1 << 20)) == [36...36])
    }

    @Test("without a checkpoint every segment is validated; a bad batch ends the log and later segments go")
    func corruptMiddleSegment() async throws {
        let fixture = try LogFixture()
        // 101-byte batches of 4 records, 3 per segment: segments at 0, 12, 24, 36.
        let configuration = LogFixture.configuration(segmentBytes: 310, indexIntervalBytes: 100)
        let crashed = try await Self.fill(fixture, count: 12, configuration: configuration)
        #expect(await crashed.segmentBaseOffsets == [0, 12, 24, 36])
        try FileManager.default.removeItem(atPath: fixture.directory + "/" + RecoveryCheckpoint.fileName)
        // Damage the second batch (16...19) of segment 12.
        try fixture.flipByte(fixture.path(segment: 12, suffix: ".log"), at: 101 + 70)

        let log = try await fixture.open(configuration)
        #expect(await log.logEndOffset == 16)
        #expect(await log.segmentBaseOffsets == [0, 12])
        #expect(!FileManager.default.fileExists(atPath: fixture.path(segment: 24, suffix: ".log")))
        #expect(!FileManager.default.fileExists(atPath: fixture.path(segment: 36, suffix: ".index")))
        let deleted = fixture.logs.all.filter { $0.message.contains("deleted a segment") }
        #expect(deleted.map { $0.metadata["segment"] } == ["24", "36"])
        #expect(deleted.map { $0.metadata["dropped_bytes"] } == ["303", "303"])
        #expect(batchOffsets(in: try await log.read(from: 13, maxBytes: 1 << 20)) == [12...15])
        #expect(try await log.append(batches: TestBatch.make(records: 1), now: Self.now).baseOffset == 16)
    }

    @Test("missing or malformed index files of a closed segment are rebuilt byte for byte")
    func missingIndexRebuilt() async throws {
        let fixture = try LogFixture()
        let configuration = LogFixture.configuration(segmentBytes: 1000, indexIntervalBytes: 150)
        let log = try await Self.fill(fixture, count: 25, configuration: configuration)
        try await log.close()
        let segments = [Int64(0), 36, 72]
        #expect(try await fixture.open(configuration).segmentBaseOffsets.prefix(3) == segments[...])
        let index = try fixture.contents(fixture.path(segment: 36, suffix: ".index"))
        let timeIndex = try fixture.contents(fixture.path(segment: 36, suffix: ".timeindex"))
        // Nine 101-byte batches per segment, an entry every 150 bytes: at batches 2, 4, 6 and 8. The last of those
        // is the segment's last batch, so the time index's entries end at its newest timestamp.
        #expect(index.count == 8 * 4)
        #expect(timeIndex.count == 12 * 4)

        try FileManager.default.removeItem(atPath: fixture.path(segment: 36, suffix: ".index"))
        try FileManager.default.removeItem(atPath: fixture.path(segment: 36, suffix: ".timeindex"))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: fixture.path(segment: 0, suffix: ".index")))
        let reopened = try await fixture.open(configuration)
        #expect(try fixture.contents(fixture.path(segment: 36, suffix: ".index")) == index)
        #expect(try fixture.contents(fixture.path(segment: 36, suffix: ".timeindex")) == timeIndex)
        #expect(try fixture.contents(fixture.path(segment: 0, suffix: ".index")).count == 8 * 4)
        #expect(await reopened.logEndOffset == 100)
        #expect(batchOffsets(in: try await reopened.read(from: 50, maxBytes: 1)) == [48...51])
    }

    @Test("a clean close and reopen keeps offsets, log start and segments, and clears the clean mark")
    func cleanReopen() async throws {
        let fixture = try LogFixture()
        let configuration = LogFixture.configuration(segmentBytes: 1000)
        let log = try await Self.fill(fixture, count: 25, configuration: configuration)
        _ = try await log.deleteRecords(before: 41)
        try await log.close()
        await #expect(throws: LogError.closed) { try await log.read(from: 50, maxBytes: 1) }
        let checkpointPath = fixture.directory + "/" + RecoveryCheckpoint.fileName
        let closed = try #require(RecoveryCheckpoint(decoding: ByteBuffer(bytes: try fixture.contents(checkpointPath))))
        #expect(closed == RecoveryCheckpoint(recoveryPoint: 100, logStartOffset: 41, cleanShutdown: true))

        let reopened = try await fixture.open(configuration)
        #expect(await reopened.logStartOffset == 41)
        #expect(await reopened.logEndOffset == 100)
        #expect(await reopened.segmentBaseOffsets == [36, 72])
        let opened = try #require(RecoveryCheckpoint(decoding: ByteBuffer(bytes: try fixture.contents(checkpointPath))))
        #expect(opened.cleanShutdown == false)
        #expect(!fixture.logs.all.contains { $0.message.contains("dropped") })
    }

    @Test("a batch that rots on disk after the last clean point is never served")
    func corruptBatchNotServed() async throws {
        let fixture = try LogFixture()
        let log = try await Self.fill(fixture, count: 5)
        try await log.close()
        let reopened = try await fixture.open()
        // Damage the second batch of a segment the open trusted.
        try fixture.flipByte(fixture.path(segment: 0, suffix: ".log"), at: 101 + 90)
        await #expect {
            try await reopened.read(from: 4, maxBytes: 1 << 20)
        } throws: { error in
            guard case LogError.corruptData(_, position: 101, defect: .checksumMismatch) = error else { return false }
            return true
        }
        // A read from before it stops before it; the log stays usable.
        #expect(batchOffsets(in: try await reopened.read(from: 0, maxBytes: 1 << 20)) == [0...3])
        #expect(batchOffsets(in: try await reopened.read(from: 8, maxBytes: 1 << 20)) == [8...11, 12...15, 16...19])
    }

    @Test("a batch whose baseOffset (outside the CRC) rotted is not served either")
    func rottedBaseOffsetNotServed() async throws {
        let fixture = try LogFixture()
        let log = try await Self.fill(fixture, count: 5)
        try await log.close()
        let reopened = try await fixture.open()
        // The low byte of the third batch's baseOffset (8): it now reads 247.
        try fixture.flipByte(fixture.path(segment: 0, suffix: ".log"), at: 2 * 101 + 7)
        await #expect(
            throws: LogError.corruptData(
                path: fixture.path(segment: 0, suffix: ".log"), position: 202,
                defect: .unexpectedBaseOffset(found: 247, expected: 8))
        ) {
            try await reopened.read(from: 9, maxBytes: 1 << 20)
        }
        #expect(batchOffsets(in: try await reopened.read(from: 0, maxBytes: 1 << 20)) == [0...3, 4...7])
    }

    @Test("rot below the clean point does not cost later segments: indexes are rebuilt, the bad batch refused")
    func rotBelowCleanPoint() async throws {
        let fixture = try LogFixture()
        let configuration = LogFixture.configuration(segmentBytes: 310, indexIntervalBytes: 100)
        let log = try await Self.fill(fixture, count: 9, configuration: configuration)
        try await log.close()
        // Segments 0, 12, 24. Rot in segment 12's second batch (16...19), and its index is gone.
        try fixture.flipByte(fixture.path(segment: 12, suffix: ".log"), at: 101 + 70)
        try FileManager.default.removeItem(atPath: fixture.path(segment: 12, suffix: ".index"))

        let reopened = try await fixture.open(configuration)
        #expect(await reopened.segmentBaseOffsets == [0, 12, 24])
        #expect(await reopened.logEndOffset == 36)
        #expect(fixture.logs.all.contains { $0.message.contains("rebuilding") && $0.metadata["segment"] == "12" })
        #expect(!fixture.logs.all.contains { $0.message.contains("dropped") })
        // Same layout as segment 0's index: entries (4, 101) and (8, 202).
        #expect(
            try fixture.contents(fixture.path(segment: 12, suffix: ".index")) == [
                0, 0, 0, 4, 0, 0, 0, 101, 0, 0, 0, 8, 0, 0, 0, 202,
            ])
        #expect(
            try fixture.contents(fixture.path(segment: 0, suffix: ".index")) == [
                0, 0, 0, 4, 0, 0, 0, 101, 0, 0, 0, 8, 0, 0, 0, 202,
            ])
        await #expect {
            try await reopened.read(from: 17, maxBytes: 1 << 20)
        } throws: { error in
            guard case LogError.corruptData(_, position: 101, defect: .checksumMismatch) = error else { return false }
            return true
        }
        #expect(batchOffsets(in: try await reopened.read(from: 20, maxBytes: 1 << 20)) == [20...23])
        #expect(batchOffsets(in: try await reopened.read(from: 24, maxBytes: 1 << 20)) == [24...27, 28...31, 32...35])
    }
}
