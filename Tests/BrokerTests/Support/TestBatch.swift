import NIOCore
import Storage

/// Builds RecordBatch v2 bytes for tests: a valid header and CRC-32C over opaque record bytes
/// (the log never looks inside records).
enum TestBatch {
    /// One batch of `records` records with `recordBytes` opaque bytes of `fill`, the given timestamps and a
    /// client-side baseOffset of 0 (the log assigns the real one).
    static func make(
        records: Int = 3, maxTimestamp: Int64 = 1_700_000_000_000, baseTimestamp: Int64? = nil,
        recordBytes: Int = 40, fill: UInt8 = 0xAB, baseOffset: Int64 = 0, magic: Int8 = 2
    ) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(baseOffset)
        buffer.writeInteger(Int32(49 + recordBytes))  // batchLength: bytes after this field
        buffer.writeInteger(Int32(-1))  // partitionLeaderEpoch, as a producer sends it
        buffer.writeInteger(magic)
        buffer.writeInteger(UInt32(0))  // crc, set below
        buffer.writeInteger(Int16(0))  // attributes
        buffer.writeInteger(Int32(records - 1))  // lastOffsetDelta
        buffer.writeInteger(baseTimestamp ?? maxTimestamp)
        buffer.writeInteger(maxTimestamp)
        buffer.writeInteger(Int64(-1))  // producerId
        buffer.writeInteger(Int16(-1))  // producerEpoch
        buffer.writeInteger(Int32(-1))  // baseSequence
        buffer.writeInteger(Int32(records))
        buffer.writeRepeatingByte(fill, count: recordBytes)
        let crc = buffer.withUnsafeReadableBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[21...])) }
        buffer.setInteger(crc, at: 17)
        return buffer
    }

    /// The size in bytes of a batch made with `recordBytes` record bytes.
    static func size(recordBytes: Int = 40) -> Int { 61 + recordBytes }

    /// Several batches back to back in one buffer.
    static func concatenate(_ batches: [ByteBuffer]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for var batch in batches { buffer.writeBuffer(&batch) }
        return buffer
    }
}

/// The batches in `buffer`, as (baseOffset, lastOffset) pairs, read from their headers.
func batchOffsets(in buffer: ByteBuffer) -> [ClosedRange<Int64>] {
    var ranges: [ClosedRange<Int64>] = []
    var index = buffer.readerIndex
    while let base = buffer.getInteger(at: index, as: Int64.self),
        let length = buffer.getInteger(at: index + 8, as: Int32.self),
        let delta = buffer.getInteger(at: index + 23, as: Int32.self)
    {
        ranges.append(base...(base + Int64(delta)))
        index += 12 + Int(length)
    }
    return ranges
}
