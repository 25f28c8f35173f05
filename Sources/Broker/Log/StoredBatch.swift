import NIOCore
import Storage

/// A view of one RecordBatch v2 held verbatim in a `ByteBuffer`: the header fields the log needs,
/// validation (length, magic, CRC-32C) and the two rewrites outside the CRC (baseOffset, partitionLeaderEpoch).
package struct StoredBatch: Sendable {
    /// The batch's parsed header.
    package private(set) var header: BatchHeader
    /// Exactly the batch's bytes.
    package private(set) var bytes: ByteBuffer

    /// The batch that starts at the reader index of `buffer`, validated: at most `maximumSize` bytes,
    /// all of them present, magic 2, and a CRC-32C that matches.
    package init(validating buffer: ByteBuffer, maximumSize: Int = Int(Int32.max)) throws(BatchDefect) {
        let available = buffer.readableBytes
        guard let header = BatchHeader(parsing: buffer, at: buffer.readerIndex) else {
            throw .truncated(available: available, needed: BatchHeader.size)
        }
        try header.validate(maximumSize: maximumSize)
        guard let bytes = buffer.getSlice(at: buffer.readerIndex, length: header.totalSize) else {
            throw .truncated(available: available, needed: header.totalSize)
        }
        let computed = Self.checksum(of: bytes)
        guard computed == header.crc else { throw .checksumMismatch(stored: header.crc, computed: computed) }
        self.header = header
        self.bytes = bytes
    }

    /// The CRC-32C the batch in `bytes` should carry: over attributes to the end of the batch.
    package static func checksum(of bytes: ByteBuffer) -> UInt32 {
        bytes.withUnsafeReadableBytes { raw in
            guard raw.count > BatchHeader.checksumStart else { return 0 }
            return CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[BatchHeader.checksumStart...]))
        }
    }

    package var baseOffset: Int64 { header.baseOffset }
    package var lastOffset: Int64 { header.lastOffset }
    package var maxTimestamp: Int64 { header.maxTimestamp }
    package var size: Int { bytes.readableBytes }

    /// Rewrites baseOffset, which the CRC does not cover.
    package mutating func setBaseOffset(_ offset: Int64) {
        bytes.setInteger(offset, at: bytes.readerIndex + BatchHeader.baseOffsetField)
        header.baseOffset = offset
    }

    /// Rewrites partitionLeaderEpoch, which the CRC does not cover.
    package mutating func setPartitionLeaderEpoch(_ epoch: Int32) {
        bytes.setInteger(epoch, at: bytes.readerIndex + BatchHeader.partitionLeaderEpochField)
        header.partitionLeaderEpoch = epoch
    }
}
