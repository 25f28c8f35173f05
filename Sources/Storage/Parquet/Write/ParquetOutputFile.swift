#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file written under a hidden temporary name in the target directory, fsynced and renamed to
/// its final name only by `commit()`; `discard()` (or never committing) leaves no file behind.
final class ParquetOutputFile {
    let path: String
    let temporaryPath: String
    private var descriptor: Int32
    private(set) var position: Int64 = 0

    init(path: String) throws(ParquetError) {
        self.path = path
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
            unlink(temporaryPath)
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

    /// Flushes to disk and renames to the final name.
    func commit() throws(ParquetError) {
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

    /// Closes and deletes the temporary file.
    func discard() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
            unlink(temporaryPath)
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}

@inline(__always)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
