import NIOCore
import Storage

/// An open log file: Storage's `DiskFile` (the one file layer) with its failures as `LogError`s. Every
/// call blocks its thread, so it is only used on the log's own event loop (see `PartitionLog`), never
/// on Swift's cooperative pool.
final class BlockingFile {
    private let file: DiskFile

    /// The file's path.
    var path: String { file.path }

    private init(_ file: DiskFile) {
        self.file = file
    }

    /// Opens `path` for reading and writing, creating it when `create` is true.
    static func open(_ path: String, create: Bool, truncate: Bool = false, faults: IOFaultInjector?) throws(LogError)
        -> BlockingFile
    {
        BlockingFile(
            try io { () throws(FileFailure) in
                try DiskFile.open(path, create: create, truncate: truncate, faults: faults)
            })
    }

    /// Whether a file exists at `path`.
    static func exists(_ path: String) -> Bool { DiskFiles.exists(path) }

    /// The file's size in bytes.
    func size() throws(LogError) -> Int { try io { () throws(FileFailure) in try file.size() } }

    /// The file's last modification time, in milliseconds since the Unix epoch.
    func modificationTimeMilliseconds() throws(LogError) -> Int64 {
        try io { () throws(FileFailure) in try file.modificationTimeMilliseconds() }
    }

    /// Writes all readable bytes of `buffer` at `offset`.
    func write(_ buffer: ByteBuffer, at offset: Int) throws(LogError) {
        try io { () throws(FileFailure) in try file.write(buffer, at: offset) }
    }

    /// Reads up to `count` bytes at `offset` into a new buffer; fewer only at the end of the file.
    func read(count: Int, at offset: Int, allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(LogError)
        -> ByteBuffer
    {
        try io { () throws(FileFailure) in try file.read(count: count, at: offset, allocator: allocator) }
    }

    /// Reads up to `count` bytes at `offset` of an open descriptor; fewer only at the end of the file.
    static func read(
        descriptor: Int32, count: Int, at offset: Int, path: String,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(LogError) -> ByteBuffer {
        try io { () throws(FileFailure) in
            try DiskFile.read(descriptor: descriptor, count: count, at: offset, path: path, allocator: allocator)
        }
    }

    /// Makes the file's data durable.
    func sync() throws(LogError) { try io { () throws(FileFailure) in try file.sync() } }

    /// Closes a descriptor from `duplicateDescriptor()`.
    static func closeDuplicate(_ descriptor: Int32) { DiskFile.closeDuplicate(descriptor) }

    /// A second descriptor of the same open file, for an fsync on another thread while this one
    /// goes on writing; the caller closes it.
    func duplicateDescriptor() throws(LogError) -> Int32 {
        try io { () throws(FileFailure) in try file.duplicateDescriptor() }
    }

    /// Cuts the file to `size` bytes.
    func truncate(to size: Int) throws(LogError) { try io { () throws(FileFailure) in try file.truncate(to: size) } }

    /// Closes the descriptor; later calls fail with `EBADF`.
    func close() { file.close() }

    /// Removes the file at `path`; a file already gone is not an error.
    static func remove(_ path: String) throws(LogError) {
        try io { () throws(FileFailure) in try DiskFiles.remove(path) }
    }

    /// Renames `source` to `destination`, replacing it atomically.
    static func rename(_ source: String, to destination: String) throws(LogError) {
        try io { () throws(FileFailure) in try DiskFiles.rename(source, to: destination) }
    }

    /// Makes a directory's entries (created, renamed, removed files) durable.
    static func syncDirectory(_ path: String, faults: IOFaultInjector?) throws(LogError) {
        try io { () throws(FileFailure) in try DiskFiles.syncDirectory(path, faults: faults) }
    }

    /// Creates `path` and its missing parents.
    static func createDirectory(_ path: String) throws(LogError) {
        try io { () throws(FileFailure) in try DiskFiles.createDirectory(path) }
    }

    /// The names of the entries of directory `path` (without `.` and `..`).
    static func contents(ofDirectory path: String) throws(LogError) -> [String] {
        try io { () throws(FileFailure) in try DiskFiles.contents(ofDirectory: path) }
    }
}

/// Runs a call of the file layer, its failure as `LogError.io`.
func io<T>(_ body: () throws(FileFailure) -> T) throws(LogError) -> T {
    do { return try body() } catch { throw .io(error) }
}

/// A duplicated descriptor of a log file, handed to the flusher thread for an fsync, and its path.
struct BackgroundSync: Sendable {
    var descriptor: Int32
    var path: String
}
