import Foundation
import Testing

@testable import Broker

@Suite("DataDirectoryLock")
struct DataDirectoryLockTests {
    @Test("a second lock of a held directory fails with directoryLocked; after release it succeeds")
    func exclusive() throws {
        let fixture = try LogFixture()
        let directory = fixture.directory + "/data"
        let first = try DataDirectoryLock(directory: directory)
        #expect(first.path == directory + "/.lock")
        #expect(throws: LogError.directoryLocked(path: directory + "/.lock")) {
            try DataDirectoryLock(directory: directory)
        }
        first.release()
        let second = try DataDirectoryLock(directory: directory)
        #expect(FileManager.default.fileExists(atPath: second.path))
    }

    @Test("dropping the lock releases it")
    func releasedOnDeinit() throws {
        let fixture = try LogFixture()
        do { _ = try DataDirectoryLock(directory: fixture.directory) }
        _ = try DataDirectoryLock(directory: fixture.directory)
    }
}

@Suite("DataDirectoryLock across processes")
struct DataDirectoryLockProcessTests {
    /// Whether a lock of `directory` is refused now.
    static func isHeld(_ directory: String) -> Bool {
        do {
            try DataDirectoryLock(directory: directory).release()
            return false
        } catch {
            return true
        }
    }

    @Test(
        "a lock held by another process refuses us; kill -9 of that process releases it",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/flock")))
    func killReleases() async throws {
        let fixture = try LogFixture()
        // flock(1) --no-fork takes the same flock and becomes `sleep`, so one process holds it.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["--exclusive", "--no-fork", fixture.directory + "/.lock", "/bin/sleep", "600"]
        try holder.run()
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        // Wait, with a deadline, until the other process holds the lock.
        let deadline = ContinuousClock.now + .seconds(20)
        while !Self.isHeld(fixture.directory), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(throws: LogError.directoryLocked(path: fixture.directory + "/.lock")) {
            try DataDirectoryLock(directory: fixture.directory)
        }
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        #expect(holder.terminationReason == .uncaughtSignal)
        // The kernel released the lock with the process: no stale lock to clean up.
        #expect(!Self.isHeld(fixture.directory))
    }
}
