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
    /// The file, mapped (nil while empty); mapped again when it grows, the old mapping living on as
    /// long as chunks cut from it do.
    private var contents: MappedRegion?
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
        // Lines go out in pieces of `pieceLines`: a window of the mapping, not copied, when the piece
        // holds no blank line or carriage return (the usual case), copied line by line otherwise.
        guard let contents else { throw .source("\(path) is empty; a checkpoint asks for line \(range.upperBound)") }
        var chunks: [SourceChunk] = []
        var first = Int(range.lowerBound)
        let end = Int(range.upperBound)
        contents.withUnsafeBytes { bytes in
            while first < end {
                let last = min(end, first + pieceLines)
                var chunk: SourceChunk
                var plain = true
                for line in first..<last {
                    let start = lineStarts[line]
                    let next = lineStarts[line + 1]
                    if next - start < 2 || bytes[next - 2] == 0x0D || bytes[start] == 0x20 || bytes[start] == 0x09 {
                        plain = false
                        break
                    }
                }
                if plain {
                    chunk = SourceChunk(
                        partition: partition, offsets: (first..<last).map { Int64($0) },
                        mapped: contents.window(lineStarts[first]..<lineStarts[last]))
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

    /// Committed lines are not read again in this run (a restart maps the file anew): their pages leave
    /// the process's resident memory.
    public func committed(_ ends: [SourcePartition: Int64]) async {
        guard let end = ends[partition], end > 0, let contents else { return }
        contents.release(0..<lineStarts[min(Int(end), lineStarts.count - 1)])
    }

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
        guard size > (contents?.count ?? 0) else { return }
        let mapping = try MappedRegion(descriptor: descriptor, count: size, path: path)
        contents = mapping
        // Finding the lines touches every new page: they are released 16 MiB at a time, and batches fault
        // in again only the ones they read.
        var scan = lineStarts[lineStarts.count - 1]
        var released = scan
        mapping.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            while scan < bytes.count, let newline = memchr(base + scan, 0x0A, bytes.count - scan) {
                scan = base.distance(to: UnsafeRawPointer(newline)) + 1
                lineStarts.append(scan)
                if scan - released >= 16 << 20 {
                    mapping.release(released..<scan)
                    released = scan
                }
            }
        }
        mapping.release(released..<scan)
    }
}
