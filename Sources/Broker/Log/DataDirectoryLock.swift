import Storage

/// An exclusive `flock` on `<data-dir>/.lock` (the file layer's `DirectoryLock`), so two brokers never
/// write the same logs. The kernel drops the lock when the process dies, even by `kill -9`, so a crash
/// never leaves a stale lock behind. The lock is held until `release()` or until the value is dropped.
package final class DataDirectoryLock: Sendable {
    /// The lock file's name inside the data directory.
    package static let fileName = ".lock"
    private let lock: DirectoryLock

    /// The lock file's path.
    package var path: String { lock.path }

    /// Takes the lock of `directory` (created when missing) without waiting; throws
    /// `LogError.directoryLocked` when another holder has it.
    package init(directory: String) throws(LogError) {
        do {
            lock = try DirectoryLock(directory: directory, fileName: Self.fileName)
        } catch {
            switch error {
            case .held(let path): throw .directoryLocked(path: path)
            case .io(let failure): throw .io(failure)
            }
        }
    }

    /// Releases the lock; dropping the last reference does too.
    package func release() {
        lock.release()
    }
}
