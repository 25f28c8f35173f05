#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive `flock` on a lock file inside a data directory, so two processes never write the same
/// files. The kernel drops the lock when the process dies, even by `kill -9`, so a crash never leaves a
/// stale lock behind. `flock` locks belong to the open file, so a second acquire in the same process
/// fails too. The lock is held until `release()` or until the value is dropped.
package final class DirectoryLock: Sendable {
    /// Why a lock was not taken.
    package enum Failure: Error, Sendable, Equatable {
        /// Another holder has the lock at `path`.
        case held(path: String)
        /// The directory or the lock file could not be made or opened.
        case io(FileFailure)
    }

    /// The lock file's path.
    package let path: String
    private let descriptor: Locked<Int32>

    /// Takes the lock `directory/fileName` (the directory is created when missing) without waiting.
    package init(directory: String, fileName: String) throws(Failure) {
        do { try DiskFiles.createDirectory(directory) } catch { throw .io(error) }
        let path = directory + "/" + fileName
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io(FileFailure(operation: "open", path: path, errno: errno)) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let error = errno
            close(descriptor)
            if error == EWOULDBLOCK { throw .held(path: path) }
            throw .io(FileFailure(operation: "flock", path: path, errno: error))
        }
        self.path = path
        self.descriptor = Locked(descriptor)
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
