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
    private var contents: [UInt8] = []
    private var start: Int64 = 0

    public init(path: String) {
        self.path = path
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
        var chunk = SourceChunk(partition: partition)
        chunk.lines.reserveCapacity(lineStarts[Int(range.upperBound)] - lineStarts[Int(range.lowerBound)])
        contents.withUnsafeBytes { bytes in
            for line in Int(range.lowerBound)..<Int(range.upperBound) {
                var end = lineStarts[line + 1] - 1
                if end > lineStarts[line] && bytes[end - 1] == 0x0D { end -= 1 }
                let value = UnsafeRawBufferPointer(rebasing: bytes[lineStarts[line]..<end])
                if value.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                chunk.append(offset: Int64(line), value: value)
            }
        }
        return [chunk]
    }

    public func run() async throws(StreamError) {}

    public func committed(_ ends: [SourcePartition: Int64]) async {}

    public func close() async {}

    /// Reads what was appended since the last look, indexing complete lines.
    private func refresh() throws(StreamError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .source("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { _ = Glibc.close(descriptor) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var position = contents.count
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(position)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .source("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            contents.append(contentsOf: chunk[0..<count])
            position += count
        }
        var scan = lineStarts[lineStarts.count - 1]
        contents.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            while scan < bytes.count, let newline = memchr(base + scan, 0x0A, bytes.count - scan) {
                scan = base.distance(to: UnsafeRawPointer(newline)) + 1
                lineStarts.append(scan)
            }
        }
    }
}
