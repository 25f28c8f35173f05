#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file written under a hidden temporary name in the target directory, fsynced and renamed to
/// its final name only by `commit()`; `discard()` (or never committing) leaves no file behind.
///
/// A part file (`init(part:resumingAt:)`) is written in place instead: `sync()` makes what was written
/// durable, `finish()` fsyncs and closes without renaming, and an unfinished part stays on disk so a
/// later writer can cut it back to a synced length and continue.
final class ParquetOutputFile {
    let path: String
    let temporaryPath: String
    let isPart: Bool
    private var descriptor: Int32
    private(set) var position: Int64 = 0

    /// Opens a part in place: a new file (`resumingAt` nil; it must not exist) or an existing one cut
    /// back to `resumingAt` bytes.
    init(part path: String, resumingAt length: Int64?) throws(ParquetError) {
        self.path = path
        temporaryPath = path
        isPart = true
        if let length {
            descriptor = open(path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw .io("cannot open \(path): \(Self.lastError())") }
            guard ftruncate(descriptor, off_t(length)) == 0,
                lseek(descriptor, off_t(length), SEEK_SET) == off_t(length),
                fsync(descriptor) == 0
            else {
                let message = Self.lastError()
                close(descriptor)
                descriptor = -1
                throw .io("cannot cut \(path) back to \(length) bytes: \(message)")
            }
            position = length
        } else {
            descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw .io("cannot create \(path): \(Self.lastError())") }
        }
    }

    /// Makes everything written so far durable (a part file).
    func sync() throws(ParquetError) {
        guard fsync(descriptor) == 0 else { throw .io("fsync \(path) failed: \(Self.lastError())") }
    }

    /// Closes the file descriptor, leaving the file as it is (a part file).
    func release() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }

    init(path: String) throws(ParquetError) {
        self.path = path
        isPart = false
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else { throw .invalidArgument("output path '\(path)' has no file name") }
        temporaryPath = "\(directory)/.\(name).\(UInt32.random(in: 0...UInt32.max)).tmp"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io("cannot create \(temporaryPath): \(Self.lastError())") }
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
            if !isPart { unlink(temporaryPath) }
        }
    }

    func write(_ bytes: [UInt8]) throws(ParquetError) {
        var failure: ParquetError?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count, let base = raw.baseAddress {
                let written = systemWrite(descriptor, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = .io("write to \(temporaryPath) failed: \(Self.lastError())")
                    return
                }
                offset += written
            }
        }
        if let failure { throw failure }
        position += Int64(bytes.count)
    }

    /// Flushes to disk and renames to the final name (a part file: flushes and closes in place).
    func commit() throws(ParquetError) {
        if isPart {
            try sync()
            release()
            return
        }
        guard fsync(descriptor) == 0 else { throw .io("fsync \(temporaryPath) failed: \(Self.lastError())") }
        guard close(descriptor) == 0 else {
            descriptor = -1
            unlink(temporaryPath)
            throw .io("close \(temporaryPath) failed: \(Self.lastError())")
        }
        descriptor = -1
        guard rename(temporaryPath, path) == 0 else {
            let message = Self.lastError()
            unlink(temporaryPath)
            throw .io("rename to \(path) failed: \(message)")
        }
        // Make the rename itself durable.
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let dirDescriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_CLOEXEC)
        if dirDescriptor >= 0 {
            fsync(dirDescriptor)
            close(dirDescriptor)
        }
    }

    /// Closes and deletes the temporary file (a part file is only closed).
    func discard() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
            if !isPart { unlink(temporaryPath) }
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}

@inline(__always)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
