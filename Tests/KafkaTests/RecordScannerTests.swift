import NIOCore
import Testing

@testable import Kafka

/// `forEachRecord` (records seen in place) against `records()` (records built), on the same batches.
@Suite struct RecordScannerTests {
    /// Every record seen in place, as a `Record` to compare (headers are skipped by the scanner).
    static func scanned(_ batch: RecordBatch, maxUncompressedBytes: Int = 64 << 20) throws -> [Record] {
        var out: [Record] = []
        try batch.forEachRecord(maxUncompressedBytes: maxUncompressedBytes) { record in
            out.append(
                Record(
                    timestampDelta: record.timestampDelta, offsetDelta: record.offsetDelta,
                    key: record.key.map { ByteBuffer(bytes: $0) }, value: record.value.map { ByteBuffer(bytes: $0) }))
        }
        return out
    }

    @Test(arguments: RecordCompression.allCases)
    func seesWhatRecordsBuilds(_ compression: RecordCompression) throws {
        var records = RecordBatchTests.records
        // Large deltas and values take multi-byte varints.
        records.append(
            Record(
                timestampDelta: 1 << 40, offsetDelta: 300, key: ByteBuffer(string: "big"),
                value: ByteBuffer(repeating: 0x7B, count: 70_000)))
        let batch = try RecordBatch(building: records, header: RecordBatchTests.header(compression))
        let built = try batch.records().map {
            Record(timestampDelta: $0.timestampDelta, offsetDelta: $0.offsetDelta, key: $0.key, value: $0.value)
        }
        #expect(try Self.scanned(batch) == built)
        #expect(try Self.scanned(batch).map(\.value) == records.map(\.value))
    }

    @Test func decompressionIsBounded() throws {
        let batch = try RecordBatch(
            building: [Record(value: ByteBuffer(repeating: 0x61, count: 100_000))],
            header: RecordBatchTests.header(.gzip))
        #expect(throws: WireError.self) { try Self.scanned(batch, maxUncompressedBytes: 10_000) }
    }

    @Test func lyingCountsAndLengthsAreErrors() throws {
        let batch = try RecordBatch(building: RecordBatchTests.records, header: RecordBatchTests.header(.none))
        func tampered(_ change: (inout ByteBuffer) -> Void) throws -> RecordBatch {
            var bytes = batch.bytes
            change(&bytes)
            bytes.setInteger(RecordBatch.computeCRC(of: bytes), at: 17)
            return try RecordBatch(validating: bytes)
        }
        // More records claimed than present; fewer (bytes left over after the first record, 11 bytes).
        #expect(throws: WireError.truncated) { try Self.scanned(try tampered { $0.setInteger(Int32(4), at: 57) }) }
        #expect(throws: WireError.trailingBytes(batch.bytes.readableBytes - 61 - 11)) {
            try Self.scanned(try tampered { $0.setInteger(Int32(1), at: 57) })
        }
        // The first record's length (varint 10 → 0x14) made negative, then longer than it is.
        #expect(throws: WireError.invalidLength(-1)) {
            try Self.scanned(try tampered { $0.setInteger(UInt8(0x01), at: 61) })
        }
        #expect(throws: WireError.trailingBytes(2)) {
            try Self.scanned(try tampered { $0.setInteger(UInt8(0x18), at: 61) })
        }
        // A negative key length other than -1.
        #expect(throws: WireError.invalidLength(-2)) {
            try Self.scanned(try tampered { $0.setInteger(UInt8(0x03), at: 65) })
        }
    }

    @Test func fetchedBatchesSkipRecordsBeforeTheFetchOffset() throws {
        var first = RecordBatchTests.header(.lz4)
        first.baseOffset = 100
        var second = RecordBatchTests.header(.none)
        second.baseOffset = 103
        let values = (0..<6).map { ByteBuffer(string: "v\($0)") }
        var field = try RecordBatch(
            building: values[0..<3].enumerated().map { Record(offsetDelta: Int32($0.offset), value: $0.element) },
            header: first
        ).bytes
        var tail = try RecordBatch(
            building: values[3..<6].enumerated().map { Record(offsetDelta: Int32($0.offset), value: $0.element) },
            header: second
        ).bytes
        field.writeBuffer(&tail)
        // A partial batch at the end of a fetch is left for the next one.
        field.writeBytes([0, 0, 0, 0, 0, 0, 0, 106, 0, 0, 0, 90])
        let partition = TopicPartition(topic: "t", partition: 1)
        let fetched = try FetchedBatches(field, partition: partition, fetchOffset: 101)
        #expect(fetched.batches.count == 2)
        #expect(fetched.nextOffset == 106)
        var seen: [(Int64, String)] = []
        try fetched.forEachRecord { offset, record in
            seen.append(
                (offset, String(decoding: record.value ?? UnsafeRawBufferPointer(start: nil, count: 0), as: UTF8.self)))
        }
        #expect(seen.map(\.0) == [101, 102, 103, 104, 105])
        #expect(seen.map(\.1) == ["v1", "v2", "v3", "v4", "v5"])
        // The same bytes decoded the other way agree.
        let decoded = try FetchedRecords.decode(field, partition: partition, fetchOffset: 101)
        #expect(decoded.records.map(\.offset) == seen.map(\.0))
        #expect(decoded.nextOffset == fetched.nextOffset)
    }
}
