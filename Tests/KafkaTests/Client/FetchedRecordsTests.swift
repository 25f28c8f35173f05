import NIOCore
import Testing

@testable import Kafka

@Suite struct FetchedRecordsTests {
    let partition = TopicPartition(topic: "t", partition: 2)

    /// A stored batch of `count` records starting at `baseOffset`, values "v<offset>".
    func batch(baseOffset: Int64, count: Int, compression: RecordCompression = .none, control: Bool = false) throws
        -> ByteBuffer
    {
        var header = RecordBatchHeader()
        header.baseTimestamp = 1_000
        header.attributes = RecordBatchAttributes(compression: compression, isControl: control)
        let records = (0..<count).map { index in
            Record(
                timestampDelta: Int64(index), offsetDelta: Int32(index),
                value: ByteBuffer(string: "v\(baseOffset + Int64(index))"))
        }
        var built = try RecordBatch(building: records, header: header)
        built.setBaseOffset(baseOffset)
        return built.bytes
    }

    @Test(arguments: RecordCompression.allCases)
    func recordsBelowTheFetchOffsetAreSkipped(compression: RecordCompression) throws {
        var bytes = try batch(baseOffset: 0, count: 10, compression: compression)
        var second = try batch(baseOffset: 10, count: 10, compression: compression)
        bytes.writeBuffer(&second)
        let decoded = try FetchedRecords.decode(bytes, partition: partition, fetchOffset: 13)
        #expect(decoded.records.map(\.offset) == Array(13..<20))
        #expect(decoded.records.first.flatMap { text($0.value) } == "v13")
        #expect(decoded.records.first?.timestamp == 1_003)
        #expect(decoded.records.allSatisfy { $0.partition == 2 && $0.topic == "t" })
        #expect(decoded.nextOffset == 20)
    }

    @Test func aPartialTailBatchIsLeftForTheNextFetch() throws {
        var bytes = try batch(baseOffset: 5, count: 3)
        let tail = try batch(baseOffset: 8, count: 3)
        bytes.writeImmutableBuffer(tail.getSlice(at: tail.readerIndex, length: tail.readableBytes - 4) ?? ByteBuffer())
        let decoded = try FetchedRecords.decode(bytes, partition: partition, fetchOffset: 5)
        #expect(decoded.records.map(\.offset) == [5, 6, 7])
        #expect(decoded.nextOffset == 8)
    }

    @Test func controlBatchesAdvanceWithoutRecords() throws {
        let bytes = try batch(baseOffset: 0, count: 1, control: true)
        let decoded = try FetchedRecords.decode(bytes, partition: partition, fetchOffset: 0)
        #expect(decoded.records.isEmpty)
        #expect(decoded.nextOffset == 1)
    }

    @Test func aCorruptBatchIsAnError() throws {
        var bytes = try batch(baseOffset: 0, count: 2)
        let last = bytes.writerIndex - 1
        bytes.setInteger((bytes.getInteger(at: last, as: UInt8.self) ?? 0) ^ 0xFF, at: last)
        #expect(throws: WireError.self) { try FetchedRecords.decode(bytes, partition: partition, fetchOffset: 0) }
    }
}
