import Foundation
import NIOCore
import Storage
import Testing

@Suite("PowerLossSimulator: what a simulated power loss leaves of the file layer's files")
struct PowerLossSimulatorTests {
    final class Directory {
        let path = FileManager.default.temporaryDirectory.path + "/souk-power-loss-" + UUID().uuidString
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func bytes(_ name: String) -> [UInt8]? {
            FileManager.default.contents(atPath: path + "/" + name).map { [UInt8]($0) }
        }
    }

    @Test("a file keeps what was fsynced; bytes written after its last fsync are gone")
    func cutToSyncedLength() throws {
        let directory = Directory()
        let simulator = try PowerLossSimulator.install(root: directory.path)
        let file = try DiskFile.open(directory.path + "/log", create: true)
        try file.write([1, 2, 3], at: 0)
        try file.sync()
        try DiskFiles.syncDirectory(directory.path)
        try file.write([4, 5], at: 3)
        let report = simulator.powerLoss(seed: 1, garbage: false)
        #expect(directory.bytes("log") == [1, 2, 3])
        #expect(report.filesCut == 1 && report.bytesDropped == 2)
    }

    @Test("a file created without a directory fsync vanishes; with one it stays")
    func creationNeedsDirectorySync() throws {
        let directory = Directory()
        let simulator = try PowerLossSimulator.install(root: directory.path)
        let kept = try DiskFile.open(directory.path + "/kept", create: true)
        try kept.write([7], at: 0)
        try kept.sync()
        try DiskFiles.syncDirectory(directory.path)
        let lost = try DiskFile.open(directory.path + "/lost", create: true)
        try lost.write([8], at: 0)
        try lost.sync()
        _ = simulator.powerLoss(seed: 1, garbage: false)
        #expect(directory.bytes("kept") == [7])
        #expect(directory.bytes("lost") == nil)
    }

    @Test("an atomic replace not followed by its directory fsync leaves the old content; followed, the new")
    func renameNeedsDirectorySync() throws {
        let directory = Directory()
        let path = directory.path + "/checkpoint"
        let simulator = try PowerLossSimulator.install(root: directory.path)
        try DiskFiles.replace(path, with: ByteBuffer(bytes: [1]))
        // The second replace renames without the directory fsync (as if power went just after the rename).
        let file = try DiskFile.open(path + ".tmp", create: true, truncate: true)
        try file.write([2], at: 0)
        try file.sync()
        try DiskFiles.rename(path + ".tmp", to: path)
        #expect(directory.bytes("checkpoint") == [2])
        _ = simulator.powerLoss(seed: 1, garbage: false)
        #expect(directory.bytes("checkpoint") == [1])
    }

    @Test("a removal not followed by a directory fsync is undone")
    func removalNeedsDirectorySync() throws {
        let directory = Directory()
        let path = directory.path + "/segment"
        let simulator = try PowerLossSimulator.install(root: directory.path)
        try DiskFiles.replace(path, with: ByteBuffer(bytes: [5, 6]))
        try DiskFiles.remove(path)
        #expect(directory.bytes("segment") == nil)
        _ = simulator.powerLoss(seed: 1, garbage: false)
        #expect(directory.bytes("segment") == [5, 6])
    }

    @Test("the disk stops at the fsync after failAfterSyncs: that fsync and every later write fail with EIO")
    func stopsAtTheChosenSync() throws {
        let directory = Directory()
        let simulator = try PowerLossSimulator.install(root: directory.path, failAfterSyncs: 2)
        let file = try DiskFile.open(directory.path + "/log", create: true)
        try file.write([1], at: 0)
        try file.sync()
        try file.sync()
        #expect(throws: FileFailure(operation: "fsync", path: directory.path + "/log", errno: EIO)) { try file.sync() }
        #expect(simulator.hasStopped)
        #expect(throws: FileFailure(operation: "pwrite", path: directory.path + "/log", errno: EIO)) {
            try file.write([2], at: 1)
        }
        #expect(simulator.syncCount == 2)
        _ = simulator.powerLoss(seed: 1, garbage: false)
    }

    @Test("the garbage after the durable length comes from the seed: the same seed, the same bytes")
    func garbageIsReproducible() throws {
        func lose(seed: UInt64) throws -> [UInt8]? {
            let directory = Directory()
            let simulator = try PowerLossSimulator.install(root: directory.path)
            let file = try DiskFile.open(directory.path + "/log", create: true)
            try DiskFiles.syncDirectory(directory.path)
            try file.write([UInt8](repeating: 9, count: 100), at: 0)
            try file.sync()
            try file.write([UInt8](repeating: 0, count: 3000), at: 100)
            _ = simulator.powerLoss(seed: seed, garbage: true)
            return directory.bytes("log")
        }
        let first = try #require(
            try (UInt64(0)..<8).lazy.compactMap { seed -> (UInt64, [UInt8])? in
                guard let bytes = try lose(seed: seed), bytes.count > 100 else { return nil }
                return (seed, bytes)
            }.first)
        #expect(first.1.prefix(100).allSatisfy { $0 == 9 })
        #expect(first.1.count <= 3100)
        #expect(try lose(seed: first.0) == first.1)
    }

    @Test("files outside the root are not touched, and nothing is watched after uninstall")
    func scopedToRoot() throws {
        let directory = Directory()
        let other = Directory()
        try FileManager.default.createDirectory(atPath: other.path, withIntermediateDirectories: true)
        let simulator = try PowerLossSimulator.install(root: directory.path)
        let outside = try DiskFile.open(other.path + "/file", create: true)
        try outside.write([1, 2], at: 0)
        _ = simulator.powerLoss(seed: 1, garbage: false)
        #expect(other.bytes("file") == [1, 2])
        let after = try DiskFile.open(directory.path + "/late", create: true)
        try after.write([3], at: 0)
        #expect(directory.bytes("late") == [3])
    }
}
