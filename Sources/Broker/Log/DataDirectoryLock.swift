import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive `flock` on `<data-dir>/.lock`, so two brokers never write the same logs. The kernel drops the
/// lock when the process dies, even by `kill -9`, so a crash never leaves a stale lock behind.
/// `flock` locks belong to the open file, so a second acquire in the same process fails too.
/// The lock is held until `release()` or until the value is dropped.
package final class DataDirectoryLock: Sendable {
    /// The lock file's name inside the data directory.
    package static let fileName = ".lock"
    /// The lock file's path.
    package let path: String
    private let descriptor: Mutex<Int32>

    /// Takes the lock of `directory` (created when missing) without waiting; throws
    /// `LogError.directoryLocked` when another holder has it.
    package init(directory: String) throws(LogError) {
        try BlockingFile.createDirectory(directory)
        let path = directory + "/" + Self.fileName
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io(IOFailure(operation: "open", path: path, errno: errno)) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let error = errno
            close(descriptor)
            if error == EWOULDBLOCK { throw .directoryLocked(path: path) }
            throw .io(IOFailure(operation: "flock", path: path, errno: error))
        }
        self.path = path
        self.descriptor = Mutex(descriptor)
    }

    /// Releases the lock; dropping the last reference does too.
    package func release() {
        descriptor.withLock { descriptor in
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
        }
    }

    deinit {
        release()
    }
}
