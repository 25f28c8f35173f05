import NIOCore

/// The fixed 61-byte header of a Kafka RecordBatch v2, read at fixed big-endian offsets.
/// Records after the header are opaque to the log (they may be compressed).
package struct BatchHeader: Sendable, Equatable {
    /// Bytes of the header, from baseOffset to recordsCount.
    package static let size = 61
    /// baseOffset (8) and batchLength (4): the bytes before the part batchLength counts.
    package static let logOverhead = 12
    /// The smallest valid batchLength: a header with no records.
    package static let minimumBatchLength = size - logOverhead
    /// Where the CRC-32C's coverage starts (attributes); it runs to the end of the batch.
    package static let checksumStart = 21

    // Field offsets inside a batch (Kafka `DefaultRecordBatch`).
    static let baseOffsetField = 0
    static let batchLengthField = 8
    static let partitionLeaderEpochField = 12
    static let magicField = 16
    static let crcField = 17

    package var baseOffset: Int64
    package var batchLength: Int32
    package var partitionLeaderEpoch: Int32
    package var magic: Int8
    package var crc: UInt32
    package var attributes: Int16
    package var lastOffsetDelta: Int32
    package var baseTimestamp: Int64
    package var maxTimestamp: Int64
    package var producerId: Int64
    package var producerEpoch: Int16
    package var baseSequence: Int32
    package var recordsCount: Int32

    /// The header of the batch starting at `index` of `buffer`, or nil when fewer than 61 bytes are there.
    /// Nothing is validated.
    package init?(parsing buffer: ByteBuffer, at index: Int) {
        guard index >= 0, buffer.writerIndex - index >= Self.size,
            let baseOffset = buffer.getInteger(at: index, as: Int64.self),
            let batchLength = buffer.getInteger(at: index + 8, as: Int32.self),
            let partitionLeaderEpoch = buffer.getInteger(at: index + 12, as: Int32.self),
            let magic = buffer.getInteger(at: index + 16, as: Int8.self),
            let crc = buffer.getInteger(at: index + 17, as: UInt32.self),
            let attributes = buffer.getInteger(at: index + 21, as: Int16.self),
            let lastOffsetDelta = buffer.getInteger(at: index + 23, as: Int32.self),
            let baseTimestamp = buffer.getInteger(at: index + 27, as: Int64.self),
            let maxTimestamp = buffer.getInteger(at: index + 35, as: Int64.self),
            let producerId = buffer.getInteger(at: index + 43, as: Int64.self),
            let producerEpoch = buffer.getInteger(at: index + 51, as: Int16.self),
            let baseSequence = buffer.getInteger(at: index + 53, as: Int32.self),
            let recordsCount = buffer.getInteger(at: index + 57, as: Int32.self)
        else { return nil }
        self.baseOffset = baseOffset
        self.batchLength = batchLength
        self.partitionLeaderEpoch = partitionLeaderEpoch
        self.magic = magic
        self.crc = crc
        self.attributes = attributes
        self.lastOffsetDelta = lastOffsetDelta
        self.baseTimestamp = baseTimestamp
        self.maxTimestamp = maxTimestamp
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.baseSequence = baseSequence
        self.recordsCount = recordsCount
    }

    /// The whole batch's size in bytes, header included.
    package var totalSize: Int { Self.logOverhead + Int(batchLength) }

    /// The offset of the batch's last record. Wrapping: a baseOffset that rotted on disk (it is outside the
    /// CRC) must not trap; recovery rejects it because it is not the offset expected there.
    package var lastOffset: Int64 { baseOffset &+ Int64(lastOffsetDelta) }

    /// The offset after the batch.
    package var nextOffset: Int64 { lastOffset &+ 1 }

    /// Checks what the header alone can tell: length in `49...maximumSize - 12`, magic 2, deltas not negative.
    package func validate(maximumSize: Int) throws(BatchDefect) {
        guard batchLength >= Self.minimumBatchLength, Int(batchLength) <= maximumSize - Self.logOverhead else {
            throw .lengthOutOfRange(batchLength: batchLength, maximum: maximumSize - Self.logOverhead)
        }
        guard magic == 2 else { throw .unsupportedMagic(magic) }
        guard lastOffsetDelta >= 0 else { throw .invalidOffsetDelta(lastOffsetDelta) }
        guard recordsCount >= 0 else { throw .invalidOffsetDelta(recordsCount) }
    }
}
