import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open file with blocking positional I/O: the one file layer every durable write of Souk goes
/// through (the broker's logs, indexes and checkpoints, the group offsets, the engine's checkpoints,
/// Delta logs and Parquet parts). Each call blocks its thread, so callers keep it off Swift's
/// cooperative pool. Writes, syncs, truncations, renames and removals are reported to an installed
/// `PowerLossSimulator` (tests only), which can then cut the files back to what a power loss would leave.
///
/// Sendable so its owner can move it between threads (the offsets log's thread, a log's event loop);
/// it has one owner at a time, and only `close()` changes it.
package final class DiskFile: @unchecked Sendable {
    /// The file's path.
    package let path: String
    private var descriptor: Int32
    private let faults: FileFaults?

    private init(path: String, descriptor: Int32, faults: FileFaults?) {
        self.path = path
        self.descriptor = descriptor
        self.faults = faults
    }

    deinit {
        if descriptor >= 0 { _ = systemClose(descriptor) }
    }

    /// Opens `path` for reading and writing (or only reading), creating it when `create` is true
    /// (only when it does not exist yet with `exclusive`), emptied with `truncate`.
    package static func open(
        _ path: String, create: Bool = false, exclusive: Bool = false, truncate: Bool = false,
        readOnly: Bool = false, faults: FileFaults? = nil
    ) throws(FileFailure) -> DiskFile {
        var flags = (readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC
        if create { flags |= O_CREAT }
        if exclusive { flags |= O_EXCL }
        if truncate { flags |= O_TRUNC }
        let journal = readOnly ? nil : PowerLossSimulator.covering(path)
        let existed = journal != nil && DiskFiles.exists(path)
        if let journal, !existed || truncate { try journal.check("open", path) }
        let descriptor = systemOpen(path, flags, 0o644)
        guard descriptor >= 0 else { throw FileFailure(operation: "open", path: path, errno: errno) }
        if let journal {
            if !existed {
                journal.created(path)
            } else if truncate {
                journal.truncating(path, to: 0)
            }
        }
        return DiskFile(path: path, descriptor: descriptor, faults: faults)
    }

    /// The file's size in bytes.
    package func size() throws(FileFailure) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure("fstat") }
        return Int(status.st_size)
    }

    /// The file's last modification time, in milliseconds since the Unix epoch.
    package func modificationTimeMilliseconds() throws(FileFailure) -> Int64 {
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
    package func write(_ buffer: ByteBuffer, at offset: Int) throws(FileFailure) {
        let failed: FileFailure? = buffer.withUnsafeReadableBytes { bytes in
            do throws(FileFailure) { try self.write(bytes, at: offset) } catch { return error }
            return nil
        }
        if let failed { throw failed }
    }

    /// Writes all of `bytes` at `offset`.
    package func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileFailure) {
        if let journal = PowerLossSimulator.covering(path) {
            try journal.check("pwrite", path)
            journal.writing(path, descriptor: descriptor)
        }
        guard let base = bytes.baseAddress else { return }
        var written = 0
        while written < bytes.count {
            if faults?.faults.writes == true { throw FileFailure(operation: "pwrite", path: path, errno: EIO) }
            let count = pwrite(descriptor, base + written, bytes.count - written, off_t(offset + written))
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("pwrite")
            }
            written += count
        }
    }

    /// Writes all of `bytes` at `offset`.
    package func write(_ bytes: [UInt8], at offset: Int) throws(FileFailure) {
        let failed: FileFailure? = bytes.withUnsafeBytes { raw in
            do throws(FileFailure) { try self.write(raw, at: offset) } catch { return error }
            return nil
        }
        if let failed { throw failed }
    }

    /// Reads up to `count` bytes at `offset` into a new buffer; fewer only at the end of the file.
    package func read(count: Int, at offset: Int, allocator: ByteBufferAllocator = ByteBufferAllocator())
        throws(FileFailure) -> ByteBuffer
    {
        try Self.read(descriptor: descriptor, count: count, at: offset, path: path, allocator: allocator)
    }

    /// Reads up to `count` bytes at `offset` of an open descriptor; fewer only at the end of the file.
    package static func read(
        descriptor: Int32, count: Int, at offset: Int, path: String,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(FileFailure) -> ByteBuffer {
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
        if let failed { throw FileFailure(operation: "pread", path: path, errno: failed) }
        return buffer
    }

    /// Makes the file's data durable (`fdatasync`; on Darwin `F_FULLFSYNC`, as a plain fsync there is not).
    package func sync() throws(FileFailure) {
        if faults?.faults.syncs == true { throw FileFailure(operation: "fsync", path: path, errno: EIO) }
        try Self.sync(descriptor: descriptor, path: path)
    }

    /// Makes the data of an open descriptor of the file at `path` durable; for an fsync on another
    /// thread through a `duplicateDescriptor()` while the owner goes on writing.
    package static func sync(descriptor: Int32, path: String) throws(FileFailure) {
        let journal = PowerLossSimulator.covering(path)
        var size = 0
        if let journal {
            try journal.check("fsync", path)
            var status = stat()
            if fstat(descriptor, &status) == 0 { size = Int(status.st_size) }
        }
        #if canImport(Darwin)
            guard fcntl(descriptor, F_FULLFSYNC) == 0 else {
                throw FileFailure(operation: "fcntl(F_FULLFSYNC)", path: path, errno: errno)
            }
        #else
            guard fdatasync(descriptor) == 0 else {
                throw FileFailure(operation: "fdatasync", path: path, errno: errno)
            }
        #endif
        journal?.synced(path, size: size)
    }

    /// Closes a descriptor from `duplicateDescriptor()`.
    package static func closeDuplicate(_ descriptor: Int32) {
        _ = systemClose(descriptor)
    }

    /// A second descriptor of the same open file, for an fsync on another thread while this one
    /// goes on writing, or for `sendfile`; the caller closes it.
    package func duplicateDescriptor() throws(FileFailure) -> Int32 {
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { throw failure("fcntl(F_DUPFD_CLOEXEC)") }
        return copy
    }

    /// Cuts the file to `size` bytes.
    package func truncate(to size: Int) throws(FileFailure) {
        let journal = PowerLossSimulator.covering(path)
        try journal?.check("ftruncate", path)
        guard ftruncate(descriptor, off_t(size)) == 0 else { throw failure("ftruncate") }
        journal?.truncating(path, to: size)
    }

    /// Closes the descriptor; later calls fail with `EBADF`.
    package func close() {
        if descriptor >= 0 { _ = systemClose(descriptor) }
        descriptor = -1
    }

    private func failure(_ operation: String) -> FileFailure {
        FileFailure(operation: operation, path: path, errno: errno)
    }
}

// The C functions whose names the methods above shadow.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func systemClose(_ descriptor: Int32) -> Int32 { close(descriptor) }
