#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A read-only memory mapping of a file, unmapped when the last reference goes: chunks cut from it
/// keep it alive, so the source can map the file again when it grows without invalidating them.
public final class MappedRegion: @unchecked Sendable {
    // Immutable after init: the mapping is never written, only read.
    private let base: UnsafeRawPointer
    public let count: Int

    /// Maps the first `count` bytes of the open file `path`, read-only.
    public init(descriptor: Int32, count: Int, path: String) throws(StreamError) {
        guard count > 0 else { throw .source("cannot map \(path): it is empty") }
        guard let address = mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw .source("cannot map \(path): \(String(cString: strerror(errno)))")
        }
        madvise(address, count, MADV_SEQUENTIAL)
        base = UnsafeRawPointer(address)
        self.count = count
    }

    public func withUnsafeBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Drops the pages wholly inside `range` from this process's memory (MADV_DONTNEED): they stay in the
    /// page cache, and a later read of them faults them in again from the file. Keeps a scan of a large
    /// file, and the batches already committed, from counting against the process's resident memory.
    public func release(_ range: Range<Int>) {
        let page = Self.pageSize
        let clamped = range.clamped(to: 0..<count)
        let start = (clamped.lowerBound + page - 1) / page * page
        let end = clamped.upperBound == count ? count : clamped.upperBound / page * page
        guard end > start else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }

    /// The bytes of `range` without copying them.
    public func window(_ range: Range<Int>) -> Window {
        Window(region: self, range: range.clamped(to: 0..<count))
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), count)
    }

    /// A range of a mapping, holding the mapping alive.
    public struct Window: Sendable {
        public let region: MappedRegion
        public let range: Range<Int>

        public func withUnsafeBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
            try region.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
        }

        /// Drops this window's whole pages from resident memory (see `MappedRegion.release`): reading it
        /// again faults them in from the file.
        public func release() { region.release(range) }

        /// A narrower window of the same mapping (`bytes` relative to this window).
        public func slice(_ bytes: Range<Int>) -> Window {
            Window(region: region, range: (range.lowerBound + bytes.lowerBound)..<(range.lowerBound + bytes.upperBound))
        }
    }
}
