import NIOCore

/// Reads flat columns of a Parquet file, one row group at a time.
///
/// The footer is validated when the reader opens; pages are read and decoded only for the requested
/// columns. Columns inside LIST, MAP or STRUCT groups are listed in `nestedColumnPaths` and throw
/// `ParquetError.unsupportedNestedColumn` when requested.
public final class ParquetFileReader: Sendable {
    public let configuration: ParquetReaderConfiguration
    /// The flat columns, in file order.
    public let schema: ParquetSchema
    /// Dotted paths of leaf columns that are nested or repeated (not readable).
    public let nestedColumnPaths: [String]
    /// Total rows.
    public let rowCount: Int
    /// File-level key-value metadata.
    public let keyValueMetadata: [String: String]
    /// The writer's `created_by`, if any.
    public let createdBy: String?

    package let metadata: FileMetaData
    let leaves: [LeafColumn]
    private let source: ParquetByteSource

    /// Opens the file at `path`.
    public convenience init(path: String, configuration: ParquetReaderConfiguration = .init()) throws(ParquetError) {
        try self.init(source: ParquetByteSource(path: path), configuration: configuration)
    }

    /// Reads a file held in memory.
    public convenience init(bytes: [UInt8], configuration: ParquetReaderConfiguration = .init()) throws(ParquetError) {
        try self.init(source: ParquetByteSource(bytes: bytes), configuration: configuration)
    }

    /// Reads a file held in a `ByteBuffer` (its readable bytes).
    public convenience init(buffer: ByteBuffer, configuration: ParquetReaderConfiguration = .init())
        throws(ParquetError)
    {
        try self.init(bytes: Array(buffer.readableBytesView), configuration: configuration)
    }

    private init(source: ParquetByteSource, configuration: ParquetReaderConfiguration) throws(ParquetError) {
        self.source = source
        self.configuration = configuration
        let size = source.size
        guard size >= 12 else { throw .corrupt("file of \(size) bytes is too small for Parquet") }
        let head = try source.read(offset: 0, length: 4)
        let tail = try source.read(offset: size - 8, length: 8)
        guard head == ParquetFileWriter.magic, Array(tail[4..<8]) == ParquetFileWriter.magic else {
            throw .corrupt("missing PAR1 magic")
        }
        let footerLength = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard footerLength <= size - 12 else { throw .corrupt("footer length \(footerLength) exceeds the file") }
        guard footerLength <= configuration.maxFooterSize else {
            throw .sizeLimitExceeded(what: "footer", size: footerLength, limit: configuration.maxFooterSize)
        }
        let footer = try source.read(offset: size - 8 - footerLength, length: footerLength)
        let metadata = try FileMetaData.decode(footer, limits: configuration.thriftLimits)
        self.metadata = metadata
        let leaves = try LeafColumn.resolve(metadata.schema)
        self.leaves = leaves
        schema = ParquetSchema(leaves.compactMap(\.column))
        nestedColumnPaths = leaves.filter { $0.column == nil }.map(\.dottedPath)
        for (g, group) in metadata.rowGroups.enumerated() where group.columns.count != leaves.count {
            throw .corrupt("row group \(g) has \(group.columns.count) column chunks for \(leaves.count) leaf columns")
        }
        guard metadata.numRows <= Int64(Int.max) else { throw .corrupt("num_rows out of range") }
        rowCount = Int(metadata.numRows)
        var kv: [String: String] = [:]
        for entry in metadata.keyValueMetadata ?? [] { kv[entry.key] = entry.value ?? "" }
        keyValueMetadata = kv
        createdBy = metadata.createdBy
    }

    /// Number of row groups.
    public var rowGroupCount: Int { metadata.rowGroups.count }

    /// Rows in row group `index`.
    public func rowCount(ofRowGroup index: Int) -> Int { Int(metadata.rowGroups[index].numRows) }

    /// Uncompressed bytes of row group `index`'s column chunks, as its writer recorded them.
    public func uncompressedSize(ofRowGroup index: Int) -> Int64 { metadata.rowGroups[index].totalByteSize }

    /// Decodes row group `index`; `columns` names the columns to read (nil: every flat column, in schema order).
    public func readRowGroup(_ index: Int, columns: [String]? = nil) throws(ParquetError) -> [ParquetColumnBuffer] {
        guard index >= 0, index < metadata.rowGroups.count else {
            throw .invalidArgument("row group \(index) out of \(metadata.rowGroups.count)")
        }
        let group = metadata.rowGroups[index]
        let names = columns ?? schema.columns.map(\.name)
        var result: [ParquetColumnBuffer] = []
        result.reserveCapacity(names.count)
        for name in names {
            let leafIndex = try leafIndex(of: name)
            result.append(try readColumnChunk(group: group, leafIndex: leafIndex))
        }
        return result
    }

    /// Reads every row group of the requested columns (tests and small files).
    public func readAll(columns: [String]? = nil) throws(ParquetError) -> [[ParquetColumnBuffer]] {
        var groups: [[ParquetColumnBuffer]] = []
        for g in 0..<rowGroupCount { groups.append(try readRowGroup(g, columns: columns)) }
        return groups
    }

    func leafIndex(of name: String) throws(ParquetError) -> Int {
        if let i = leaves.firstIndex(where: { $0.column != nil && $0.path == [name] }) { return i }
        if leaves.contains(where: { $0.path.first == name || $0.dottedPath == name }) {
            throw .unsupportedNestedColumn(name)
        }
        throw .unknownColumn(name)
    }

    /// Reads column `name` of row group `index` as its dictionary and one index per row, when every
    /// data page of the chunk is dictionary-encoded (byte arrays: or PLAIN after the dictionary filled
    /// up, those values appended to the dictionary) and no value is null; nil otherwise (then read it
    /// with `readRowGroup`). A reader that aggregates by the column works once per dictionary entry.
    public func readDictionaryColumn(_ index: Int, column name: String) throws(ParquetError)
        -> ParquetDictionaryColumn?
    {
        guard index >= 0, index < metadata.rowGroups.count else {
            throw .invalidArgument("row group \(index) out of \(metadata.rowGroups.count)")
        }
        let group = metadata.rowGroups[index]
        guard group.numRows > 0 else { return nil }
        var (bytes, reader) = try chunkReader(group: group, leafIndex: try leafIndex(of: name))
        return try reader.readDictionaryIndices(bytes, rowCount: Int(group.numRows))
    }

    /// The values of column `name` at rows `rows` of row group `index` (ascending, no row twice),
    /// decompressing and decoding only the pages that hold them: a reader that needs a wide column
    /// for a few rows (the ids of the top transactions) reads it this way.
    public func readRows(_ rows: [Int], ofRowGroup index: Int, column name: String) throws(ParquetError)
        -> ParquetColumnBuffer
    {
        guard index >= 0, index < metadata.rowGroups.count else {
            throw .invalidArgument("row group \(index) out of \(metadata.rowGroups.count)")
        }
        let group = metadata.rowGroups[index]
        for (position, row) in rows.enumerated() {
            guard row >= 0, row < Int(group.numRows), position == 0 || rows[position - 1] < row else {
                throw .invalidArgument("rows must ascend inside the row group's \(group.numRows) rows")
            }
        }
        let leafIndex = try leafIndex(of: name)
        guard let column = leaves[leafIndex].column else { throw .unsupportedNestedColumn(name) }
        guard !rows.isEmpty else {
            return ParquetColumnBuffer(
                ValueAccumulator(column.physicalType).values, validity: column.repetition == .optional ? [] : nil)
        }
        let chunk = group.columns[leafIndex]
        if let pages = try pagesHolding(rows, of: chunk, rowCount: Int(group.numRows)) {
            var reader = try ColumnChunkReader(
                leaf: leaves[leafIndex], column: column, metadata: pages.metadata, configuration: configuration)
            return try reader.readRows(
                pages.bytes, rowCount: Int(group.numRows), rows: rows, pageFirstRows: pages.firstRows)
        }
        var (bytes, reader) = try chunkReader(group: group, leafIndex: leafIndex)
        return try reader.readRows(bytes, rowCount: Int(group.numRows), rows: rows, pageFirstRows: nil)
    }

    /// Through the chunk's offset index (when it has one): its dictionary page, if any, and the data
    /// pages holding `rows`, read back to back, with each data page's first row. Nil without an index.
    private func pagesHolding(_ rows: [Int], of chunk: ColumnChunk, rowCount: Int) throws(ParquetError)
        -> (bytes: [UInt8], firstRows: [Int], metadata: ColumnMetaData)?
    {
        guard let indexOffset = chunk.offsetIndexOffset, let indexLength = chunk.offsetIndexLength,
            let meta = chunk.metaData, chunk.filePath == nil
        else { return nil }
        let limit = Int64(source.size) - 8
        guard indexOffset >= 4, indexLength > 0, indexOffset <= limit - Int64(indexLength) else {
            throw .corrupt("offset index \(indexOffset)+\(indexLength) lies outside the file")
        }
        let index = try OffsetIndex.decode(
            try source.read(offset: Int(indexOffset), length: Int(indexLength)), limits: configuration.thriftLimits)
        let pages = index.pageLocations
        let chunkStart = Self.chunkStart(meta)
        let chunkEnd = chunkStart + meta.totalCompressedSize
        guard let first = pages.first, first.firstRowIndex == 0, first.offset >= chunkStart, chunkEnd <= limit else {
            throw .corrupt("offset index does not start at the column chunk's first row")
        }
        for (number, page) in pages.enumerated() {
            let nextRow = number + 1 < pages.count ? pages[number + 1].firstRowIndex : Int64(rowCount)
            guard page.compressedPageSize > 0, page.offset >= chunkStart,
                page.offset <= chunkEnd - Int64(page.compressedPageSize), page.firstRowIndex < nextRow
            else { throw .corrupt("offset index page \(number) lies outside its column chunk") }
        }
        var bytes: [UInt8] = []
        if first.offset > chunkStart {  // the dictionary page
            bytes = try source.read(offset: Int(chunkStart), length: Int(first.offset - chunkStart))
        }
        var firstRows: [Int] = []
        var page = 0
        var pageEnd = -1  // the first row after the page read last
        for row in rows where row >= pageEnd {
            while page + 1 < pages.count, pages[page + 1].firstRowIndex <= Int64(row) { page += 1 }
            bytes += try source.read(offset: Int(pages[page].offset), length: Int(pages[page].compressedPageSize))
            firstRows.append(Int(pages[page].firstRowIndex))
            pageEnd = page + 1 < pages.count ? Int(pages[page + 1].firstRowIndex) : rowCount
        }
        var metadata = meta
        metadata.totalCompressedSize = Int64(bytes.count)
        return (bytes, firstRows, metadata)
    }

    private func readColumnChunk(group: RowGroup, leafIndex: Int) throws(ParquetError) -> ParquetColumnBuffer {
        let leaf = leaves[leafIndex]
        guard let column = leaf.column else { throw .unsupportedNestedColumn(leaf.dottedPath) }
        if group.columns[leafIndex].metaData?.numValues == 0 && group.numRows == 0 {
            return ParquetColumnBuffer(
                ValueAccumulator(column.physicalType).values, validity: column.repetition == .optional ? [] : nil)
        }
        var (bytes, reader) = try chunkReader(group: group, leafIndex: leafIndex)
        let buffer = try reader.read(bytes, rowCount: Int(group.numRows))
        guard buffer.rowCount == Int(group.numRows) else {
            throw .corrupt("column '\(column.name)' has \(buffer.rowCount) rows, row group has \(group.numRows)")
        }
        return buffer
    }

    /// Where a column chunk's first page starts: its dictionary page, else its first data page. Some
    /// writers store 0 (or garbage) when there is no dictionary page: only an offset before the data
    /// is trusted.
    private static func chunkStart(_ meta: ColumnMetaData) -> Int64 {
        guard let dictionaryOffset = meta.dictionaryPageOffset, dictionaryOffset >= 4,
            dictionaryOffset < meta.dataPageOffset
        else { return meta.dataPageOffset }
        return dictionaryOffset
    }

    /// The bytes of a column chunk (checked against the file) and a reader for them.
    private func chunkReader(group: RowGroup, leafIndex: Int) throws(ParquetError) -> ([UInt8], ColumnChunkReader) {
        let leaf = leaves[leafIndex]
        guard let column = leaf.column else { throw .unsupportedNestedColumn(leaf.dottedPath) }
        let chunk = group.columns[leafIndex]
        guard chunk.filePath == nil else { throw .unsupported("column chunk in an external file") }
        guard let meta = chunk.metaData else { throw .corrupt("column chunk without metadata") }
        let start = Self.chunkStart(meta)
        let length = meta.totalCompressedSize
        let limit = Int64(source.size) - 8
        guard start >= 4, length >= 0, start <= limit, length <= limit - start else {
            throw .corrupt("column '\(column.name)' chunk \(start)+\(length) lies outside the file")
        }
        guard length <= Int64(configuration.maxColumnChunkSize) else {
            throw .sizeLimitExceeded(what: "column chunk", size: Int(length), limit: configuration.maxColumnChunkSize)
        }
        let bytes = try source.read(offset: Int(start), length: Int(length))
        return (bytes, try ColumnChunkReader(leaf: leaf, column: column, metadata: meta, configuration: configuration))
    }
}
