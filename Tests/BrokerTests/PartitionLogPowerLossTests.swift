import Foundation
import NIOCore
import Storage
import Testing

@testable import Broker

/// Power loss, simulated by the file layer's `PowerLossSimulator`: the disk stops at a seeded fsync,
/// then every file is cut back to its last fsynced length (some with random bytes after it) and the
/// directory changes not followed by a directory fsync are undone. Then the log is opened again, as
/// after a reboot. Each run is reproducible from its seed; `SOUK_POWER_LOSS_SEEDS` sets how many run
/// (`make reliability` runs hundreds).
@Suite("PartitionLog: simulated power loss")
struct PartitionLogPowerLossTests {
    static let now: Int64 = 1_700_000_000_000
    static let seeds: [UInt64] =
        (0..<UInt64(ProcessInfo.processInfo.environment["SOUK_POWER_LOSS_SEEDS"].flatMap(Int.init) ?? 40))
        .map { $0 }

    /// One appended batch: its records and the byte its record bytes are filled with.
    struct Appended: Equatable {
        var records: Int
        var fill: UInt8
    }

    /// A batch read back after the power loss: its offsets, fill byte, and whether its CRC holds.
    struct ReadBack: Equatable {
        var offsets: ClosedRange<Int64>
        var fill: UInt8
        var crcHolds: Bool
    }

    /// Appends batches (sizes, flush points from the seed) until the simulated disk stops at the fsync
    /// the seed picks, then loses power and reopens. Returns what was acknowledged (an append returned),
    /// what was attempted, what was made durable by a returned `flush()`, and what the reopened log serves.
    static func run(seed: UInt64, fsync: FsyncPolicy) async throws -> (
        acknowledged: [Appended], attempted: [Appended], flushed: Int, served: [ReadBack],
        report: PowerLossSimulator.Report
    ) {
        var random = SplitMix64(seed: seed)
        let fixture = try LogFixture()
        // Small segments: rolls (new files, a directory fsync) happen within a run.
        let configuration = LogFixture.configuration(segmentBytes: 900, indexIntervalBytes: 200, fsync: fsync)
        let simulator = try PowerLossSimulator.install(
            root: fixture.directory, failAfterSyncs: Int(random.next() % 60))
        var acknowledged: [Appended] = []
        var attempted: [Appended] = []
        var flushed = 0
        do {
            let log = try await fixture.open(configuration)
            for index in 0..<80 {
                let batch = Appended(records: 1 + Int(random.next() % 4), fill: UInt8(truncatingIfNeeded: index + 1))
                attempted.append(batch)
                _ = try await log.append(
                    batches: TestBatch.make(records: batch.records, recordBytes: 30, fill: batch.fill), now: now)
                acknowledged.append(batch)
                if case .interval = fsync, random.next() % 5 == 0 {
                    try await log.flush()
                    flushed = acknowledged.count
                }
            }
        } catch {
            // The disk stopped: the append or flush in flight failed.
        }
        let report = simulator.powerLoss(seed: seed, garbage: true)
        let log = try await fixture.open(configuration)
        let end = await log.logEndOffset
        var served: [ReadBack] = []
        // A read stops at the end of a segment: read on from the next offset until the log end.
        var next: Int64 = 0
        while next < end {
            var buffer = try await log.read(from: next, maxBytes: 1 << 24)
            let before = served.count
            while let length = buffer.getInteger(at: buffer.readerIndex + 8, as: Int32.self),
                let batch = buffer.readSlice(length: 12 + Int(length))
            {
                let base = batch.getInteger(at: batch.readerIndex, as: Int64.self) ?? -1
                let delta = batch.getInteger(at: batch.readerIndex + 23, as: Int32.self) ?? -1
                let stored = batch.getInteger(at: batch.readerIndex + 17, as: UInt32.self)
                let crc = batch.withUnsafeReadableBytes {
                    CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[21...]))
                }
                served.append(
                    ReadBack(
                        offsets: base...(base + Int64(delta)), fill: batch.getInteger(at: batch.readerIndex + 61) ?? 0,
                        crcHolds: stored == crc))
                next = base + Int64(delta) + 1
            }
            if served.count == before { break }
        }
        #expect(served.last.map { $0.offsets.upperBound + 1 } ?? 0 == end, "seed \(seed): log end \(end)")
        return (acknowledged, attempted, flushed, served, report)
    }

    /// The batches `appended` would be served as, numbered densely from offset 0.
    static func expected(_ appended: some Collection<Appended>) -> [ReadBack] {
        var next: Int64 = 0
        return appended.map { batch in
            defer { next += Int64(batch.records) }
            return ReadBack(offsets: next...(next + Int64(batch.records) - 1), fill: batch.fill, crcHolds: true)
        }
    }

    @Test(
        "with fsync always, every acknowledged batch survives, numbered as before; at most the one in flight more",
        arguments: seeds)
    func fsyncAlways(seed: UInt64) async throws {
        let run = try await Self.run(seed: seed, fsync: .always)
        let served = run.served
        // Every append fsyncs, so the disk stops within the run: one append failed (or the open did).
        #expect(run.attempted.count == run.acknowledged.count + 1 || run.attempted.isEmpty, "seed \(seed)")
        // Acknowledged: all there, in order, same offsets, intact. The append in flight when the disk stopped
        // was never acknowledged: it may be there (its fsync may have reached the disk) or not.
        #expect(
            served == Self.expected(run.acknowledged) || served == Self.expected(run.attempted),
            "seed \(seed): \(run.report); acknowledged \(run.acknowledged.count), served \(served.count)")
    }

    @Test(
        "with an interval, a prefix survives: everything flushed, nothing corrupt, duplicated or renumbered",
        arguments: seeds)
    func fsyncInterval(seed: UInt64) async throws {
        let run = try await Self.run(seed: seed, fsync: .interval(milliseconds: 3_600_000))
        let served = run.served
        let appended = Self.expected(run.attempted)
        #expect(
            served.count >= run.flushed, "seed \(seed): \(run.report); flushed \(run.flushed), served \(served.count)")
        #expect(served == Array(appended.prefix(served.count)), "seed \(seed): \(run.report)")
    }
}
