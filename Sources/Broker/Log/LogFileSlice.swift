import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole batches of a segment file as a byte range, with a descriptor of their own, so they can be
/// sent with sendfile (a `FileRegion`) after the log has moved on, rolled or deleted the segment.
/// The descriptor is closed when the slice goes, unless `take()` handed it over first.
package final class LogFileSlice: Sendable {
    /// Where the batches start in the file, and their total size.
    package let position: Int
    package let length: Int
    /// Whether a batch is zstd-compressed (readers before Fetch v10 cannot decode zstd).
    package let containsZstd: Bool
    private let descriptor: Atomic<Int32>

    init(descriptor: Int32, position: Int, length: Int, containsZstd: Bool) {
        self.descriptor = Atomic(descriptor)
        self.position = position
        self.length = length
        self.containsZstd = containsZstd
    }

    /// The descriptor, now the caller's to close; nil when it was taken before.
    package func take() -> Int32? {
        let taken = descriptor.exchange(-1, ordering: .acquiringAndReleasing)
        return taken >= 0 ? taken : nil
    }

    /// The bytes, read with `pread` (for tests and for writing the slice where sendfile cannot go).
    package func read() throws(LogError) -> ByteBuffer {
        let current = descriptor.load(ordering: .acquiring)
        guard current >= 0 else { throw .io(IOFailure(operation: "pread", path: "slice", errno: EBADF)) }
        let buffer = try BlockingFile.read(descriptor: current, count: length, at: position, path: "slice")
        guard buffer.readableBytes == length else {
            throw .io(IOFailure(operation: "pread", path: "slice", errno: EIO))
        }
        return buffer
    }

    deinit {
        let left = descriptor.load(ordering: .acquiring)
        if left >= 0 { BlockingFile.closeDuplicate(left) }
    }
}
