import Foundation
import Kafka
import NIOCore
import Testing

@testable import Broker

/// The sendfile fetch path (`PartitionLog.readSlice`): what it hands to the kernel is checked first.
@Suite("PartitionLog: slices for sendfile")
struct PartitionLogSendfileTests {
    @Test("a batch that rotted on disk while the broker was down is never handed to sendfile; those before it are")
    func rottenBatchNotSliced() async throws {
        let fixture = try LogFixture()
        let log = try await PartitionLogRecoveryTests.fill(fixture, count: 5)
        try await log.close()
        let reopened = try await fixture.open()
        // Damage the second batch (offsets 4...7, bytes 101..<202) after the open trusted the segment.
        try fixture.flipByte(fixture.path(segment: 0, suffix: ".log"), at: 101 + 90)
        let first = try #require(try await reopened.readSlice(from: 0, maxBytes: 1 << 20))
        #expect(first.position == 0 && first.length == 101, "only the batch before the rotten one")
        await #expect {
            try await reopened.readSlice(from: 5, maxBytes: 1 << 20)
        } throws: { error in
            guard case LogError.corruptData(_, position: 101, defect: .checksumMismatch) = error else { return false }
            return true
        }
        let after = try #require(try await reopened.readSlice(from: 8, maxBytes: 1 << 20))
        #expect(after.position == 202 && after.length == 3 * 101, "the log stays usable past the rotten batch")
    }

    @Test("appended batches were checked on the way in; batches from before a restart are checked once, on first slice")
    func checkedOnce() async throws {
        let fixture = try LogFixture()
        let log = try await PartitionLogRecoveryTests.fill(fixture, count: 5)
        #expect(await log.activeSegmentVerifiedRanges == [0..<505])
        try await log.close()
        let reopened = try await fixture.open()
        // The open checked the batches after the last index entry (it rescans from there); it trusts the rest.
        #expect(await reopened.activeSegmentVerifiedRanges == [303..<505])
        _ = try await reopened.readSlice(from: 4, maxBytes: 202)
        #expect(await reopened.activeSegmentVerifiedRanges == [101..<505])
        _ = try await reopened.readSlice(from: 0, maxBytes: 1 << 20)
        #expect(await reopened.activeSegmentVerifiedRanges == [0..<505])
        // From then on the bytes are trusted as the page cache holds them: only headers are read.
        try fixture.flipByte(fixture.path(segment: 0, suffix: ".log"), at: 101 + 90)
        #expect(try await reopened.readSlice(from: 0, maxBytes: 1 << 20)?.length == 505)
    }

    @Test("verified ranges merge, cover and truncate")
    func verifiedRanges() {
        var ranges = VerifiedRanges()
        ranges.insert(10..<20)
        ranges.insert(30..<40)
        #expect(ranges.covers(12..<18) && !ranges.covers(15..<35) && ranges.covers(5..<5))
        ranges.insert(20..<30)
        #expect(ranges.ranges == [10..<40])
        ranges.insert(0..<5)
        ranges.truncate(to: 25)
        #expect(ranges.ranges == [0..<5, 10..<25])
        ranges.truncate(to: 3)
        #expect(ranges.ranges == [0..<3])
    }
}
