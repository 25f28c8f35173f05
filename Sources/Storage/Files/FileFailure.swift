#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An operating-system call on a file that failed: which call, on which path, and `errno`.
package struct FileFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call that failed (`pwrite`, `fsync`, `open`, `rename`, …).
    package var operation: String
    /// The file or directory it was called on.
    package var path: String
    /// `errno` after the call.
    package var errno: Int32

    package init(operation: String, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    package var description: String { "\(operation) \(path): \(String(cString: strerror(errno))) (errno \(errno))" }
}
