import NIOCore

/// The fixed 61-byte header of a RecordBatch v2 (docs/implementation.html, "Record Batch").
package struct RecordBatchHeader: Sendable, Equatable {
    /// Bytes in the header.
    package static let size = 61
    /// Bytes before `batchLength` counts: baseOffset and batchLength themselves.
    package static let lengthPrefixSize = 12
    /// Offset of the magic byte; legacy message sets (magic 0 and 1) have theirs at the same place.
    package static let magicOffset = 16
    /// Offset of the CRC field.
    package static let crcOffset = 17
    /// Offset of the attributes, where the CRC-32C starts.
    package static let attributesOffset = 21

    /// Offset of the first record; the broker rewrites it on append (it is outside the CRC).
    package var baseOffset: Int64 = 0
    /// Bytes after this field, to the end of the batch.
    package var batchLength: Int32 = Int32(RecordBatchHeader.size - RecordBatchHeader.lengthPrefixSize)
    /// The leader epoch the broker appended the batch in; -1 from producers.
    package var partitionLeaderEpoch: Int32 = -1
    /// The format version; 2 for every batch this module accepts.
    package var magic: Int8 = 2
    /// CRC-32C of the bytes from `attributes` to the end of the batch.
    package var crc: UInt32 = 0
    /// Codec, timestamp type, transactional and control flags.
    package var attributes = RecordBatchAttributes()
    /// Offset of the last record minus `baseOffset`.
    package var lastOffsetDelta: Int32 = -1
    /// Timestamp of the first record; records carry deltas from it.
    package var baseTimestamp: Int64 = -1
    /// The largest timestamp in the batch.
    package var maxTimestamp: Int64 = -1
    /// The idempotent producer's id, or -1.
    package var producerId: Int64 = -1
    /// The idempotent producer's epoch, or -1.
    package var producerEpoch: Int16 = -1
    /// The sequence number of the first record for idempotence, or -1.
    package var baseSequence: Int32 = -1
    /// How many records follow.
    package var recordsCount: Int32 = 0

    package init() {}

    /// Reads the header at the start of `buffer` without moving its reader index and without
    /// checking the CRC. Throws `.unsupportedMagic` for magic 0/1 message sets.
    package init(peekingAt buffer: ByteBuffer) throws(WireError) {
        let start = buffer.readerIndex
        guard buffer.readableBytes > Self.magicOffset,
            let magic = buffer.getInteger(at: start + Self.magicOffset, as: Int8.self)
        else { throw .truncated }
        guard magic == 2 else { throw .unsupportedMagic(magic) }
        var view = buffer
        guard view.readableBytes >= Self.size else { throw .truncated }
        baseOffset = try view.readKafkaInteger()
        batchLength = try view.readKafkaInteger()
        partitionLeaderEpoch = try view.readKafkaInteger()
        self.magic = try view.readKafkaInteger()
        crc = try view.readKafkaInteger()
        attributes = RecordBatchAttributes(rawValue: try view.readKafkaInteger())
        lastOffsetDelta = try view.readKafkaInteger()
        baseTimestamp = try view.readKafkaInteger()
        maxTimestamp = try view.readKafkaInteger()
        producerId = try view.readKafkaInteger()
        producerEpoch = try view.readKafkaInteger()
        baseSequence = try view.readKafkaInteger()
        recordsCount = try view.readKafkaInteger()
    }

    /// Writes the 61 header bytes.
    package func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(baseOffset)
        buffer.writeInteger(batchLength)
        buffer.writeInteger(partitionLeaderEpoch)
        buffer.writeInteger(magic)
        buffer.writeInteger(crc)
        buffer.writeInteger(attributes.rawValue)
        buffer.writeInteger(lastOffsetDelta)
        buffer.writeInteger(baseTimestamp)
        buffer.writeInteger(maxTimestamp)
        buffer.writeInteger(producerId)
        buffer.writeInteger(producerEpoch)
        buffer.writeInteger(baseSequence)
        buffer.writeInteger(recordsCount)
    }

    /// Total bytes of the batch: the length prefix plus `batchLength`.
    package var totalSize: Int { Self.lengthPrefixSize + Int(batchLength) }

    /// The offset of the last record.
    package var lastOffset: Int64 { baseOffset + Int64(lastOffsetDelta) }
}
