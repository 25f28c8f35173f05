import NIOCore
import Storage

/// One RecordBatch v2, kept as its verbatim bytes (a slice of the records field it came from)
/// with its parsed header. Validated on creation: length, magic 2 and CRC-32C.
package struct RecordBatch: Sendable, Equatable {
    /// The parsed header, kept in step with `bytes`.
    package private(set) var header: RecordBatchHeader
    /// The whole batch, header included, exactly as it is stored and sent.
    package private(set) var bytes: ByteBuffer

    /// Validates one complete batch: `bytes` must hold exactly `header.totalSize` bytes.
    package init(validating bytes: ByteBuffer) throws(WireError) {
        let header = try RecordBatchHeader(peekingAt: bytes)
        guard header.batchLength >= Int32(RecordBatchHeader.size - RecordBatchHeader.lengthPrefixSize) else {
            throw .invalidLength(Int64(header.batchLength))
        }
        guard bytes.readableBytes == header.totalSize else {
            throw bytes.readableBytes < header.totalSize
                ? .truncated : .trailingBytes(bytes.readableBytes - header.totalSize)
        }
        let actual = Self.computeCRC(of: bytes)
        guard actual == header.crc else { throw .crcMismatch(expected: header.crc, actual: actual) }
        guard header.attributes.compression != nil else { throw .unknownCompression(header.attributes.compressionBits) }
        self.header = header
        self.bytes = bytes
    }

    /// Builds a batch of `records` (their offset and timestamp deltas as given) with `header`'s
    /// fields; batchLength, crc, lastOffsetDelta, maxTimestamp and recordsCount are computed.
    /// Compression (the codec in `header.attributes`) covers the records only. With `keepingSpan`,
    /// lastOffsetDelta and maxTimestamp are the template's: a compacted batch, some of its records
    /// removed, still covers the offsets and times it did.
    package init(building records: [Record], header template: RecordBatchHeader, keepingSpan: Bool = false)
        throws(WireError)
    {
        var header = template
        header.magic = 2
        header.recordsCount = Int32(records.count)
        if !keepingSpan {
            header.lastOffsetDelta = records.map(\.offsetDelta).max() ?? 0
            if let maxDelta = records.map(\.timestampDelta).max() {
                header.maxTimestamp = header.baseTimestamp + maxDelta
            } else {
                header.maxTimestamp = header.baseTimestamp
            }
        }
        var plain = ByteBuffer()
        for record in records { record.encode(into: &plain) }
        guard let compression = header.attributes.compression else {
            throw .unknownCompression(header.attributes.compressionBits)
        }
        var body: ByteBuffer
        if let codec = compression.makeCodec() {
            do { body = try codec.compress(plain) } catch { throw .compression(error) }
        } else {
            body = plain
        }
        header.batchLength = Int32(RecordBatchHeader.size - RecordBatchHeader.lengthPrefixSize + body.readableBytes)
        var bytes = ByteBuffer()
        bytes.reserveCapacity(RecordBatchHeader.size + body.readableBytes)
        header.encode(into: &bytes)
        bytes.writeImmutableBuffer(body)
        header.crc = Self.computeCRC(of: bytes)
        bytes.setInteger(header.crc, at: bytes.readerIndex + RecordBatchHeader.crcOffset)
        self.header = header
        self.bytes = bytes
    }

    /// Rewrites the base offset in place (the broker assigning offsets). The CRC starts after it,
    /// so the batch stays valid.
    package mutating func setBaseOffset(_ offset: Int64) {
        header.baseOffset = offset
        bytes.setInteger(offset, at: bytes.readerIndex)
    }

    /// Rewrites the partition leader epoch in place (outside the CRC as well).
    package mutating func setPartitionLeaderEpoch(_ epoch: Int32) {
        header.partitionLeaderEpoch = epoch
        bytes.setInteger(epoch, at: bytes.readerIndex + 12)
    }

    /// The records' bytes after the header, still compressed if the batch is.
    package var recordsBytes: ByteBuffer {
        bytes.getSlice(
            at: bytes.readerIndex + RecordBatchHeader.size, length: bytes.readableBytes - RecordBatchHeader.size)
            ?? ByteBuffer()
    }

    /// Decodes the records, decompressing at most `maxUncompressedBytes` (default 64 MiB).
    /// Key, value and header slices point into the decompressed buffer (or the batch when uncompressed).
    package func records(maxUncompressedBytes: Int = 64 * 1024 * 1024) throws(WireError) -> [Record] {
        var body = try decompressedRecords(maxUncompressedBytes: maxUncompressedBytes)
        let count = Int(header.recordsCount)
        // A record takes at least 7 bytes (length, attributes, two deltas, key, value, header count).
        guard count >= 0 else { throw .invalidLength(Int64(count)) }
        guard count * 7 <= body.readableBytes else {
            throw .tooLarge(length: Int64(count), limit: Int64(body.readableBytes / 7))
        }
        var records: [Record] = []
        records.reserveCapacity(count)
        for _ in 0..<count { records.append(try Record(from: &body)) }
        guard body.readableBytes == 0 else { throw .trailingBytes(body.readableBytes) }
        return records
    }

    /// The records' bytes, decompressed (at most `maxUncompressedBytes`) when the batch is compressed.
    func decompressedRecords(maxUncompressedBytes: Int) throws(WireError) -> ByteBuffer {
        guard let compression = header.attributes.compression else {
            throw .unknownCompression(header.attributes.compressionBits)
        }
        guard let codec = compression.makeCodec() else { return recordsBytes }
        do { return try codec.decompress(recordsBytes, maxOutputSize: maxUncompressedBytes) } catch {
            throw .compression(error)
        }
    }

    /// The CRC-32C of a batch's bytes from the attributes to the end.
    package static func computeCRC(of batch: ByteBuffer) -> UInt32 {
        let start = batch.readerIndex + RecordBatchHeader.attributesOffset
        guard let covered = batch.getSlice(at: start, length: batch.writerIndex - start) else { return 0 }
        return CRC32C.checksum(covered)
    }
}
