import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open file with blocking positional I/O. Every call blocks its thread, so it is only used
/// on the log's own event loop (see `PartitionLog`), never on Swift's cooperative pool.
final class BlockingFile {
    /// The file's path.
    let path: String
    private var descriptor: Int32
    private let faults: IOFaultInjector?

    private init(path: String, descriptor: Int32, faults: IOFaultInjector?) {
        self.path = path
        self.descriptor = descriptor
        self.faults = faults
    }

    deinit {
        if descriptor >= 0 { _ = systemClose(descriptor) }
    }

    /// Opens `path` for reading and writing, creating it (mode 0644) when `create` is true.
    static func open(_ path: String, create: Bool, truncate: Bool = false, faults: IOFaultInjector?) throws(LogError)
        -> BlockingFile
    {
        var flags = O_RDWR | O_CLOEXEC
        if create { flags |= O_CREAT }
        if truncate { flags |= O_TRUNC }
        let descriptor = systemOpen(path, flags, 0o644)
        guard descriptor >= 0 else { throw .io(IOFailure(operation: "open", path: path, errno: errno)) }
        return BlockingFile(path: path, descriptor: descriptor, faults: faults)
    }

    /// Whether a file exists at `path`.
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0
    }

    /// The file's size in bytes.
    func size() throws(LogError) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure("fstat") }
        return Int(status.st_size)
    }

    /// The file's last modification time, in milliseconds since the Unix epoch.
    func modificationTimeMilliseconds() throws(LogError) -> Int64 {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure("fstat") }
        #if canImport(Darwin)
            let time = status.st_mtimespec
        #else
            let time = status.st_mtim
        #endif
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }

    /// Writes all readable bytes of `buffer` at `offset`.
    func write(_ buffer: ByteBuffer, at offset: Int) throws(LogError) {
        let failed: Int32? = buffer.withUnsafeReadableBytes { bytes in
            guard let base = bytes.baseAddress else { return nil }
            var written = 0
            while written < bytes.count {
                if self.faults?.faults.writes == true { return EIO }
                let count = pwrite(descriptor, base + written, bytes.count - written, off_t(offset + written))
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += count
            }
            return nil
        }
        if let failed { throw .io(IOFailure(operation: "pwrite", path: path, errno: failed)) }
    }

    /// Reads up to `count` bytes at `offset` into a new buffer; fewer only at the end of the file.
    func read(count: Int, at offset: Int, allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(LogError)
        -> ByteBuffer
    {
        try Self.read(descriptor: descriptor, count: count, at: offset, path: path, allocator: allocator)
    }

    /// Reads up to `count` bytes at `offset` of an open descriptor; fewer only at the end of the file.
    static func read(
        descriptor: Int32, count: Int, at offset: Int, path: String,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(LogError) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: count)
        guard count > 0 else { return buffer }
        var failed: Int32?
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { target in
            guard let base = target.baseAddress else { return 0 }
            var done = 0
            while done < count {
                let got = pread(descriptor, base + done, count - done, off_t(offset + done))
                if got < 0 {
                    if errno == EINTR { continue }
                    failed = errno
                    break
                }
                if got == 0 { break }
                done += got
            }
            return done
        }
        if let failed { throw .io(IOFailure(operation: "pread", path: path, errno: failed)) }
        return buffer
    }

    /// Makes the file's data durable (`fdatasync`; on Darwin `F_FULLFSYNC`, as a plain fsync there is not).
    func sync() throws(LogError) {
        if faults?.faults.syncs == true { throw .io(IOFailure(operation: "fsync", path: path, errno: EIO)) }
        #if canImport(Darwin)
            guard fcntl(descriptor, F_FULLFSYNC) == 0 else { throw failure("fcntl(F_FULLFSYNC)") }
        #else
            guard fdatasync(descriptor) == 0 else { throw failure("fdatasync") }
        #endif
    }

    /// Closes a descriptor from `duplicateDescriptor()`.
    static func closeDuplicate(_ descriptor: Int32) {
        _ = systemClose(descriptor)
    }

    /// A second descriptor of the same open file, for an fsync on another thread while this one
    /// goes on writing; the caller closes it.
    func duplicateDescriptor() throws(LogError) -> Int32 {
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { throw failure("fcntl(F_DUPFD_CLOEXEC)") }
        return copy
    }

    /// Cuts the file to `size` bytes.
    func truncate(to size: Int) throws(LogError) {
        guard ftruncate(descriptor, off_t(size)) == 0 else { throw failure("ftruncate") }
    }

    /// Closes the descriptor; later calls fail with `EBADF`.
    func close() {
        if descriptor >= 0 { _ = systemClose(descriptor) }
        descriptor = -1
    }

    /// Removes the file at `path`; a file already gone is not an error.
    static func remove(_ path: String) throws(LogError) {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw .io(IOFailure(operation: "unlink", path: path, errno: errno))
        }
    }

    /// Renames `source` to `destination`, replacing it atomically.
    static func rename(_ source: String, to destination: String) throws(LogError) {
        guard systemRename(source, destination) == 0 else {
            throw .io(IOFailure(operation: "rename", path: destination, errno: errno))
        }
    }

    /// Makes a directory's entries (created, renamed, removed files) durable.
    static func syncDirectory(_ path: String, faults: IOFaultInjector?) throws(LogError) {
        let descriptor = systemOpen(path, O_RDONLY | O_CLOEXEC | O_DIRECTORY, 0)
        guard descriptor >= 0 else { throw .io(IOFailure(operation: "open", path: path, errno: errno)) }
        defer { _ = systemClose(descriptor) }
        if faults?.faults.syncs == true { throw .io(IOFailure(operation: "fsync", path: path, errno: EIO)) }
        guard fsync(descriptor) == 0 else { throw .io(IOFailure(operation: "fsync", path: path, errno: errno)) }
    }

    /// Creates `path` and its missing parents (mode 0755).
    static func createDirectory(_ path: String) throws(LogError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw .io(IOFailure(operation: "mkdir", path: prefix, errno: errno))
            }
            prefix += "/"
        }
    }

    /// The names of the entries of directory `path` (without `.` and `..`).
    static func contents(ofDirectory path: String) throws(LogError) -> [String] {
        guard let directory = opendir(path) else {
            throw .io(IOFailure(operation: "opendir", path: path, errno: errno))
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private func failure(_ operation: String) -> LogError {
        .io(IOFailure(operation: operation, path: path, errno: errno))
    }
}

// The C functions whose names the methods above shadow.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func systemClose(_ descriptor: Int32) -> Int32 { close(descriptor) }
private func systemRename(_ source: String, _ destination: String) -> Int32 { rename(source, destination) }
