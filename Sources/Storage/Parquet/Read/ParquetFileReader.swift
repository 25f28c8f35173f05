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
    /// The file's path; nil for bytes held in memory.
    public let path: String?

    package let metadata: FileMetaData
    let leaves: [LeafColumn]
    private let source: ParquetByteSource

    /// Opens the file at `path`.
    public convenience init(path: String, configuration: ParquetReaderConfiguration = .init()) throws(ParquetError) {
        try self.init(source: ParquetByteSource(path: path), path: path, configuration: configuration)
    }

    /// Reads a file held in memory.
    public convenience init(bytes: [UInt8], configuration: ParquetReaderConfiguration = .init()) throws(ParquetError) {
        try self.init(source: ParquetByteSource(bytes: bytes), path: nil, configuration: configuration)
    }

    /// Reads a file held in a `ByteBuffer` (its readable bytes).
    public convenience init(buffer: ByteBuffer, configuration: ParquetReaderConfiguration = .init())
        throws(ParquetError)
    {
        try self.init(bytes: Array(buffer.readableBytesView), configuration: configuration)
    }

    private init(source: ParquetByteSource, path: String?, configuration: ParquetReaderConfiguration)
        throws(ParquetError)
    {
        self.source = source
        self.path = path
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

    /// The file's size in bytes.
    public var fileSize: Int { source.size }

    /// Bytes read from the file so far (footer, page indexes, pages).
    package var bytesRead: Int { source.bytesRead }

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
    /// reading, decompressing and decoding only the pages that hold them (and the dictionary page):
    /// a reader that needs a wide column for a few rows (the ids of the top transactions) reads it
    /// this way. Without an offset index the other pages' headers alone are read.
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
        let pages = try pagesHolding(rows, of: group.columns[leafIndex], rowCount: Int(group.numRows))
        var reader = try ColumnChunkReader(
            leaf: leaves[leafIndex], column: column, metadata: pages.metadata, configuration: configuration)
        return try reader.readRows(
            pages.bytes, rowCount: Int(group.numRows), rows: rows, pageFirstRows: pages.firstRows)
    }

    /// The chunk's dictionary page, if any, and the data pages holding `rows`, read back to back,
    /// with each data page's first row. The pages are found through the chunk's offset index when it
    /// has one, else by reading each page's header alone and stepping over its body.
    private func pagesHolding(_ rows: [Int], of chunk: ColumnChunk, rowCount: Int) throws(ParquetError)
        -> (bytes: [UInt8], firstRows: [Int], metadata: ColumnMetaData)
    {
        let (meta, chunkStart, chunkEnd) = try chunkRange(chunk)
        let pages: [PageLocation]
        if let indexed = try indexedPages(of: chunk, start: chunkStart, end: chunkEnd, rowCount: rowCount) {
            pages = indexed
        } else {
            pages = try walkedPages(start: chunkStart, end: chunkEnd, rowCount: rowCount)
        }
        guard let first = pages.first else { throw .corrupt("column chunk holds no data page") }
        var ranges: [(offset: Int, length: Int)] = []
        if first.offset > chunkStart {  // the dictionary page
            ranges.append((Int(chunkStart), Int(first.offset - chunkStart)))
        }
        var firstRows: [Int] = []
        var page = 0
        var pageEnd = -1  // the first row after the page read last
        for row in rows where row >= pageEnd {
            while page + 1 < pages.count, pages[page + 1].firstRowIndex <= Int64(row) { page += 1 }
            ranges.append((Int(pages[page].offset), Int(pages[page].compressedPageSize)))
            firstRows.append(Int(pages[page].firstRowIndex))
            pageEnd = page + 1 < pages.count ? Int(pages[page + 1].firstRowIndex) : rowCount
        }
        let bytes = try source.read(ranges)
        var metadata = meta
        metadata.totalCompressedSize = Int64(bytes.count)
        return (bytes, firstRows, metadata)
    }

    /// The data pages of a chunk as its offset index lists them (checked against the chunk); nil when
    /// the chunk has no offset index.
    private func indexedPages(of chunk: ColumnChunk, start chunkStart: Int64, end chunkEnd: Int64, rowCount: Int)
        throws(ParquetError) -> [PageLocation]?
    {
        guard let indexOffset = chunk.offsetIndexOffset, let indexLength = chunk.offsetIndexLength else { return nil }
        let limit = Int64(source.size) - 8
        guard indexOffset >= 4, indexLength > 0, indexOffset <= limit - Int64(indexLength) else {
            throw .corrupt("offset index \(indexOffset)+\(indexLength) lies outside the file")
        }
        let pages = try OffsetIndex.decode(
            try source.read(offset: Int(indexOffset), length: Int(indexLength)), limits: configuration.thriftLimits
        ).pageLocations
        guard let first = pages.first, first.firstRowIndex == 0, first.offset >= chunkStart else {
            throw .corrupt("offset index does not start at the column chunk's first row")
        }
        for (number, page) in pages.enumerated() {
            let nextRow = number + 1 < pages.count ? pages[number + 1].firstRowIndex : Int64(rowCount)
            guard page.compressedPageSize > 0, page.offset >= chunkStart,
                page.offset <= chunkEnd - Int64(page.compressedPageSize), page.firstRowIndex < nextRow
            else { throw .corrupt("offset index page \(number) lies outside its column chunk") }
        }
        return pages
    }

    /// The data pages of a chunk without an offset index, found by reading each page's header alone
    /// (a small read, made larger only for a header that does not fit) and stepping over its body.
    private func walkedPages(start chunkStart: Int64, end chunkEnd: Int64, rowCount: Int) throws(ParquetError)
        -> [PageLocation]
    {
        var pages: [PageLocation] = []
        var position = chunkStart
        var row: Int64 = 0
        while position < chunkEnd, row < Int64(rowCount) {
            let remaining = Int(chunkEnd - position)
            var window = min(Self.headerWindow, remaining)
            var parsed: (header: PageHeader, length: Int)?
            while parsed == nil {
                let bytes = try source.read(offset: Int(position), length: window)
                var thrift = ThriftCompactReader(bytes, start: 0, limits: configuration.thriftLimits)
                do throws(ParquetError) {
                    parsed = (try PageHeader.read(from: &thrift), thrift.position)
                } catch {
                    // A header cut short by the window: read more; one that fills the chunk is broken.
                    guard window < remaining, window < configuration.maxPageSize else { throw error }
                    window = min(window * 16, remaining, configuration.maxPageSize)
                }
            }
            guard let (header, headerLength) = parsed else { break }
            let size = Int64(headerLength) + Int64(header.compressedPageSize)
            guard header.compressedPageSize >= 0, size <= chunkEnd - position, size <= Int64(Int32.max) else {
                throw .corrupt("page of \(header.compressedPageSize) bytes runs past its column chunk")
            }
            let values: Int32? =
                switch header.type {
                case .dataPage: header.dataPageHeader?.numValues
                case .dataPageV2: header.dataPageHeaderV2?.numRows
                default: nil
                }
            if let values {
                guard values >= 0 else { throw .corrupt("data page declares \(values) values") }
                pages.append(PageLocation(offset: position, compressedPageSize: Int32(size), firstRowIndex: row))
                row += Int64(values)
            }
            position += size
        }
        return pages
    }

    /// The bytes read for a page header whose size is not known yet: enough for any header without
    /// large statistics.
    private static let headerWindow = 256

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

    /// A column chunk's metadata and where its bytes lie, checked against the file.
    private func chunkRange(_ chunk: ColumnChunk, column name: String? = nil) throws(ParquetError)
        -> (meta: ColumnMetaData, start: Int64, end: Int64)
    {
        guard chunk.filePath == nil else { throw .unsupported("column chunk in an external file") }
        guard let meta = chunk.metaData else { throw .corrupt("column chunk without metadata") }
        let start = Self.chunkStart(meta)
        let length = meta.totalCompressedSize
        let limit = Int64(source.size) - 8
        guard start >= 4, length >= 0, start <= limit, length <= limit - start else {
            let what = name.map { "column '\($0)' chunk" } ?? "column chunk"
            throw .corrupt("\(what) \(start)+\(length) lies outside the file")
        }
        return (meta, start, start + length)
    }

    /// The bytes of a column chunk (checked against the file) and a reader for them.
    private func chunkReader(group: RowGroup, leafIndex: Int) throws(ParquetError) -> ([UInt8], ColumnChunkReader) {
        let leaf = leaves[leafIndex]
        guard let column = leaf.column else { throw .unsupportedNestedColumn(leaf.dottedPath) }
        let bytes = try chunkBytes(group: group, leafIndex: leafIndex)
        guard let meta = group.columns[leafIndex].metaData else { throw .corrupt("column chunk without metadata") }
        return (bytes, try ColumnChunkReader(leaf: leaf, column: column, metadata: meta, configuration: configuration))
    }

    /// The bytes of a column chunk, checked against the file and the size limit.
    func chunkBytes(group: RowGroup, leafIndex: Int) throws(ParquetError) -> [UInt8] {
        let (_, start, end) = try chunkRange(group.columns[leafIndex], column: leaves[leafIndex].dottedPath)
        let length = end - start
        guard length <= Int64(configuration.maxColumnChunkSize) else {
            throw .sizeLimitExceeded(what: "column chunk", size: Int(length), limit: configuration.maxColumnChunkSize)
        }
        return try source.read(offset: Int(start), length: Int(length))
    }
}
