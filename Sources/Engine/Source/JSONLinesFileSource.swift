#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A JSON-lines file as a source with one partition: the offset of a record is its line number
/// (from 0). Lines appended to the file while the stream runs are picked up; a line without its
/// final `\n` waits for it. Blank lines are not records.
public actor JSONLinesFileSource: StreamSource {
    public nonisolated let description: String
    public let path: String
    private let partition: SourcePartition
    /// Byte offset in the file where each complete line starts, and the end of the last one.
    private var lineStarts: [Int] = [0]
    /// The file, mapped; remapped when it grows.
    private var contents = MappedFile()
    private var start: Int64 = 0

    /// Lines per chunk handed to one worker.
    public let pieceLines: Int

    public init(path: String, pieceLines: Int = 65_536) {
        self.path = path
        self.pieceLines = max(1, pieceLines)
        description = "file[\(path)]"
        partition = SourcePartition(topic: path, partition: 0)
    }

    public func start(resume: [SourcePartition: Int64]) async throws(StreamError) -> [SourcePartition: Int64] {
        try refresh()
        start = resume[partition] ?? 0
        return [partition: start]
    }

    public func available() async throws(StreamError) -> [SourcePartition: Range<Int64>] {
        try refresh()
        return [partition: start..<Int64(lineStarts.count - 1)]
    }

    public func latest() async throws(StreamError) -> [SourcePartition: Int64] {
        try refresh()
        return [partition: Int64(lineStarts.count - 1)]
    }

    public func read(_ ranges: [SourcePartition: Range<Int64>]) async throws(StreamError) -> [SourceChunk] {
        guard let range = ranges[partition], !range.isEmpty else { return [] }
        try refresh()
        guard range.upperBound <= Int64(lineStarts.count - 1) else {
            throw .source("\(path) has \(lineStarts.count - 1) lines; a checkpoint asks for line \(range.upperBound)")
        }
        // Lines are copied in pieces of `pieceLines`, a whole run of lines at once when it holds no
        // blank line or carriage return (the usual case), line by line otherwise.
        var chunks: [SourceChunk] = []
        var first = Int(range.lowerBound)
        let end = Int(range.upperBound)
        contents.withUnsafeBytes { bytes in
            while first < end {
                let last = min(end, first + pieceLines)
                var chunk = SourceChunk(partition: partition)
                let byteRange = lineStarts[first]..<lineStarts[last]
                var plain = true
                chunk.offsets.reserveCapacity(last - first)
                for line in first..<last {
                    let start = lineStarts[line]
                    let next = lineStarts[line + 1]
                    if next - start < 2 || bytes[next - 2] == 0x0D || bytes[start] == 0x20 || bytes[start] == 0x09 {
                        plain = false
                        break
                    }
                    chunk.offsets.append(Int64(line))
                }
                if plain {
                    chunk.lines = Array(UnsafeRawBufferPointer(rebasing: bytes[byteRange]))
                } else {
                    chunk = SourceChunk(partition: partition)
                    for line in first..<last {
                        var stop = lineStarts[line + 1] - 1
                        if stop > lineStarts[line] && bytes[stop - 1] == 0x0D { stop -= 1 }
                        let value = UnsafeRawBufferPointer(rebasing: bytes[lineStarts[line]..<stop])
                        if value.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                        chunk.append(offset: Int64(line), value: value)
                    }
                }
                if chunk.count > 0 { chunks.append(chunk) }
                first = last
            }
        }
        return chunks
    }

    public func run() async throws(StreamError) {}

    public func committed(_ ends: [SourcePartition: Int64]) async {}

    public func close() async {}

    /// Maps the file again when it grew, and indexes the complete lines appended since the last look.
    private func refresh() throws(StreamError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .source("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { _ = Glibc.close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw .source("cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        let size = Int(info.st_size)
        guard size > contents.count else { return }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw .source("cannot map \(path): \(String(cString: strerror(errno)))")
        }
        madvise(address, size, MADV_SEQUENTIAL)
        contents.unmap()
        contents = MappedFile(base: UnsafeRawPointer(address), count: size)
        var scan = lineStarts[lineStarts.count - 1]
        contents.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            while scan < bytes.count, let newline = memchr(base + scan, 0x0A, bytes.count - scan) {
                scan = base.distance(to: UnsafeRawPointer(newline)) + 1
                lineStarts.append(scan)
            }
        }
    }

    deinit {
        contents.unmap()
    }
}

/// A read-only memory mapping of a file (empty before the first map); owned by one source actor.
struct MappedFile: @unchecked Sendable {
    var base: UnsafeRawPointer?
    var count = 0

    func withUnsafeBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    mutating func unmap() {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
        base = nil
        count = 0
    }
}
