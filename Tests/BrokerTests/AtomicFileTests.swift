import Foundation
import NIOCore
import Testing

@testable import Broker

@Suite("AtomicFile")
struct AtomicFileTests {
    @Test("write replaces the whole content and leaves no temporary file")
    func replaces() throws {
        let fixture = try LogFixture()
        let path = fixture.directory + "/state"
        #expect(try AtomicFile.read(path) == nil)
        try AtomicFile.write(Array("first, longer content".utf8), to: path)
        try AtomicFile.write(Array("second".utf8), to: path)
        #expect(try AtomicFile.read(path) == ByteBuffer(string: "second"))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    @Test("a failed fsync leaves the old content in place")
    func failureKeepsOld() throws {
        let fixture = try LogFixture()
        let path = fixture.directory + "/state"
        try AtomicFile.write(Array("old".utf8), to: path)
        let faults = IOFaultInjector()
        faults.faults.syncs = true
        #expect(throws: LogError.io(IOFailure(operation: "fsync", path: path + ".tmp", errno: EIO))) {
            try AtomicFile.write(Array("new".utf8), to: path, faults: faults)
        }
        #expect(try AtomicFile.read(path) == ByteBuffer(string: "old"))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    @Test("the recovery checkpoint round-trips and a damaged one is refused")
    func checkpointEncoding() {
        let checkpoint = RecoveryCheckpoint(recoveryPoint: 1234, logStartOffset: 56, cleanShutdown: true)
        var bytes = checkpoint.encoded()
        #expect(bytes.readableBytes == 32)
        #expect(RecoveryCheckpoint(decoding: bytes) == checkpoint)
        bytes.setInteger(Int64(1235), at: 12)
        #expect(RecoveryCheckpoint(decoding: bytes) == nil)
    }
}
