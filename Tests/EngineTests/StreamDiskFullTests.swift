import Engine
import Foundation
import Storage
import Synchronization
import Testing

/// The engine on a full file system (the file layer's `PowerLossSimulator` over the data directory,
/// filling up after a seeded number of writes once a seeded batch begins its commit): the write that
/// finds no space may fall anywhere in a commit (a checkpoint's offsets, state or commit, a dead-letter
/// file, a Parquet part, a Delta commit). Commits pause, and resume once space returns a seeded moment
/// later; the run must end normally with every input row exactly once and windows equal to a
/// recomputation. `SOUK_DISK_FULL_SEEDS` sets how many seeds run.
@Suite("Stream master: a full disk")
struct StreamDiskFullTests {
    static let seeds = StreamMasterTests.seeds("SOUK_DISK_FULL_SEEDS", default: 16, from: 2000)

    @Test(
        "commits pause on a full disk at any write and resume when space returns: raw rows exactly once",
        arguments: seeds)
    func fullDisk(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let fixture = StreamMasterTests.Fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.directory) }
        let events = try fixture.appendFaultEvents()
        let simulator = try PowerLossSimulator.install(root: fixture.directory)
        defer { simulator.uninstall() }
        let batch = Int64(random.next() % 5)
        let writes = Int(random.next() % 40)
        let held = Duration.milliseconds(Int64(random.next() % 400))
        let filled = Atomic<Bool>(false)
        // Space returns `held` after the first write that found none.
        let room = Task {
            while simulator.refusedForSpace == 0 && !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
            try? await Task.sleep(for: held)
            simulator.makeRoom()
        }
        defer { room.cancel() }
        let reports = try await fixture.run(maxRecords: 37) { configuration in
            configuration.beforeCommit = { id in
                if id == batch && !filled.exchange(true, ordering: .relaxed) {
                    simulator.fillUp(afterWrites: writes)
                }
            }
        }
        let refused = simulator.refusedForSpace
        let note = Comment(
            rawValue: "seed \(seed): full from batch \(batch) after \(writes) writes for \(held); "
                + "\(refused) writes refused; \(reports.count) batches")
        #expect(refused > 0, note)
        try fixture.expectExactlyOnce(events, note)
        #expect(Set(reports.map(\.batchId)).count == reports.count, note)
    }
}
