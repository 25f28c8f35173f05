import Foundation
import NIOCore
import Testing

@testable import Broker

@Suite("PartitionLog: fsync policies and fail-stop")
struct PartitionLogDurabilityTests {
    static let now: Int64 = 1_700_000_000_000

    @Test("with fsync always, an append returns synced: the recovery point follows the log end")
    func fsyncAlways() async throws {
        let fixture = try LogFixture()
        let log = try await fixture.open(LogFixture.configuration(fsync: .always))
        _ = try await log.append(batches: TestBatch.make(records: 3), now: Self.now)
        #expect(await log.recoveryPoint == 3)
        _ = try await log.append(batches: TestBatch.make(records: 2), now: Self.now)
        #expect(await log.recoveryPoint == 5)
        _ = log  // a crash: no close

        let reopened = try await fixture.open(LogFixture.configuration(fsync: .always))
        #expect(await reopened.logEndOffset == 5)
        #expect(batchOffsets(in: try await reopened.read(from: 0, maxBytes: 1 << 20)) == [0...2, 3...4])
    }

    @Test("with an interval, an append returns unsynced until flush(); the data survives a reopen")
    func fsyncInterval() async throws {
        let fixture = try LogFixture()
        let configuration = LogFixture.configuration(fsync: .interval(milliseconds: 3_600_000))
        let log = try await fixture.open(configuration)
        _ = try await log.append(batches: TestBatch.make(records: 3), now: Self.now)
        _ = try await log.append(batches: TestBatch.make(records: 2), now: Self.now)
        #expect(await log.recoveryPoint == 0)
        try await log.flush()
        #expect(await log.recoveryPoint == 5)
        _ = try await log.append(batches: TestBatch.make(records: 1), now: Self.now)
        #expect(await log.recoveryPoint == 5)
        try await log.close()

        let reopened = try await fixture.open(configuration)
        #expect(await reopened.logEndOffset == 6)
        #expect(await reopened.recoveryPoint == 6)
        #expect(batchOffsets(in: try await reopened.read(from: 0, maxBytes: 1 << 20)) == [0...2, 3...4, 5...5])
    }

    @Test("the interval timer flushes on its own")
    func periodicFlush() async throws {
        let fixture = try LogFixture()
        let log = try await fixture.open(LogFixture.configuration(fsync: .interval(milliseconds: 5)))
        _ = try await log.append(batches: TestBatch.make(records: 3), now: Self.now)
        // Wait on the condition, with a deadline, for the timer on the log's event loop to run.
        let deadline = ContinuousClock.now + .seconds(10)
        while await log.recoveryPoint < 3, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(await log.recoveryPoint == 3)
        // The checkpoint is written on the flusher thread after the fsync.
        func checkpointed() throws -> Int64? {
            let path = fixture.directory + "/" + RecoveryCheckpoint.fileName
            guard let bytes = try? fixture.contents(path) else { return nil }
            return RecoveryCheckpoint(decoding: ByteBuffer(bytes: bytes))?.recoveryPoint
        }
        while try checkpointed() != 3, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
        #expect(try checkpointed() == 3)
        // Appends go on while flushes run in the background; every one is flushed in the end.
        for _ in 0..<50 { _ = try await log.append(batches: TestBatch.make(records: 2), now: Self.now) }
        while await log.recoveryPoint < 103, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(await log.recoveryPoint == 103)
        try await log.close()
        #expect(try checkpointed() == 103)
    }

    @Test("a failed background fsync of the interval policy stops the log")
    func failedBackgroundSyncStopsLog() async throws {
        let fixture = try LogFixture()
        let faults = IOFaultInjector()
        let log = try await fixture.open(LogFixture.configuration(fsync: .interval(milliseconds: 5)), faults: faults)
        faults.faults.syncs = true
        _ = try await log.append(batches: TestBatch.make(records: 3), now: Self.now)
        let stopped = { (error: any Error) -> Bool in
            guard case LogError.stopped(let cause) = error else { return false }
            return cause.operation == "fsync" && cause.errno == EIO
        }
        let deadline = ContinuousClock.now + .seconds(10)
        var failed = false
        while !failed, ContinuousClock.now < deadline {
            do { _ = try await log.read(from: 0, maxBytes: 100) } catch { failed = stopped(error) }
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(failed)
        #expect(await log.recoveryPoint == 0)
        await #expect(performing: { try await log.append(batches: TestBatch.make(), now: Self.now) }, throws: stopped)
    }

    @Test("a failed fsync stops the log: every later call throws stopped; a reopen recovers")
    func failedSyncStopsLog() async throws {
        let fixture = try LogFixture()
        let faults = IOFaultInjector()
        let log = try await fixture.open(LogFixture.configuration(fsync: .always), faults: faults)
        _ = try await log.append(batches: TestBatch.make(records: 3), now: Self.now)
        faults.faults.syncs = true
        await #expect {
            try await log.append(batches: TestBatch.make(records: 2), now: Self.now)
        } throws: { error in
            guard case LogError.io(let failure) = error else { return false }
            return failure.operation == "fsync" && failure.errno == EIO
        }
        faults.faults.syncs = false
        // Fail-stop: the disk works again, but the log does not trust what it wrote.
        let stopped = { (error: any Error) -> Bool in
            guard case LogError.stopped(let cause) = error else { return false }
            return cause.operation == "fsync"
        }
        await #expect(performing: { try await log.append(batches: TestBatch.make(), now: Self.now) }, throws: stopped)
        await #expect(performing: { try await log.read(from: 0, maxBytes: 100) }, throws: stopped)
        await #expect(performing: { try await log.flush() }, throws: stopped)
        await #expect(performing: { try await log.offset(forTimestamp: 0) }, throws: stopped)
        await #expect(performing: { try await log.deleteRecords(before: 1) }, throws: stopped)
        await #expect(performing: { try await log.close() }, throws: stopped)

        let reopened = try await fixture.open(LogFixture.configuration(fsync: .always))
        // The first batch was acknowledged and stays; the second was written but never acknowledged.
        #expect(batchOffsets(in: try await reopened.read(from: 0, maxBytes: 100)) == [0...2])
    }

    @Test("a failed write stops the log and acknowledges nothing")
    func failedWriteStopsLog() async throws {
        let fixture = try LogFixture()
        let faults = IOFaultInjector()
        let log = try await fixture.open(LogFixture.configuration(), faults: faults)
        _ = try await log.append(batches: TestBatch.make(records: 3), now: Self.now)
        faults.faults.writes = true
        await #expect {
            try await log.append(batches: TestBatch.make(records: 2), now: Self.now)
        } throws: { error in
            guard case LogError.io(let failure) = error else { return false }
            return failure.operation == "pwrite"
        }
        faults.faults.writes = false
        await #expect {
            try await log.enforceRetention(now: Self.now)
        } throws: { error in
            guard case LogError.stopped = error else { return false }
            return true
        }
        #expect(await log.logEndOffset == 3)
    }
}
