import Engine
import Foundation
import Storage
import Testing

/// The engine under a simulated power loss (the file layer's `PowerLossSimulator` over the data
/// directory): the disk stops at a seeded fsync, so the run fails wherever that fsync falls (a
/// checkpoint's offsets or commit, a Parquet part, a Delta commit, a dead-letter file); the files are cut
/// back to what a power loss leaves, with random bytes after some of them; then the stream runs again
/// to the end. The tables must hold every input row exactly once and the windows must equal a
/// recomputation. `SOUK_POWER_LOSS_SEEDS` sets how many seeds run.
@Suite("Stream master: simulated power loss")
struct StreamPowerLossTests {
    static let seeds = StreamMasterTests.seeds("SOUK_POWER_LOSS_SEEDS", default: 24, from: 1000)

    @Test(
        "raw rows exactly once and windows equal to a recomputation after a power loss at any fsync", arguments: seeds)
    func powerLoss(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let fixture = StreamMasterTests.Fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.directory) }
        let events = try fixture.appendFaultEvents()
        let simulator = try PowerLossSimulator.install(
            root: fixture.directory, failAfterSyncs: Int(random.next() % 120))
        var failed = false
        do { _ = try await fixture.run(maxRecords: 37) } catch { failed = true }
        let syncs = simulator.syncCount
        let report = simulator.powerLoss(seed: seed, garbage: true)
        // The disk stopped during the first run (the seed's fsync comes before a whole run's last).
        #expect(failed, "seed \(seed): the first run did not fail; \(syncs) fsyncs")
        let reports = try await fixture.run(maxRecords: 37)
        let note = Comment(
            rawValue: "seed \(seed): first run failed: \(failed); \(report); rerun \(reports.count) batches")
        try fixture.expectExactlyOnce(events, note)
    }
}
