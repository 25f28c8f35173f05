import Foundation
import NIOCore
import Testing

@testable import Broker

@Suite("PartitionLog: append, read, indexes, roll")
struct PartitionLogTests {
    static let now: Int64 = 1_700_000_000_000

    @Test("append assigns consecutive offsets and stores the bytes verbatim apart from baseOffset and epoch")
    func appendAssignsOffsets() async throws {
        let fixture = try LogFixture()
        let log = try await fixture.open()
        let first = try await log.append(batches: TestBatch.make(records: 3), now: Self.now)
        let second = try await log.append(
            batches: TestBatch.concatenate([TestBatch.make(records: 2), TestBatch.make(records: 4, fill: 0x11)]),
            now: Self.now, leaderEpoch: 5)
        #expect(first == LogAppendInfo(baseOffset: 0, lastOffset: 2, batchCount: 1, byteCount: 101))
        #expect(second == LogAppendInfo(baseOffset: 3, lastOffset: 8, batchCount: 2, byteCount: 202))
        #expect(await log.logEndOffset == 9)
        #expect(await log.highWatermark == 9)

        let all = try await log.read(from: 0, maxBytes: 1 << 20)
        #expect(batchOffsets(in: all) == [0...2, 3...4, 5...8])
        // The third batch comes back byte for byte, except baseOffset (5) and partitionLeaderEpoch (5).
        var expected = TestBatch.make(records: 4, fill: 0x11)
        expected.setInteger(Int64(5), at: 0)
        expected.setInteger(Int32(5), at: 12)
        #expect(all.getSlice(at: 202, length: 101) == expected)
        #expect(try StoredBatch(validating: all.getSlice(at: 202, length: 101)!).header.partitionLeaderEpoch == 5)
    }

    @Test("a read from the middle of a batch returns the whole batch; at the end, nothing")
    func readFromMiddle() async throws {
        let fixture = try LogFixture()
        let log = try await fixture.open()
        for _ in 0..<4 { _ = try await log.append(batches: TestBatch.make(records: 10), now: Self.now) }
        #expect(batchOffsets(in: try await log.read(from: 17, maxBytes: 1)) == [10...19])
        #expect(batchOffsets(in: try await log.read(from: 39, maxBytes: 1)) == [30...39])
        #expect(try await log.read(from: 40, maxBytes: 1000).readableBytes == 0)
        await #expect(throws: LogError.offsetOutOfRange(requested: 41, logStart: 0, logEnd: 40)) {
            try await log.read(from: 41, maxBytes: 1000)
        }
    }

    @Test("maxBytes bounds a read to whole batches, but one batch always comes back")
    func maxBytesHonoured() async throws {
        let fixture = try LogFixture()
        let log = try await fixture.open()
        for _ in 0..<5 { _ = try await log.append(batches: TestBatch.make(records: 1, recordBytes: 39), now: Self.now) }
        // Each batch is 100 bytes.
        #expect(batchOffsets(in: try await log.read(from: 0, maxBytes: 299)) == [0...0, 1...1])
        #expect(batchOffsets(in: try await log.read(from: 1, maxBytes: 300)) == [1...1, 2...2, 3...3])
        #expect(batchOffsets(in: try await log.read(from: 2, maxBytes: 10)) == [2...2])
        #expect(try await log.read(from: 2, maxBytes: 10).readableBytes == 100)
        #expect(batchOffsets(in: try await log.read(from: 2, maxBytes: 0)) == [2...2])
    }

    @Test("an append with one invalid batch writes nothing")
    func invalidBatchRejected() async throws {
        let fixture = try LogFixture()
        let log = try await fixture.open()
        var bad = TestBatch.make()
        bad.setInteger(UInt8(0), at: 70)
        let request = TestBatch.concatenate([TestBatch.make(), bad])
        await #expect {
            try await log.append(batches: request, now: Self.now)
        } throws: { error in
            guard case LogError.invalidBatch(index: 1, defect: .checksumMismatch) = error else { return false }
            return true
        }
        await #expect(throws: LogError.invalidBatch(index: 0, defect: .empty)) {
            try await log.append(batches: ByteBuffer(), now: Self.now)
        }
        var tooLarge = LogFixture.configuration()
        tooLarge.maxBatchBytes = 100
        #expect(await log.logEndOffset == 0)
        #expect(await log.sizeInBytes == 0)
        try await log.close()

        let strict = try await fixture.open(tooLarge)
        await #expect(throws: LogError.invalidBatch(index: 0, defect: .lengthOutOfRange(batchLength: 89, maximum: 88)))
        {
            try await strict.append(batches: TestBatch.make(recordBytes: 40), now: Self.now)
        }
    }

    @Test("every offset of 600 batches over many segments is found through the indexes")
    func indexLookupAcrossSegments() async throws {
        let fixture = try LogFixture()
        // Batches of 1 to 7 records and 61 + 10...69 bytes; 2 KiB segments; an index entry every 200 bytes.
        let log = try await fixture.open(LogFixture.configuration(segmentBytes: 2048, indexIntervalBytes: 200))
        var ranges: [ClosedRange<Int64>] = []
        var index = 0
        while index < 600 {
            // Appends of one to three batches, so index entries also fall inside a multi-batch append.
            let batches = (index..<min(index + 1 + index % 3, 600)).map { index in
                TestBatch.make(records: 1 + index % 7, recordBytes: 10 + index % 60, fill: UInt8(index % 256))
            }
            let info = try await log.append(batches: TestBatch.concatenate(batches), now: Self.now)
            var next = info.baseOffset
            for batch in batches {
                let last = next + Int64(batch.getInteger(at: 23, as: Int32.self) ?? 0)
                ranges.append(next...last)
                next = last + 1
            }
            #expect(next == info.lastOffset + 1)
            index += batches.count
        }
        let segments = await log.segmentBaseOffsets
        #expect(segments.count > 20)
        #expect(segments.first == 0)
        // Every segment's index has entries, so the lookups below go through them.
        let indexBytes = try fixture.contents(fixture.path(segment: segments[3], suffix: ".index"))
        #expect(indexBytes.count >= 8 * 5)
        for range in ranges {
            for offset in [range.lowerBound, range.upperBound, (range.lowerBound + range.upperBound) / 2] {
                let batches = batchOffsets(in: try await log.read(from: offset, maxBytes: 1))
                #expect(batches == [range], "offset \(offset)")
            }
        }
        // A read never crosses a segment: from a segment's first offset, it ends before the next one.
        let fromSecond = batchOffsets(in: try await log.read(from: segments[1], maxBytes: 1 << 20))
        #expect(fromSecond.first?.lowerBound == segments[1])
        #expect(fromSecond.last.map { $0.upperBound + 1 } == segments[2])
    }

    @Test("segments roll by size: a batch that would overflow the active segment starts a new one")
    func rollBySize() async throws {
        let fixture = try LogFixture()
        // 101-byte batches of 3 records; 350-byte segments hold 3.
        let log = try await fixture.open(LogFixture.configuration(segmentBytes: 350))
        for _ in 0..<10 { _ = try await log.append(batches: TestBatch.make(records: 3), now: Self.now) }
        #expect(await log.segmentBaseOffsets == [0, 9, 18, 27])
        // A batch larger than a segment still goes in, alone.
        _ = try await log.append(batches: TestBatch.make(records: 1, recordBytes: 400), now: Self.now)
        _ = try await log.append(batches: TestBatch.make(records: 1), now: Self.now)
        #expect(await log.segmentBaseOffsets == [0, 9, 18, 27, 30, 31])
        for base: Int64 in [0, 9, 18, 27, 30, 31] {
            #expect(FileManager.default.fileExists(atPath: fixture.path(segment: base, suffix: ".log")))
        }
    }

    @Test(
        "segments roll by age as Kafka measures it: first batch's timestamp to the incoming batch's, else append times"
    )
    func rollByAge() async throws {
        let fixture = try LogFixture()
        var configuration = LogFixture.configuration()
        configuration.segmentMilliseconds = 1000
        let log = try await fixture.open(configuration)
        let t = Self.now
        _ = try await log.append(batches: TestBatch.make(records: 1, maxTimestamp: t), now: t)
        _ = try await log.append(batches: TestBatch.make(records: 1, maxTimestamp: t + 999), now: t + 999)
        #expect(await log.segmentBaseOffsets == [0])
        _ = try await log.append(batches: TestBatch.make(records: 1, maxTimestamp: t + 1000), now: t + 1000)
        #expect(await log.segmentBaseOffsets == [0, 2])
        _ = try await log.append(batches: TestBatch.make(records: 1, maxTimestamp: t + 1001), now: t + 1001)
        #expect(await log.segmentBaseOffsets == [0, 2])
        // The wall clock does not count while batches carry timestamps: 500 ms of records (t + 1000 to
        // t + 1500) appended an hour later stay in the segment; a batch 1000 ms after its first one rolls it.
        _ = try await log.append(batches: TestBatch.make(records: 1, maxTimestamp: t + 1500), now: t + 3_600_000)
        #expect(await log.segmentBaseOffsets == [0, 2])
        _ = try await log.append(batches: TestBatch.make(records: 1, maxTimestamp: t + 2000), now: t + 3_600_001)
        #expect(await log.segmentBaseOffsets == [0, 2, 5])
        // A batch without timestamps (-1) in a segment whose first batch has one is no later than it: no roll.
        _ = try await log.append(batches: TestBatch.make(records: 1, maxTimestamp: -1), now: t + 7_200_000)
        #expect(await log.segmentBaseOffsets == [0, 2, 5])
        _ = try await log.append(batches: TestBatch.make(records: 1, maxTimestamp: t + 3000), now: t + 7_200_000)
        #expect(await log.segmentBaseOffsets == [0, 2, 5, 7])

        // A segment that starts without timestamps ages by the wall clock, from its first append.
        let untimedFixture = try LogFixture()
        let untimed = try await untimedFixture.open(configuration)
        _ = try await untimed.append(batches: TestBatch.make(records: 1, maxTimestamp: -1), now: t)
        _ = try await untimed.append(batches: TestBatch.make(records: 1, maxTimestamp: t - 86_400_000), now: t + 999)
        #expect(await untimed.segmentBaseOffsets == [0])
        _ = try await untimed.append(batches: TestBatch.make(records: 1, maxTimestamp: -1), now: t + 1000)
        #expect(await untimed.segmentBaseOffsets == [0, 2])
    }

    @Test("a log of old records replayed today rolls by size, not at every append")
    func oldRecordsDoNotRollByAge() async throws {
        let fixture = try LogFixture()
        let log = try await fixture.open(LogFixture.configuration())
        let wallClock = Self.now + 365 * 86_400_000
        for index in 0..<50 {
            let timestamp = Self.now + Int64(index) * 100
            _ = try await log.append(batches: TestBatch.make(records: 1, maxTimestamp: timestamp), now: wallClock)
        }
        #expect(await log.segmentBaseOffsets == [0])
    }
}

@Suite("PartitionLog: concurrency, configuration, metrics")
struct PartitionLogServiceTests {
    static let now: Int64 = 1_700_000_000_000

    @Test("concurrent appends from many tasks get distinct, contiguous offsets")
    func concurrentAppends() async throws {
        let fixture = try LogFixture()
        let log = try await fixture.open(LogFixture.configuration(segmentBytes: 4096))
        let infos = try await withThrowingTaskGroup(of: [LogAppendInfo].self) { group in
            for task in 0..<8 {
                group.addTask {
                    var infos: [LogAppendInfo] = []
                    for index in 0..<40 {
                        let records = 1 + (task + index) % 5
                        infos.append(
                            try await log.append(
                                batches: TestBatch.make(records: records, fill: UInt8(task)), now: Self.now))
                    }
                    return infos
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let sorted = infos.sorted { $0.baseOffset < $1.baseOffset }
        var next: Int64 = 0
        for info in sorted {
            #expect(info.baseOffset == next)
            next = info.lastOffset + 1
        }
        #expect(await log.logEndOffset == next)
        var read: [ClosedRange<Int64>] = []
        var offset: Int64 = 0
        while offset < next {
            let batches = batchOffsets(in: try await log.read(from: offset, maxBytes: 1 << 20))
            read += batches
            offset = try #require(batches.last).upperBound + 1
        }
        #expect(read == sorted.map { $0.baseOffset...$0.lastOffset })
    }

    @Test("an out-of-range configuration is refused before anything is opened")
    func invalidConfiguration() async throws {
        let fixture = try LogFixture()
        var configuration = LogConfiguration()
        configuration.segmentBytes = Int(Int32.max) + 1
        await #expect(throws: LogError.invalidConfiguration("segmentBytes 2147483648 outside 61...2147483647")) {
            try await fixture.open(configuration)
        }
        configuration = LogConfiguration()
        configuration.fsyncPolicy = .interval(milliseconds: 0)
        await #expect(throws: LogError.invalidConfiguration("fsync interval must be positive")) {
            try await fixture.open(configuration)
        }
        #expect(throws: Never.self) { try LogConfiguration().validate() }
        #expect(LogConfiguration().fsyncPolicy == .interval(milliseconds: 1000))
        #expect(LogConfiguration().segmentBytes == 1 << 30)
        #expect(LogConfiguration().retentionBytes == nil)
    }
}
