import NIOCore

/// Splits a records field (Produce request, Fetch response) into its batches without copying:
/// each batch is a slice of the field's buffer.
package struct RecordBatchReader: Sendable {
    /// The bytes not yet split.
    package private(set) var remaining: ByteBuffer

    package init(records: ByteBuffer) {
        remaining = records
    }

    /// The next complete, validated batch; nil when the bytes are used up or hold only the start of a
    /// batch (a fetch response may end in a partial batch, cut at the fetch size; see `remaining`).
    package mutating func next() throws(WireError) -> RecordBatch? {
        guard remaining.readableBytes >= RecordBatchHeader.lengthPrefixSize else { return nil }
        guard let length = remaining.getInteger(at: remaining.readerIndex + 8, as: Int32.self) else { return nil }
        guard length >= 0 else { throw .invalidLength(Int64(length)) }
        let total = RecordBatchHeader.lengthPrefixSize + Int(length)
        if remaining.readableBytes > RecordBatchHeader.magicOffset,
            let magic = remaining.getInteger(at: remaining.readerIndex + RecordBatchHeader.magicOffset, as: Int8.self),
            magic != 2
        {
            throw .unsupportedMagic(magic)
        }
        guard let slice = remaining.getSlice(at: remaining.readerIndex, length: total) else { return nil }
        let batch = try RecordBatch(validating: slice)
        remaining.moveReaderIndex(forwardBy: total)
        return batch
    }

    /// Every batch in `records`. With `allowPartialTail` false (a produce request) leftover bytes
    /// throw `.truncated`; with true (a fetch response) they are ignored.
    package static func batches(in records: ByteBuffer, allowPartialTail: Bool = false) throws(WireError)
        -> [RecordBatch]
    {
        var reader = RecordBatchReader(records: records)
        var batches: [RecordBatch] = []
        while let batch = try reader.next() { batches.append(batch) }
        if !allowPartialTail && reader.remaining.readableBytes > 0 { throw .truncated }
        return batches
    }
}
