import NIOCore

/// Walks the batches of a segment file from a position, reading it in chunks: headers only, or whole batches
/// with their CRC-32C checked. Used by recovery, index rebuilds and to find where an offset's batch starts.
struct BatchScanner {
    /// What the scanner found at its position.
    enum Step {
        /// A batch of `header.totalSize` bytes at `position`; `bytes` holds it when the scan validates.
        case batch(header: BatchHeader, position: Int, bytes: ByteBuffer?)
        /// The end of the scanned region, exactly at a batch boundary.
        case end
        /// Bytes at `position` that are not a valid batch; the scan stops there.
        case invalid(position: Int, defect: BatchDefect)
    }

    private let file: BlockingFile
    private let end: Int
    private let chunkSize: Int
    private let validates: Bool
    private let maximumSize: Int
    /// The position of the next batch.
    private(set) var position: Int
    private var chunk = ByteBuffer()
    private var chunkStart = 0

    /// Scans `file` from `position` up to `end`, reading `chunkSize` bytes at a time. With `validates`,
    /// each batch's length, magic and CRC-32C are checked and its bytes returned.
    init(
        file: BlockingFile, from position: Int, to end: Int, chunkSize: Int = 1 << 20, validates: Bool,
        maximumSize: Int = Int(Int32.max)
    ) {
        self.file = file
        self.position = position
        self.end = end
        self.chunkSize = max(chunkSize, BatchHeader.size)
        self.validates = validates
        self.maximumSize = maximumSize
    }

    /// The next batch, the end, or why the bytes at the position are not a batch.
    mutating func next() throws(LogError) -> Step {
        guard position < end else { return .end }
        let headerBytes = min(BatchHeader.size, end - position)
        try ensureLoaded(count: headerBytes)
        guard let header = BatchHeader(parsing: chunk, at: position - chunkStart) else {
            return .invalid(position: position, defect: .truncated(available: end - position, needed: BatchHeader.size))
        }
        do {
            try header.validate(maximumSize: maximumSize)
        } catch {
            return .invalid(position: position, defect: error)
        }
        let size = header.totalSize
        guard size <= end - position else {
            return .invalid(position: position, defect: .truncated(available: end - position, needed: size))
        }
        var bytes: ByteBuffer?
        if validates {
            try ensureLoaded(count: size)
            guard let slice = chunk.getSlice(at: position - chunkStart, length: size) else {
                return .invalid(position: position, defect: .truncated(available: end - position, needed: size))
            }
            let computed = StoredBatch.checksum(of: slice)
            guard computed == header.crc else {
                return .invalid(position: position, defect: .checksumMismatch(stored: header.crc, computed: computed))
            }
            bytes = slice
        }
        let step = Step.batch(header: header, position: position, bytes: bytes)
        position += size
        return step
    }

    /// Makes `count` bytes from `position` available in `chunk`, reading the file when they are not.
    private mutating func ensureLoaded(count: Int) throws(LogError) {
        let offsetInChunk = position - chunkStart
        if offsetInChunk >= 0, offsetInChunk + count <= chunk.writerIndex { return }
        let length = min(max(chunkSize, count), end - position)
        chunk = try file.read(count: length, at: position)
        chunkStart = position
    }
}
