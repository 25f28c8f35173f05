import NIOCore
import Storage

/// The engine's small files over the one file layer (Storage's `DiskFiles`): replaced atomically and
/// durably (a temporary file, fsynced, renamed over the target, the directory fsynced), so a crash
/// leaves the old content or the new, never a mix.
enum DurableFile {
    typealias Failure = FileFailure

    static func createDirectories(_ path: String) throws(Failure) {
        try DiskFiles.createDirectory(path)
    }

    static func replace(_ path: String, with bytes: [UInt8]) throws(Failure) {
        try DiskFiles.replace(path, with: ByteBuffer(bytes: bytes))
    }

    /// Creates `path` with `bytes` only if nothing is there (put-if-absent): a temporary file, fsynced,
    /// hard-linked to `path` (`link` fails with EEXIST rather than replace), the directory fsynced.
    /// Returns false, writing nothing, when `path` exists: another writer got there first.
    static func createExclusively(_ path: String, with bytes: [UInt8], temporary: String) throws(Failure) -> Bool {
        try DiskFiles.createExclusively(path, with: ByteBuffer(bytes: bytes), temporary: temporary)
    }

    static func syncDirectory(of path: String) throws(Failure) {
        try DiskFiles.syncDirectory(of: path)
    }

    /// The whole file, or nil when it does not exist.
    static func contents(of path: String) throws(Failure) -> [UInt8]? {
        try DiskFiles.read(path).map { Array($0.readableBytesView) }
    }

    static func isDirectory(_ path: String) -> Bool {
        DiskFiles.isDirectory(path)
    }

    /// Removes the file at `path`, if there is one. A failure is left to the next listing of the
    /// directory (every caller removes leftovers it finds there again).
    static func remove(_ path: String) {
        try? DiskFiles.remove(path)
    }

    /// Names in a directory (not `.` or `..`), or nil when it cannot be opened.
    static func list(_ directory: String) -> [String]? {
        try? DiskFiles.contents(ofDirectory: directory)
    }
}
