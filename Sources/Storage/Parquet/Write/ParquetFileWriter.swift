import Dispatch
import NIOCore

/// Writes a Parquet file from columnar batches, one row group at a time.
///
/// Append batches with `append(_:)`; a row group is flushed when it reaches the configured row or
/// byte limit, so memory stays bounded. `close()` writes the page indexes and the footer. A file
/// written to a path appears under its final name only after a successful `close()`.
public final class ParquetFileWriter {
    public let schema: ParquetSchema
    public let configuration: ParquetWriterConfiguration

    private enum Sink {
        case file(ParquetOutputFile)
        case memory(ByteBuffer)
    }

    private var sink: Sink
    private var columns: [ColumnChunkWriter]
    private var rowGroups: [RowGroup] = []
    private var pageIndexes: [[(ColumnIndex?, OffsetIndex?)]] = []
    private var rowsInGroup = 0
    private var position: Int64 = 0
    private var closed = false
    private var memoryResult: ByteBuffer?

    /// Starts a file at `path` (written to a temporary name in the same directory until `close()`).
    public convenience init(
        path: String, schema: ParquetSchema, configuration: ParquetWriterConfiguration = .init()
    ) throws(ParquetError) {
        try self.init(sink: .file(ParquetOutputFile(path: path)), schema: schema, configuration: configuration)
    }

    /// Starts a file in memory; `finishInMemory()` returns its bytes.
    public convenience init(schema: ParquetSchema, configuration: ParquetWriterConfiguration = .init())
        throws(ParquetError)
    {
        try self.init(
            sink: .memory(ByteBufferAllocator().buffer(capacity: 1 << 16)), schema: schema, configuration: configuration
        )
    }

    private init(
        sink: Sink, schema: ParquetSchema, configuration: ParquetWriterConfiguration, resume: ParquetPartState? = nil
    ) throws(ParquetError) {
        try schema.validate()
        try configuration.validate()
        self.schema = schema
        self.configuration = configuration
        self.sink = sink
        self.columns = schema.columns.map { ColumnChunkWriter(column: $0, configuration: configuration) }
        if let resume {
            let saved = try FileMetaData.decode(resume.rowGroups)
            rowGroups = saved.rowGroups
            pageIndexes = rowGroups.map { Array(repeating: (nil, nil), count: $0.columns.count) }
            position = resume.length
            rowCount = Int(resume.rows)
        } else {
            try write(Self.magic)
        }
    }

    /// Starts a part file at `path`, written in place (see `partState`). Part files carry no page
    /// indexes.
    public convenience init(
        part path: String, schema: ParquetSchema, configuration: ParquetWriterConfiguration = .init()
    ) throws(ParquetError) {
        var configuration = configuration
        configuration.writePageIndex = false
        try self.init(
            sink: .file(ParquetOutputFile(part: path, resumingAt: nil)), schema: schema, configuration: configuration)
    }

    /// Continues a part file from a state `syncPart()` returned: the file is cut back to that state's
    /// length (what was appended after it is dropped) and the row groups it lists are kept.
    public convenience init(
        resumingPart path: String, at state: ParquetPartState, schema: ParquetSchema,
        configuration: ParquetWriterConfiguration = .init()
    ) throws(ParquetError) {
        var configuration = configuration
        configuration.writePageIndex = false
        try self.init(
            sink: .file(ParquetOutputFile(part: path, resumingAt: state.length)), schema: schema,
            configuration: configuration, resume: state)
    }

    /// Writes the buffered rows as a row group, fsyncs the part and returns its durable state.
    public func syncPart() throws(ParquetError) -> ParquetPartState {
        guard case .file(let file) = sink, file.isPart else {
            throw .invalidArgument("the writer does not write a part")
        }
        try flushRowGroup()
        try file.sync()
        return partState
    }

    /// The part's state as of the last row group written: its length, rows and row-group metadata.
    public var partState: ParquetPartState {
        var saved = FileMetaData()
        saved.schema = [rootElement()] + schema.columns.map { $0.schemaElement() }
        saved.numRows = rowGroups.reduce(0) { $0 + $1.numRows }
        saved.rowGroups = rowGroups
        return ParquetPartState(length: position, rows: Int64(rowCount - rowsInGroup), rowGroups: saved.encoded())
    }

    /// Bytes written so far.
    public var length: Int64 { position }

    /// Closes the file without a footer (a part file stays as it is, to be resumed).
    public func abandon() {
        if case .file(let file) = sink {
            file.discard()
        }
        closed = true
    }

    deinit {
        if case .file(let file) = sink, !closed { file.discard() }
    }

    static let magic: [UInt8] = Array("PAR1".utf8)

    /// Rows from which a slice is worth spreading over threads (with `parallelColumns`).
    static let parallelRows = 8_192

    /// Runs `body` on every column writer: concurrently when asked and configured (each call owns
    /// its column; the first error in column order is thrown), in column order otherwise.
    private func forEachColumn(
        concurrently: Bool, _ body: (Int, inout ColumnChunkWriter) throws(ParquetError) -> Void
    ) throws(ParquetError) {
        guard concurrently && configuration.parallelColumns && columns.count > 1 else {
            for c in columns.indices { try body(c, &columns[c]) }
            return
        }
        var errors = [ParquetError?](repeating: nil, count: columns.count)
        withoutActuallyEscaping(body) { body in
            columns.withUnsafeMutableBufferPointer { writers in
                errors.withUnsafeMutableBufferPointer { errors in
                    // Each iteration touches only index `c` of both buffers, and `body` only its
                    // column: no two threads share mutable state, which the compiler cannot see.
                    let shared = ColumnWork(body: body, writers: writers, errors: errors)
                    DispatchQueue.concurrentPerform(iterations: writers.count) { c in shared.run(c) }
                }
            }
        }
        if let error = errors.lazy.compactMap({ $0 }).first { throw error }
    }

    /// What the threads of `forEachColumn` share: disjoint elements of two buffers.
    private struct ColumnWork: @unchecked Sendable {
        let body: (Int, inout ColumnChunkWriter) throws(ParquetError) -> Void
        let writers: UnsafeMutableBufferPointer<ColumnChunkWriter>
        let errors: UnsafeMutableBufferPointer<ParquetError?>

        func run(_ c: Int) {
            do throws(ParquetError) { try body(c, &writers[c]) } catch { errors[c] = error }
        }
    }

    /// Rows written so far, including rows still buffered.
    public private(set) var rowCount = 0

    /// Appends a batch: one buffer per schema column, all with the same row count.
    public func append(_ batch: [ParquetColumnBuffer]) throws(ParquetError) {
        guard !closed else { throw .invalidArgument("writer is closed") }
        guard batch.count == schema.columns.count else {
            throw .invalidArgument("batch has \(batch.count) columns, schema has \(schema.columns.count)")
        }
        let rows = batch.first?.rowCount ?? 0
        for (buffer, column) in zip(batch, schema.columns) {
            guard buffer.rowCount == rows else {
                throw .invalidArgument("column '\(column.name)' has \(buffer.rowCount) rows, expected \(rows)")
            }
            try buffer.validate(column: column)
        }
        var valueCursor = [Int](repeating: 0, count: batch.count)
        var row = 0
        while row < rows {
            let take = min(rows - row, configuration.rowGroupRowLimit - rowsInGroup, 65_536)
            let slice = row..<(row + take)
            try forEachColumn(concurrently: take >= Self.parallelRows) { c, column throws(ParquetError) in
                try column.append(batch[c], rows: slice, firstValue: valueCursor[c])
            }
            for c in columns.indices {
                if let validity = batch[c].validity {
                    var present = 0
                    for i in slice where validity[i] { present += 1 }
                    valueCursor[c] += present
                } else {
                    valueCursor[c] += take
                }
            }
            row += take
            rowsInGroup += take
            rowCount += take
            if rowsInGroup >= configuration.rowGroupRowLimit
                || columns.reduce(0, { $0 + $1.bufferedBytes }) >= configuration.rowGroupByteLimit
            {
                try flushRowGroup()
            }
        }
    }

    /// Writes the buffered rows as a row group now (no-op when nothing is buffered).
    public func flushRowGroup() throws(ParquetError) {
        guard rowsInGroup > 0 else { return }
        try forEachColumn(concurrently: rowsInGroup >= Self.parallelRows) { _, column throws(ParquetError) in
            try column.seal()
        }
        let groupStart = position
        var group = RowGroup()
        var indexes: [(ColumnIndex?, OffsetIndex?)] = []
        var uncompressed: Int64 = 0
        var compressed: Int64 = 0
        for c in columns.indices {
            let start = position
            let output = try columns[c].finish(at: start)
            try write(output.dictionaryPage)
            for page in output.dataPages { try write(page) }
            // Check our own bookkeeping before the footer records it.
            let meta = output.chunk.metaData
            guard position == start + Int64(output.compressedSize),
                meta?.totalCompressedSize == Int64(output.compressedSize),
                meta?.dataPageOffset == start + Int64(output.dictionaryPage.count),
                meta?.numValues == Int64(rowsInGroup)
            else { throw .corrupt("internal offset mismatch writing column '\(schema.columns[c].name)'") }
            group.columns.append(output.chunk)
            indexes.append((output.columnIndex, output.offsetIndex))
            uncompressed += Int64(output.uncompressedSize)
            compressed += Int64(output.compressedSize)
        }
        guard position - groupStart == compressed else { throw .corrupt("internal row group size mismatch") }
        group.numRows = Int64(rowsInGroup)
        group.totalByteSize = uncompressed
        group.totalCompressedSize = compressed
        group.fileOffset = groupStart
        group.ordinal = Int16(truncatingIfNeeded: rowGroups.count)
        rowGroups.append(group)
        pageIndexes.append(indexes)
        rowsInGroup = 0
    }

    /// Flushes the last row group, writes page indexes and the footer; a path-backed file is fsynced
    /// and renamed to its final name.
    public func close() throws(ParquetError) {
        guard !closed else { return }
        try flushRowGroup()
        if configuration.writePageIndex { try writePageIndexes() }
        var metadata = FileMetaData()
        metadata.version = 2
        metadata.schema = [rootElement()] + schema.columns.map { $0.schemaElement() }
        metadata.numRows = Int64(rowGroups.reduce(0) { $0 + $1.numRows })
        metadata.rowGroups = rowGroups
        if !configuration.keyValueMetadata.isEmpty {
            metadata.keyValueMetadata = configuration.keyValueMetadata.sorted { $0.key < $1.key }.map {
                KeyValue(key: $0.key, value: $0.value)
            }
        }
        metadata.createdBy = configuration.createdBy
        metadata.columnOrders = Array(repeating: .typeDefined, count: schema.columns.count)
        let footer = metadata.encoded()
        try write(footer)
        var tail: [UInt8] = []
        appendLittleEndian(UInt32(footer.count), to: &tail)
        tail.append(contentsOf: Self.magic)
        try write(tail)
        closed = true
        switch sink {
        case .file(let file): try file.commit()
        case .memory(let buffer):
            memoryResult = buffer
            sink = .memory(ByteBuffer())
        }
    }

    /// Closes an in-memory writer and returns the file's bytes.
    public func finishInMemory() throws(ParquetError) -> ByteBuffer {
        try close()
        guard let memoryResult else { throw .invalidArgument("writer does not write to memory") }
        return memoryResult
    }

    private func rootElement() -> SchemaElement {
        var root = SchemaElement(name: "schema")
        root.numChildren = Int32(schema.columns.count)
        return root
    }

    /// Column indexes of every chunk, then offset indexes, as other writers lay them out.
    private func writePageIndexes() throws(ParquetError) {
        for g in rowGroups.indices {
            for c in rowGroups[g].columns.indices {
                guard let index = pageIndexes[g][c].0 else { continue }
                let bytes = index.encoded()
                rowGroups[g].columns[c].columnIndexOffset = position
                rowGroups[g].columns[c].columnIndexLength = Int32(bytes.count)
                try write(bytes)
            }
        }
        for g in rowGroups.indices {
            for c in rowGroups[g].columns.indices {
                guard let index = pageIndexes[g][c].1 else { continue }
                let bytes = index.encoded()
                rowGroups[g].columns[c].offsetIndexOffset = position
                rowGroups[g].columns[c].offsetIndexLength = Int32(bytes.count)
                try write(bytes)
            }
        }
    }

    private func write(_ bytes: [UInt8]) throws(ParquetError) {
        guard !bytes.isEmpty else { return }
        switch sink {
        case .file(let file): try file.write(bytes)
        case .memory(var buffer):
            sink = .memory(ByteBuffer())  // keeps `buffer` uniquely referenced while it grows
            buffer.writeBytes(bytes)
            sink = .memory(buffer)
        }
        position += Int64(bytes.count)
    }
}
