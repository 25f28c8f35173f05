/// Reads every page of one flat column chunk into a column buffer.
struct ColumnChunkReader {
    let leaf: LeafColumn
    let column: ParquetColumn
    let metadata: ColumnMetaData
    let configuration: ParquetReaderConfiguration
    let decompressor: PageDecompressor

    var dictionary: ValueAccumulator?
    var values: ValueAccumulator
    private var validity: [Bool] = []
    private var rowsRead = 0
    /// Keep dictionary indices instead of looking the values up (`readDictionaryIndices`).
    var keepsIndices = false
    var indices: [UInt32] = []
    /// A page that cannot be read as indices was met while keeping them: read the chunk as values.
    var metOtherEncoding = false
    /// Only these rows (ascending) are wanted (`readRows`): pages holding none of them are skipped
    /// undecompressed, and reading stops after the last.
    private(set) var wantedRows: [Int]?
    private var wantedCursor = 0
    /// The data page being decoded for wanted rows: its first row and its row count.
    private var currentPage: (row: Int, rows: Int)?
    /// The wanted rows taken so far, and their values and validity.
    private var taken: ValueAccumulator?
    private var rowsTaken = 0
    private var takenValidity: [Bool] = []
    /// In `readRows`: the first row of each data page the chunk holds.
    private var pageFirstRows: [Int] = []
    private var dataPagesMet = 0
    /// Nested columns (`readLevels`): every definition and repetition level is kept, of any depth.
    private(set) var keepsLevels = false
    private(set) var definitionLevels: [UInt16] = []
    private(set) var repetitionLevels: [UInt16] = []

    init(leaf: LeafColumn, column: ParquetColumn, metadata: ColumnMetaData, configuration: ParquetReaderConfiguration)
        throws(ParquetError)
    {
        self.leaf = leaf
        self.column = column
        self.metadata = metadata
        self.configuration = configuration
        self.decompressor = try PageDecompressor(codec: metadata.codec)
        self.values = ValueAccumulator(column.physicalType)
        guard leaf.maxDefinitionLevel <= 1, leaf.maxRepetitionLevel == 0 else {
            throw .unsupportedNestedColumn(leaf.dottedPath)
        }
    }

    /// A reader of a leaf at any depth, keeping its levels (`readLevels`); `column` is the leaf's type.
    init(
        nestedLeaf leaf: LeafColumn, column: ParquetColumn, metadata: ColumnMetaData,
        configuration: ParquetReaderConfiguration
    ) throws(ParquetError) {
        self.leaf = leaf
        self.column = column
        self.metadata = metadata
        self.configuration = configuration
        self.decompressor = try PageDecompressor(codec: metadata.codec)
        self.values = ValueAccumulator(column.physicalType)
        keepsLevels = true
    }

    /// Decodes every page of the chunk: the non-null values, and one definition and repetition level
    /// per value slot (levels of a leaf that is never null or repeated are not stored: empty). Checks
    /// that the chunk holds `rowCount` records (repetition level 0 starts one).
    mutating func readLevels(_ chunk: [UInt8], rowCount: Int) throws(ParquetError)
        -> (values: ParquetColumnValues, definitions: [UInt16], repetitions: [UInt16])
    {
        try readPages(chunk, rowCount: rowCount)
        if leaf.maxRepetitionLevel > 0 {
            guard repetitionLevels.first.map({ $0 == 0 }) ?? (rowCount == 0) else {
                throw .corrupt("column '\(leaf.dottedPath)' starts with repetition level \(repetitionLevels[0])")
            }
            let records = repetitionLevels.count { $0 == 0 }
            guard records == rowCount else {
                throw .corrupt("column '\(leaf.dottedPath)' holds \(records) records, the row group \(rowCount)")
            }
        } else if rowsRead != rowCount {
            throw .corrupt("column '\(leaf.dottedPath)' holds \(rowsRead) values, the row group \(rowCount) rows")
        }
        return (values.values, definitionLevels, repetitionLevels)
    }

    /// Decodes the chunk's bytes (`chunk` starts at the chunk's first page) for `rowCount` rows.
    mutating func read(_ chunk: [UInt8], rowCount: Int) throws(ParquetError) -> ParquetColumnBuffer {
        try readPages(chunk, rowCount: rowCount)
        return ParquetColumnBuffer(values.values, validity: leaf.maxDefinitionLevel > 0 ? validity : nil)
    }

    /// The chunk as its dictionary and one index per row, when every data page is dictionary-encoded
    /// (or, for byte arrays, PLAIN after the dictionary filled up: those values join the dictionary)
    /// and no value is null; nil otherwise (it stops at the first page of another encoding).
    mutating func readDictionaryIndices(_ chunk: [UInt8], rowCount: Int) throws(ParquetError)
        -> ParquetDictionaryColumn?
    {
        keepsIndices = true
        try readPages(chunk, rowCount: rowCount)
        guard !metOtherEncoding, !validity.contains(false), indices.count == rowCount, let dictionary else {
            return nil
        }
        return ParquetDictionaryColumn(dictionary: dictionary.values, indices: indices)
    }

    /// The values of rows `rows` (ascending, each inside the chunk) alone, decoding only the pages
    /// that hold them; a page's wanted values are taken out as soon as it is decoded, so no more
    /// than one page's values are held at a time.
    /// The chunk holds only some data pages (found through the offset index or the page headers),
    /// the `n`-th starting at row `pageFirstRows[n]`.
    mutating func readRows(_ chunk: [UInt8], rowCount: Int, rows: [Int], pageFirstRows: [Int])
        throws(ParquetError) -> ParquetColumnBuffer
    {
        wantedRows = rows
        self.pageFirstRows = pageFirstRows
        taken = ValueAccumulator(column.physicalType)
        try readPages(chunk, rowCount: rowCount)
        guard rowsTaken == rows.count, let taken else {
            throw .corrupt("\(rows.count - rowsTaken) of the rows asked for lie in no data page read")
        }
        return ParquetColumnBuffer(taken.values, validity: leaf.maxDefinitionLevel > 0 ? takenValidity : nil)
    }

    /// In `readRows`: moves the wanted rows of the page just decoded out of `values` (and
    /// `validity`), which are emptied for the next page.
    private mutating func takeWantedRows() throws(ParquetError) {
        guard let wanted = wantedRows, let page = currentPage, var into = taken else { return }
        taken = nil  // appended to in place, not copied
        var positions: [UInt32] = []
        var cursor = wantedCursor
        while cursor < wanted.count, wanted[cursor] < page.row + page.rows {
            let offset = wanted[cursor] - page.row
            cursor += 1
            rowsTaken += 1
            if leaf.maxDefinitionLevel == 0 {
                positions.append(UInt32(truncatingIfNeeded: offset))
                continue
            }
            guard offset < validity.count else { throw .corrupt("page holds fewer rows than it declares") }
            takenValidity.append(validity[offset])
            if validity[offset] { positions.append(UInt32(truncatingIfNeeded: validity[..<offset].count { $0 })) }
        }
        wantedCursor = cursor
        try into.gather(positions, from: values)
        taken = into
        values.removeAll()
        validity.removeAll(keepingCapacity: true)
    }

    /// In `readRows`, for a PLAIN page of byte arrays without nulls: copies the wanted rows' values
    /// straight from the page, stepping over the others by their length prefixes (nothing else of
    /// the page is copied).
    mutating func takePlainByteArrays(_ raw: UnsafeRawBufferPointer, start: Int, end: Int, count: Int)
        throws(ParquetError)
    {
        guard let wanted = wantedRows, let page = currentPage, var into = taken else { return }
        taken = nil  // appended to in place, not copied
        currentPage = nil  // its rows are taken here
        var position = start
        var index = 0
        var cursor = wantedCursor
        while cursor < wanted.count, wanted[cursor] < page.row + page.rows {
            let target = wanted[cursor] - page.row
            guard target < count else { throw .corrupt("page holds fewer values than rows") }
            while true {
                guard end - position >= 4 else { throw .corrupt("PLAIN byte array length ends early") }
                let length = Int(raw.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian)
                guard length <= end - position - 4 else {
                    throw .corrupt("PLAIN byte array of \(length) bytes runs past the page")
                }
                if index == target {
                    into.bytes.append(
                        bytes: UnsafeRawBufferPointer(rebasing: raw[(position + 4)..<(position + 4 + length)]))
                    break
                }
                position += 4 + length
                index += 1
            }
            cursor += 1
            rowsTaken += 1
        }
        wantedCursor = cursor
        taken = into
    }

    /// In `readRows`: whether the page of `count` rows starting at `rowsRead` holds a wanted row
    /// (true when every row is wanted); notes the page when it does, and counts a skipped page's
    /// rows as read.
    private mutating func decodes(pageOf count: Int, expected: Int) throws(ParquetError) -> Bool {
        guard let wanted = wantedRows else { return true }
        guard dataPagesMet < pageFirstRows.count, pageFirstRows[dataPagesMet] >= rowsRead else {
            throw .corrupt("data pages disagree with the page locations")
        }
        rowsRead = pageFirstRows[dataPagesMet]
        dataPagesMet += 1
        let remaining = expected - rowsRead
        guard count >= 0, count <= remaining else {
            throw .corrupt("data page declares \(count) values, \(remaining) remain in the chunk")
        }
        while wantedCursor < wanted.count, wanted[wantedCursor] < rowsRead { wantedCursor += 1 }
        guard wantedCursor < wanted.count, wanted[wantedCursor] < rowsRead + count else {
            rowsRead += count
            return false
        }
        currentPage = (rowsRead, count)
        return true
    }

    /// In `readRows`: every wanted row lies before `rowsRead`.
    private var passedWantedRows: Bool {
        guard let wanted = wantedRows else { return false }
        return wanted.last.map { $0 < rowsRead } ?? true
    }

    private mutating func readPages(_ chunk: [UInt8], rowCount: Int) throws(ParquetError) {
        guard metadata.numValues >= 0,
            metadata.numValues <= Int64(rowCount) || rowCount == 0 && metadata.numValues == 0
                || leaf.maxRepetitionLevel > 0
        else {
            throw .corrupt("column '\(column.name)' declares \(metadata.numValues) values for \(rowCount) rows")
        }
        let expected = Int(metadata.numValues)
        // Counts come from the footer: reserve no more than a bounded guess, the rest grows as needed.
        if wantedRows == nil {
            let reservation = min(expected, 1 << 20)
            if leaf.maxDefinitionLevel > 0 { validity.reserveCapacity(reservation) }
            values.reserve(
                values: reservation, bytes: min(max(Int(metadata.totalUncompressedSize), 0), chunk.count * 4, 64 << 20))
        }
        var position = 0
        while rowsRead < expected, !metOtherEncoding, !passedWantedRows {
            guard position < chunk.count else {
                throw .corrupt("column '\(column.name)' ends after \(rowsRead) of \(expected) values")
            }
            var thrift = ThriftCompactReader(chunk, start: position, limits: configuration.thriftLimits)
            let header = try PageHeader.read(from: &thrift)
            position = thrift.position
            let compressed = Int(header.compressedPageSize)
            let uncompressed = Int(header.uncompressedPageSize)
            guard compressed <= chunk.count - position else {
                throw .corrupt("page of \(compressed) bytes runs past its column chunk")
            }
            guard uncompressed <= configuration.maxPageSize, compressed <= configuration.maxPageSize else {
                throw .sizeLimitExceeded(
                    what: "page size", size: max(uncompressed, compressed), limit: configuration.maxPageSize)
            }
            let body = position..<(position + compressed)
            position += compressed
            if configuration.verifyChecksums, let crc = header.crc {
                let actual = chunk.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[body])) }
                guard actual == UInt32(bitPattern: crc) else {
                    throw .checksumMismatch(expected: UInt32(bitPattern: crc), actual: actual)
                }
            }
            switch header.type {
            case .dictionaryPage:
                guard let h = header.dictionaryPageHeader else { throw .corrupt("dictionary page without its header") }
                guard dictionary == nil else { throw .corrupt("second dictionary page in column '\(column.name)'") }
                try chunk.withParquetBytes { (raw) throws(ParquetError) in
                    try decompressor.withPage(raw, body, uncompressedSize: uncompressed) {
                        (page) throws(ParquetError) in
                        try readDictionary(page, header: h)
                    }
                }
            case .dataPage:
                guard let h = header.dataPageHeader else { throw .corrupt("data page without its header") }
                guard try decodes(pageOf: Int(h.numValues), expected: expected) else { continue }
                let remaining = expected - rowsRead
                try chunk.withParquetBytes { (raw) throws(ParquetError) in
                    try decompressor.withPage(raw, body, uncompressedSize: uncompressed) {
                        (page) throws(ParquetError) in
                        try readDataPageV1(page, header: h, remaining: remaining)
                    }
                }
                try takeWantedRows()
            case .dataPageV2:
                guard let h = header.dataPageHeaderV2 else { throw .corrupt("v2 data page without its header") }
                guard try decodes(pageOf: Int(h.numValues), expected: expected) else { continue }
                try readDataPageV2(
                    chunk, body: body, uncompressedSize: uncompressed, header: h, remaining: expected - rowsRead)
                try takeWantedRows()
            default:
                continue  // index pages and unknown page types carry no values
            }
        }
    }

    // MARK: Pages

    private mutating func readDictionary(_ raw: UnsafeRawBufferPointer, header: DictionaryPageHeader)
        throws(ParquetError)
    {
        guard header.encoding == .plain || header.encoding == .plainDictionary else {
            throw .unsupported("dictionary page encoding \(header.encoding.rawValue)")
        }
        let count = Int(header.numValues)
        guard count <= configuration.maxValuesPerPage else {
            throw .sizeLimitExceeded(what: "dictionary values", size: count, limit: configuration.maxValuesPerPage)
        }
        var accumulator = ValueAccumulator(column.physicalType)
        _ = try Self.decodePlain(column.physicalType, raw, start: 0, end: raw.count, count: count, into: &accumulator)
        dictionary = accumulator
    }

    private mutating func readDataPageV1(_ raw: UnsafeRawBufferPointer, header: DataPageHeader, remaining: Int)
        throws(ParquetError)
    {
        let count = Int(header.numValues)
        guard count <= remaining, count <= configuration.maxValuesPerPage else {
            throw .corrupt("data page declares \(count) values, \(remaining) remain in the chunk")
        }
        do {
            var position = 0
            var present = count
            if leaf.maxRepetitionLevel > 0 {
                guard header.repetitionLevelEncoding == .rle else {
                    throw .unsupported("repetition level encoding \(header.repetitionLevelEncoding.rawValue)")
                }
                guard raw.count >= 4 else { throw .corrupt("repetition levels length missing") }
                let length = Int(raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self).littleEndian)
                guard length <= raw.count - 4 else { throw .corrupt("repetition levels run past the page") }
                try readRepetitionLevels(raw, start: 4, end: 4 + length, count: count)
                position = 4 + length
            }
            if leaf.maxDefinitionLevel > 0 {
                switch header.definitionLevelEncoding {
                case .rle:
                    guard raw.count - position >= 4 else { throw .corrupt("definition levels length missing") }
                    let length = Int(raw.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian)
                    guard length <= raw.count - position - 4 else {
                        throw .corrupt("definition levels run past the page")
                    }
                    present = try readLevels(raw, start: position + 4, end: position + 4 + length, count: count)
                    position += 4 + length
                case .bitPacked:
                    guard !keepsLevels else { throw .unsupported("BIT_PACKED levels in nested column") }
                    let length = (count + 7) / 8
                    guard length <= raw.count else { throw .corrupt("bit-packed levels run past the page") }
                    present = readBitPackedLevels(raw, count: count)
                    position = length
                default:
                    throw .unsupported("definition level encoding \(header.definitionLevelEncoding.rawValue)")
                }
            }
            try decodeValues(raw, start: position, end: raw.count, count: present, encoding: header.encoding)
        }
        rowsRead += count
    }

    private mutating func readDataPageV2(
        _ chunk: [UInt8], body: Range<Int>, uncompressedSize: Int, header: DataPageHeaderV2, remaining: Int
    ) throws(ParquetError) {
        let count = Int(header.numValues)
        guard count <= remaining, count <= configuration.maxValuesPerPage else {
            throw .corrupt("v2 data page declares \(count) values, \(remaining) remain in the chunk")
        }
        let repLength = Int(header.repetitionLevelsByteLength)
        let defLength = Int(header.definitionLevelsByteLength)
        guard repLength + defLength <= body.count, repLength + defLength <= uncompressedSize else {
            throw .corrupt("v2 levels larger than the page")
        }
        let valuesRange = (body.lowerBound + repLength + defLength)..<body.upperBound
        let valuesSize = uncompressedSize - repLength - defLength
        var present = count
        if leaf.maxRepetitionLevel > 0 {
            try chunk.withParquetBytes { (raw) throws(ParquetError) in
                try readRepetitionLevels(raw, start: body.lowerBound, end: body.lowerBound + repLength, count: count)
            }
        }
        if leaf.maxDefinitionLevel > 0 {
            let start = body.lowerBound + repLength
            present = try chunk.withParquetBytes { (raw) throws(ParquetError) -> Int in
                try readLevels(raw, start: start, end: start + defLength, count: count)
            }
        }
        guard Int(header.numNulls) == count - present || leaf.maxDefinitionLevel == 0 else {
            throw .corrupt("v2 page num_nulls \(header.numNulls) disagrees with its levels")
        }
        if !(valuesSize == 0 && present == 0) {
            try chunk.withParquetBytes { (raw) throws(ParquetError) in
                try decompressor.withPage(
                    raw, valuesRange, uncompressedSize: valuesSize, isCompressed: header.isCompressed
                ) { (page) throws(ParquetError) in
                    try decodeValues(page, start: 0, end: page.count, count: present, encoding: header.encoding)
                }
            }
        }
        rowsRead += count
    }

    /// Reads `count` definition levels into `validity` (bit width 1), or into `definitionLevels` when
    /// keeping levels; returns the count of non-null values (levels at the maximum).
    private mutating func readLevels(_ raw: UnsafeRawBufferPointer, start: Int, end: Int, count: Int)
        throws(ParquetError) -> Int
    {
        let maximum = leaf.maxDefinitionLevel
        if maximum > 0,
            RLEHybridDecoder.startsWithRun(
                raw, start: start, end: end, bitWidth: bitWidth(of: UInt64(maximum)), count: count, of: UInt32(maximum))
        {
            // No nulls, as writers encode it: one RLE run of the maximum level for the whole page.
            if keepsLevels {
                definitionLevels.append(contentsOf: repeatElement(UInt16(maximum), count: count))
            } else {
                validity.append(contentsOf: repeatElement(true, count: count))
            }
            return count
        }
        var levels: [UInt32] = []
        if keepsLevels {
            try RLEHybridDecoder.decode(
                raw, start: start, end: end, bitWidth: bitWidth(of: UInt64(maximum)), count: count, into: &levels)
            guard levels.count == count else {
                throw .corrupt("\(levels.count) definition levels of \(count) in '\(leaf.dottedPath)'")
            }
            var present = 0
            definitionLevels.reserveAdditional(count)
            for level in levels {
                guard level <= maximum else { throw .corrupt("definition level \(level) above the maximum") }
                definitionLevels.append(UInt16(level))
                present += level == maximum ? 1 : 0
            }
            return present
        }
        try RLEHybridDecoder.decode(raw, start: start, end: end, bitWidth: 1, count: count, into: &levels)
        var present = 0
        for level in levels {
            guard level <= 1 else { throw .corrupt("definition level \(level) above the maximum") }
            validity.append(level == 1)
            present += Int(level)
        }
        return present
    }

    /// Reads `count` repetition levels into `repetitionLevels`.
    private mutating func readRepetitionLevels(_ raw: UnsafeRawBufferPointer, start: Int, end: Int, count: Int)
        throws(ParquetError)
    {
        let maximum = leaf.maxRepetitionLevel
        var levels: [UInt32] = []
        try RLEHybridDecoder.decode(
            raw, start: start, end: end, bitWidth: bitWidth(of: UInt64(maximum)), count: count, into: &levels)
        guard levels.count == count else {
            throw .corrupt("\(levels.count) repetition levels of \(count) in '\(leaf.dottedPath)'")
        }
        repetitionLevels.reserveAdditional(count)
        for level in levels {
            guard level <= maximum else { throw .corrupt("repetition level \(level) above the maximum") }
            repetitionLevels.append(UInt16(level))
        }
    }

    /// The deprecated BIT_PACKED level encoding (MSB first, no length prefix).
    private mutating func readBitPackedLevels(_ raw: UnsafeRawBufferPointer, count: Int) -> Int {
        var present = 0
        for i in 0..<count {
            let bit = raw[i >> 3] >> UInt8(7 - (i & 7)) & 1
            validity.append(bit == 1)
            present += Int(bit)
        }
        return present
    }
}
