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
