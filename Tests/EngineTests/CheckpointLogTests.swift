import Engine
import Foundation
import Testing

@Suite("Checkpoint log")
struct CheckpointLogTests {
    static func directory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("souk-checkpoint-\(UUID().uuidString)")
            .path
        return path
    }

    static let p0 = SourcePartition(topic: "t", partition: 0)

    @Test("offsets and commits round-trip; a planned batch without its commit is the one to replay")
    func replay() throws {
        let log = try CheckpointLog(directory: Self.directory())
        try log.writeOffsets(
            OffsetEntry(batchId: 0, timestampMs: 1, watermarkMicros: Int64.min, ranges: [Self.p0: 0..<10]))
        try log.writeState([1, 2, 3], batchId: 0)
        try log.writeCommit(CommitEntry(batchId: 0, nextWatermarkMicros: 42))
        try log.writeOffsets(OffsetEntry(batchId: 1, timestampMs: 2, watermarkMicros: 42, ranges: [Self.p0: 10..<25]))
        let recovered = try log.recover()
        #expect(recovered.lastCommit == CommitEntry(batchId: 0, nextWatermarkMicros: 42))
        #expect(recovered.committedOffsets?.ranges == [Self.p0: 0..<10])
        #expect(recovered.state == [1, 2, 3])
        #expect(recovered.lastOffsets?.batchId == 1)
        #expect(recovered.lastOffsets?.ranges == [Self.p0: 10..<25])
        #expect(recovered.lastOffsets?.watermarkMicros == 42)
    }

    @Test("only the newest 100 batches are kept; state only for the newest two")
    func retention() throws {
        let log = try CheckpointLog(directory: Self.directory(), retainedBatches: 100)
        for id in Int64(0)..<130 {
            try log.writeOffsets(
                OffsetEntry(batchId: id, timestampMs: id, watermarkMicros: id, ranges: [Self.p0: id..<(id + 1)]))
            try log.writeState([UInt8(id % 200)], batchId: id)
            try log.writeCommit(CommitEntry(batchId: id, nextWatermarkMicros: id))
        }
        #expect(log.batchIds("offsets") == Array(30..<130))
        #expect(log.batchIds("commits") == Array(30..<130))
        #expect(log.batchIds("state") == [128, 129])
        #expect(try log.recover().lastCommit?.batchId == 129)
    }

    @Test("an unreadable entry is a clear error, not a crash; temporary files are ignored")
    func corrupt() throws {
        let directory = Self.directory()
        let log = try CheckpointLog(directory: directory)
        try log.writeOffsets(OffsetEntry(batchId: 0, timestampMs: 1, watermarkMicros: 0, ranges: [:]))
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: directory + "/offsets/1"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: directory + "/offsets/2.tmp"))
        #expect(log.batchIds("offsets") == [0, 1])
        #expect(throws: StreamError.self) { try log.recover() }
    }

    @Test("a commit without its offsets entry is refused")
    func commitWithoutOffsets() throws {
        let log = try CheckpointLog(directory: Self.directory())
        try log.writeCommit(CommitEntry(batchId: 0, nextWatermarkMicros: 0))
        #expect(throws: StreamError.self) { try log.recover() }
    }
}
