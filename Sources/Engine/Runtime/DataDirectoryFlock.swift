#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The engine's exclusive `flock` on `<data-dir>/.stream.lock`: two streams never write the same
/// checkpoints and tables. The kernel releases it when the process dies, even by `kill -9`.
package final class DataDirectoryFlock: @unchecked Sendable {
    private var descriptor: Int32

    package init(directory: String) throws(StreamError) {
        do { try DurableFile.createDirectories(directory) } catch { throw .checkpoint("\(error)") }
        let path = directory + "/.stream.lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .checkpoint("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            // Fully initialised: the deinitialiser runs after the throw and must not close it again
            // (the number may already belong to another thread's file).
            descriptor = -1
            throw .locked("the data directory \(directory) is in use by another souk stream (\(path) is locked)")
        }
    }

    package func release() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }

    deinit { release() }
}
