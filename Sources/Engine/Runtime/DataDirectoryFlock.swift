import Storage

/// The engine's exclusive `flock` on `<data-dir>/.stream.lock` (the file layer's `DirectoryLock`): two
/// streams never write the same checkpoints and tables. The kernel releases it when the process dies,
/// even by `kill -9`.
package final class DataDirectoryFlock: Sendable {
    private let lock: DirectoryLock

    package init(directory: String) throws(StreamError) {
        do {
            lock = try DirectoryLock(directory: directory, fileName: ".stream.lock")
        } catch {
            switch error {
            case .held(let path):
                throw .locked("the data directory \(directory) is in use by another souk stream (\(path) is locked)")
            case .io(let failure): throw .checkpoint("\(failure)")
            }
        }
    }

    package func release() {
        lock.release()
    }
}
