import Kafka
import NIOCore

/// libFuzzer target: the records field of a produce request or fetch response. Each batch's CRC is
/// set to match its bytes first (a fuzzer cannot guess CRC-32C), so the fuzzing reaches past
/// validation into the header, decompression (1 MiB limit) and record decoding. Oracle: nothing
/// traps; a batch whose records decode is rebuilt from them, and the rebuilt batch validates and
/// decodes to the same records.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecordBatch(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var input = ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: size))
    fixCRCs(&input)
    guard let batches = try? RecordBatchReader.batches(in: input, allowPartialTail: true) else { return 0 }
    for batch in batches {
        guard let records = try? batch.records(maxUncompressedBytes: 1 << 20) else { continue }
        let rebuilt: RecordBatch
        do { rebuilt = try RecordBatch(building: records, header: batch.header, keepingSpan: true) } catch {
            continue  // a codec refusing input it produced itself is a codec's business, not this target's
        }
        guard let again = try? RecordBatch(validating: rebuilt.bytes) else {
            fatalError("a batch rebuilt from its records does not validate: \(batch.header)")
        }
        guard let decoded = try? again.records(maxUncompressedBytes: 1 << 21), decoded == records else {
            fatalError("a batch rebuilt from its records decodes to other records: \(batch.header)")
        }
    }
    return 0
}

/// Writes into each batch the CRC of its bytes, walking the length fields as the reader does.
func fixCRCs(_ buffer: inout ByteBuffer) {
    var offset = buffer.readerIndex
    let end = buffer.writerIndex
    while offset + RecordBatchHeader.size <= end {
        guard let length = buffer.getInteger(at: offset + 8, as: Int32.self), length >= 0 else { return }
        let total = 12 + Int(length)
        guard total >= RecordBatchHeader.size, offset + total <= end,
            let batch = buffer.getSlice(at: offset, length: total)
        else { return }
        buffer.setInteger(RecordBatch.computeCRC(of: batch), at: offset + 17)
        offset += total
    }
}
