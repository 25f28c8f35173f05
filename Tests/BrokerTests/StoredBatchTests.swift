import NIOCore
import Testing

@testable import Broker

@Suite("StoredBatch")
struct StoredBatchTests {
    @Test("reads the header fields at their fixed offsets")
    func readsHeaderFields() throws {
        let bytes = TestBatch.make(records: 5, maxTimestamp: 1_700_000_000_500, baseTimestamp: 1_700_000_000_000)
        let batch = try StoredBatch(validating: bytes)
        #expect(batch.size == TestBatch.size())
        #expect(batch.header.batchLength == Int32(TestBatch.size() - 12))
        #expect(batch.header.magic == 2)
        #expect(batch.header.lastOffsetDelta == 4)
        #expect(batch.header.recordsCount == 5)
        #expect(batch.header.baseTimestamp == 1_700_000_000_000)
        #expect(batch.maxTimestamp == 1_700_000_000_500)
        #expect(batch.header.producerId == -1)
        #expect(batch.header.partitionLeaderEpoch == -1)
    }

    @Test("takes only the first batch of a longer buffer")
    func takesFirstBatch() throws {
        let bytes = TestBatch.concatenate([TestBatch.make(recordBytes: 10), TestBatch.make(recordBytes: 90)])
        let batch = try StoredBatch(validating: bytes)
        #expect(batch.size == 71)
    }

    @Test("rewriting baseOffset and partitionLeaderEpoch keeps the CRC valid")
    func rewritesOutsideChecksum() throws {
        var batch = try StoredBatch(validating: TestBatch.make(records: 3))
        batch.setBaseOffset(1_000)
        batch.setPartitionLeaderEpoch(7)
        let reparsed = try StoredBatch(validating: batch.bytes)
        #expect(reparsed.baseOffset == 1_000)
        #expect(reparsed.lastOffset == 1_002)
        #expect(reparsed.header.partitionLeaderEpoch == 7)
    }

    @Test("a flipped byte inside the CRC's coverage is a checksum mismatch")
    func detectsFlippedByte() {
        var bytes = TestBatch.make()
        bytes.setInteger(bytes.getInteger(at: 80, as: UInt8.self)! ^ 0x01, at: 80)
        #expect {
            try StoredBatch(validating: bytes)
        } throws: { error in
            guard case BatchDefect.checksumMismatch = error else { return false }
            return true
        }
    }

    @Test("rejects magic 1, a short buffer, a length below the header and one above the maximum")
    func rejectsMalformed() {
        #expect(throws: BatchDefect.unsupportedMagic(1)) { try StoredBatch(validating: TestBatch.make(magic: 1)) }
        let whole = TestBatch.make(recordBytes: 40)
        #expect(throws: BatchDefect.truncated(available: 60, needed: 61)) {
            try StoredBatch(validating: whole.getSlice(at: 0, length: 60)!)
        }
        #expect(throws: BatchDefect.truncated(available: 100, needed: 101)) {
            try StoredBatch(validating: whole.getSlice(at: 0, length: 100)!)
        }
        var short = whole
        short.setInteger(Int32(48), at: 8)
        #expect(throws: BatchDefect.lengthOutOfRange(batchLength: 48, maximum: 88)) {
            try StoredBatch(validating: short, maximumSize: 100)
        }
        #expect(throws: BatchDefect.lengthOutOfRange(batchLength: 89, maximum: 88)) {
            try StoredBatch(validating: whole, maximumSize: 100)
        }
    }
}
