import NIOCore
import Testing

@testable import Kafka

@Suite struct RecordBatchTests {
    static let records: [Record] = [
        Record(timestampDelta: 0, offsetDelta: 0, key: ByteBuffer(string: "k1"), value: ByteBuffer(string: "v1")),
        Record(
            timestampDelta: 5, offsetDelta: 1, key: nil,
            value: ByteBuffer(string: String(repeating: "abc", count: 200)),
            headers: [
                RecordHeader(key: "h", value: ByteBuffer(string: "x")), RecordHeader(key: "é", value: nil),
            ]),
        Record(timestampDelta: -3, offsetDelta: 2, key: ByteBuffer(), value: nil),
    ]

    static func header(_ compression: RecordCompression) -> RecordBatchHeader {
        var header = RecordBatchHeader()
        header.baseOffset = 0
        header.baseTimestamp = 1_700_000_000_000
        header.attributes = RecordBatchAttributes(compression: compression)
        header.producerId = 42
        header.producerEpoch = 1
        header.baseSequence = 7
        return header
    }

    @Test(arguments: RecordCompression.allCases)
    func buildAndParseWithEveryCodec(_ compression: RecordCompression) throws {
        let batch = try RecordBatch(building: Self.records, header: Self.header(compression))
        let parsed = try RecordBatch(validating: batch.bytes)
        #expect(parsed.header == batch.header)
        #expect(parsed.header.attributes.compression == compression)
        #expect(parsed.header.recordsCount == 3)
        #expect(parsed.header.lastOffsetDelta == 2)
        #expect(parsed.header.maxTimestamp == 1_700_000_000_005)
        #expect(parsed.header.crc == RecordBatch.computeCRC(of: batch.bytes))
        #expect(try parsed.records() == Self.records)
    }

    @Test func headerLayoutIsByteExact() throws {
        let batch = try RecordBatch(building: [Record(value: ByteBuffer(string: "a"))], header: Self.header(.none))
        let bytes = batch.bytes.bytes
        #expect(bytes.count == 61 + 8)
        #expect(Array(bytes[8..<12]) == [0, 0, 0, 57])  // batchLength = total - 12
        #expect(bytes[16] == 2)  // magic
        // Record: length 7, attributes 0, timestampDelta 0, offsetDelta 0, key -1, value 1 "a", 0 headers.
        #expect(Array(bytes[61...]) == [0x0E, 0x00, 0x00, 0x00, 0x01, 0x02, 0x61, 0x00])
    }

    @Test func flippedByteIsACRCError() throws {
        let batch = try RecordBatch(building: Self.records, header: Self.header(.none))
        for index in [21, 30, 61, batch.bytes.readableBytes - 1] {
            var corrupted = batch.bytes
            let byte = try #require(corrupted.getInteger(at: index, as: UInt8.self))
            corrupted.setInteger(byte ^ 0x01, at: index)
            #expect(
                throws: WireError.crcMismatch(expected: batch.header.crc, actual: RecordBatch.computeCRC(of: corrupted))
            ) {
                try RecordBatch(validating: corrupted)
            }
        }
    }

    @Test func baseOffsetRewriteKeepsTheCRCValid() throws {
        var batch = try RecordBatch(building: Self.records, header: Self.header(.zstd))
        batch.setBaseOffset(1_234_567)
        batch.setPartitionLeaderEpoch(3)
        let parsed = try RecordBatch(validating: batch.bytes)
        #expect(parsed.header.baseOffset == 1_234_567)
        #expect(parsed.header.partitionLeaderEpoch == 3)
        #expect(parsed.header.lastOffset == 1_234_569)
    }

    @Test func splitsRecordsFieldWithoutCopying() throws {
        let first = try RecordBatch(building: Self.records, header: Self.header(.none))
        var second = try RecordBatch(building: Self.records, header: Self.header(.lz4))
        second.setBaseOffset(3)
        var field = ByteBuffer()
        field.writeImmutableBuffer(first.bytes)
        field.writeImmutableBuffer(second.bytes)
        let batches = try RecordBatchReader.batches(in: field)
        #expect(batches.map(\.header.baseOffset) == [0, 3])
        #expect(batches[1].bytes == second.bytes)

        // A fetch response may end inside a batch.
        var partial = field
        partial.moveWriterIndex(to: partial.writerIndex - 10)
        #expect(try RecordBatchReader.batches(in: partial, allowPartialTail: true).count == 1)
        #expect(throws: WireError.truncated) { try RecordBatchReader.batches(in: partial) }
    }

    @Test(arguments: [Int8(0), 1])
    func legacyMessageSetsAreRejected(magic: Int8) throws {
        // offset, message size, crc, magic, attributes, (timestamp), key, value: the magic sits at byte 16.
        var legacy = ByteBuffer()
        legacy.writeInteger(Int64(0))
        legacy.writeInteger(Int32(magic == 0 ? 14 : 22))
        legacy.writeInteger(UInt32(0))
        legacy.writeInteger(magic)
        legacy.writeInteger(Int8(0))
        if magic == 1 { legacy.writeInteger(Int64(0)) }
        legacy.writeInteger(Int32(-1))
        legacy.writeInteger(Int32(0))
        #expect(throws: WireError.unsupportedMagic(magic)) { try RecordBatchReader.batches(in: legacy) }
        #expect(throws: WireError.unsupportedMagic(magic)) { try RecordBatch(validating: legacy) }
    }

    @Test func decompressionIsBounded() throws {
        let big = Record(value: ByteBuffer(repeating: 0x61, count: 100_000))
        let batch = try RecordBatch(building: [big], header: Self.header(.gzip))
        #expect(batch.bytes.readableBytes < 2_000)
        #expect(throws: WireError.self) { try batch.records(maxUncompressedBytes: 10_000) }
        #expect(try batch.records().first?.value?.readableBytes == 100_000)
    }

    @Test func lyingRecordCountIsRejected() throws {
        var header = Self.header(.none)
        header.attributes = RecordBatchAttributes(compression: .none)
        let batch = try RecordBatch(building: Self.records, header: header)
        var bytes = batch.bytes
        bytes.setInteger(Int32.max, at: 57)
        bytes.setInteger(RecordBatch.computeCRC(of: bytes), at: 17)
        let tampered = try RecordBatch(validating: bytes)
        #expect(throws: WireError.tooLarge(length: Int64(Int32.max), limit: Int64((bytes.readableBytes - 61) / 7))) {
            try tampered.records()
        }
    }

    @Test func attributesBits() {
        var attributes = RecordBatchAttributes(rawValue: 0x0033)
        #expect(attributes.compression == .lz4)
        #expect(!attributes.logAppendTime)
        #expect(attributes.isTransactional)
        #expect(attributes.isControl)
        attributes.logAppendTime = true
        #expect(attributes.rawValue == 0x003B)
        #expect(RecordBatchAttributes(rawValue: 6).compression == nil)
    }
}
