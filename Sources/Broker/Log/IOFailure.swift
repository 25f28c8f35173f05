/// An operating-system call on a log file that failed.
package struct IOFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call that failed (`pwrite`, `fsync`, `open`, …).
    package var operation: String
    /// The file it was called on.
    package var path: String
    /// `errno` after the call.
    package var errno: Int32

    package init(operation: String, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    package var description: String { "\(operation) \(path): errno \(errno)" }
}
