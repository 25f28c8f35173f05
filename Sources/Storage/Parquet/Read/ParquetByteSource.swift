import Synchronization

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
    private let read = Atomic<Int>(0)

    /// Bytes read so far (footer, indexes, pages), by every thread.
    var bytesRead: Int { read.load(ordering: .relaxed) }

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
        try read([(offset, length)])
    }

    /// Reads the byte ranges `ranges` back to back into one array (allocated once); each range must
    /// lie inside the source.
    func read(_ ranges: [(offset: Int, length: Int)]) throws(ParquetError) -> [UInt8] {
        var total = 0
        for (offset, length) in ranges {
            guard offset >= 0, length >= 0, offset <= size, length <= size - offset else {
                throw .corrupt("range \(offset)+\(length) outside the file of \(size) bytes")
            }
            total += length
        }
        read.add(total, ordering: .relaxed)
        var failedAt: Int?
        let result = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            var position = 0
            for (offset, length) in ranges {
                guard failedAt == nil, let base = buffer.baseAddress else { break }
                switch storage {
                case .memory(let bytes):
                    bytes.withUnsafeBufferPointer { source in
                        if let start = source.baseAddress, length > 0 {
                            (base + position).initialize(from: start + offset, count: length)
                        }
                    }
                case .file(let fd):
                    var done = 0
                    while done < length {
                        let n = pread(fd, base + position + done, length - done, off_t(offset + done))
                        if n < 0 && errno == EINTR { continue }
                        if n <= 0 {
                            failedAt = offset + done
                            break
                        }
                        done += n
                    }
                }
                position += length
            }
            if failedAt != nil { buffer.initialize(repeating: 0) }
            initialized = total
        }
        if let failedAt { throw .io("short read at \(failedAt)") }
        return result
    }
}
