#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a reader's bytes come from: memory or a file read with `pread`.
final class ParquetByteSource: Sendable {
    private enum Storage: Sendable {
        case memory([UInt8])
        case file(Int32)
    }

    private let storage: Storage
    let size: Int

    init(bytes: [UInt8]) {
        storage = .memory(bytes)
        size = bytes.count
    }

    init(path: String) throws(ParquetError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io("cannot open \(path): \(String(cString: strerror(errno)))") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw .io("cannot stat \(path)")
        }
        storage = .file(fd)
        size = Int(info.st_size)
    }

    deinit {
        if case .file(let fd) = storage { close(fd) }
    }

    /// Reads `length` bytes at `offset`; the range must lie inside the source.
    func read(offset: Int, length: Int) throws(ParquetError) -> [UInt8] {
        guard offset >= 0, length >= 0, offset <= size, length <= size - offset else {
            throw .corrupt("range \(offset)+\(length) outside the file of \(size) bytes")
        }
        switch storage {
        case .memory(let bytes):
            return Array(bytes[offset..<(offset + length)])
        case .file(let fd):
            var failed = false
            let result = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
                var done = 0
                while done < length, let base = buffer.baseAddress {
                    let n = pread(fd, base + done, length - done, off_t(offset + done))
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 {
                        failed = true
                        break
                    }
                    done += n
                }
                if failed { buffer.initialize(repeating: 0) }
                initialized = length
            }
            if failed { throw .io("short read at \(offset)") }
            return result
        }
    }
}
