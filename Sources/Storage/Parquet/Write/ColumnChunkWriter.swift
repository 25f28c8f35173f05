/// Encodes one column's pages for the current row group and builds its chunk metadata.
///
/// Values arrive in row slices; a page is cut at the configured row or byte limit. While the
/// dictionary is below its size limit, values become dictionary indices; past it, the current page is
/// cut and the rest of the chunk uses the column's value encoding (the dictionary page stays).
struct ColumnChunkWriter {
    let column: ParquetColumn
    let configuration: ParquetWriterConfiguration
    let codecCode: CompressionCodecCode
    let codec: (any Codec)?
    let valueEncoding: ParquetWriterConfiguration.ValueEncoding
    let dictionaryAllowed: Bool
    let isOptional: Bool
    let order: StatisticsOrder
    let isUTF8: Bool
    let fixedWidth: Int

    // The page being filled.
    private var levels: [UInt32] = []
    private var pageRows = 0
    private var pageBooleans: [Bool] = []
    private var pageInt32: [Int32] = []
    private var pageInt64: [Int64] = []
    private var pageFloat: [Float] = []
    private var pageDouble: [Double] = []
    private var pageBytes = ParquetByteArrays()
    private var indices: [UInt32] = []
    private var pageStatistics: StatisticsAccumulator

    // The dictionary of the current chunk.
    private var fixedDictionary = FixedWidthDictionary()
    private var bytesDictionary = ByteArrayDictionary()
    private var dictionaryActive: Bool
    private var dictionaryUsed = false
    /// The encoded dictionary page (header and body) and its uncompressed size, once sealed.
    private var sealedDictionary: (page: [UInt8], uncompressedSize: Int)?

    // The chunk: encoded data pages (each header, then its body) and what the footer and page index
    // need. Kept as separate buffers, not one growing array: a chunk of a large row group is tens of
    // megabytes, which a single array would copy (and fault in afresh) each time it grew.
    private var pages: [[UInt8]] = []
    private var pagesSize = 0
    private var uncompressedPagesSize = 0
    private var chunkStatistics: StatisticsAccumulator
    private(set) var rows = 0
    private var locations: [(offset: Int, size: Int, firstRow: Int)] = []
    private var columnIndex = ColumnIndex()
    private var columnIndexValid = true
    private var pageMins: [StatisticValue] = []
    private var pageMaxs: [StatisticValue] = []
    private var encodings = Set<EncodingCode>()
    private var encodingCounts: [EncodingCode: Int32] = [:]

    init(column: ParquetColumn, configuration: ParquetWriterConfiguration) {
        self.column = column
        self.configuration = configuration
        (codecCode, codec) = configuration.makeCodec()
        let options = configuration.options(for: column.name)
        switch (options.encoding, column.physicalType) {
        case (.deltaBinaryPacked, .int32), (.deltaBinaryPacked, .int64), (.byteStreamSplit, .float),
            (.byteStreamSplit, .double):
            valueEncoding = options.encoding
        default:
            valueEncoding = .plain
        }
        dictionaryAllowed = column.physicalType != .boolean && (options.dictionary ?? configuration.dictionaryEnabled)
        dictionaryActive = dictionaryAllowed
        isOptional = column.repetition == .optional
        order = StatisticsOrder(column)
        isUTF8 = column.logicalType == .string || column.logicalType == .json || column.logicalType == .enumeration
        if case .fixedLenByteArray(let length) = column.physicalType { fixedWidth = length } else { fixedWidth = 0 }
        pageStatistics = StatisticsAccumulator(order: order)
        chunkStatistics = StatisticsAccumulator(order: order)
    }

    /// Encoded bytes buffered for this chunk (for the row-group byte limit).
    var bufferedBytes: Int {
        pagesSize + estimatedPageSize + (dictionaryUsed || dictionaryActive ? dictionarySize : 0)
    }

    private var isByteArray: Bool {
        switch column.physicalType {
        case .byteArray, .fixedLenByteArray: true
        default: false
        }
    }

    private var dictionarySize: Int {
        switch column.physicalType {
        case .int32, .float: fixedDictionary.count * 4
        case .int64, .double: fixedDictionary.count * 8
        case .fixedLenByteArray: bytesDictionary.count * fixedWidth
        default: bytesDictionary.plainSize
        }
    }

    private var dictionaryCount: Int {
        switch column.physicalType {
        case .byteArray, .fixedLenByteArray: bytesDictionary.count
        default: fixedDictionary.count
        }
    }

    private var estimatedPageSize: Int {
        let levelBytes = levels.count / 8
        if dictionaryActive {
            return levelBytes + indices.count * max(1, bitWidth(of: UInt64(max(dictionaryCount, 1)))) / 8
        }
        return levelBytes + pageBooleans.count / 8 + pageInt32.count * 4 + pageInt64.count * 8 + pageFloat.count * 4
            + pageDouble.count * 8 + pageBytes.bytes.count + (fixedWidth == 0 ? 4 * pageBytes.count : 0)
    }

    // MARK: Appending

    /// Appends rows `rows` of `buffer`, whose non-null values start at `firstValue`.
    mutating func append(_ buffer: ParquetColumnBuffer, rows: Range<Int>, firstValue: Int) throws(ParquetError) {
        var row = rows.lowerBound
        var value = firstValue
        while row < rows.upperBound {
            let take = min(rows.upperBound - row, configuration.pageRowLimit - pageRows, 4096)
            var valueCount = take
            if let validity = buffer.validity {
                valueCount = 0
                if isOptional {
                    levels.reserveAdditional(take)
                    for i in row..<(row + take) {
                        let present = validity[i]
                        levels.append(present ? 1 : 0)
                        valueCount &+= present ? 1 : 0
                    }
                } else {
                    valueCount = take
                }
            } else if isOptional {
                levels.append(contentsOf: repeatElement(1, count: take))
            }
            appendValues(buffer.values, range: value..<(value + valueCount))
            pageStatistics.nullCount += take - valueCount
            pageRows += take
            row += take
            value += valueCount
            if dictionaryActive && dictionarySize > configuration.dictionaryPageSizeLimit {
                try cutPage()
                dictionaryActive = false
            } else if pageRows >= configuration.pageRowLimit || estimatedPageSize >= configuration.pageSizeLimit {
                try cutPage()
            }
        }
    }

    private mutating func appendValues(_ values: ParquetColumnValues, range: Range<Int>) {
        guard !range.isEmpty else { return }
        if dictionaryActive && isByteArray {
            // Byte-array statistics come from the dictionary entries the page uses, at `cutPage`.
            pageStatistics.valueCount += range.count
        } else {
            pageStatistics.update(values, range: range)
        }
        switch values {
        case .boolean(let v):
            pageBooleans.append(contentsOf: v[range])
        case .int32(let v):
            if dictionaryActive {
                indices.reserveAdditional(range.count)
                for i in range { indices.append(fixedDictionary.index(of: UInt64(UInt32(bitPattern: v[i])))) }
            } else {
                pageInt32.append(contentsOf: v[range])
            }
        case .int64(let v):
            if dictionaryActive {
                indices.reserveAdditional(range.count)
                for i in range { indices.append(fixedDictionary.index(of: UInt64(bitPattern: v[i]))) }
            } else {
                pageInt64.append(contentsOf: v[range])
            }
        case .float(let v):
            if dictionaryActive {
                indices.reserveAdditional(range.count)
                for i in range { indices.append(fixedDictionary.index(of: UInt64(v[i].bitPattern))) }
            } else {
                pageFloat.append(contentsOf: v[range])
            }
        case .double(let v):
            if dictionaryActive {
                indices.reserveAdditional(range.count)
                for i in range { indices.append(fixedDictionary.index(of: v[i].bitPattern)) }
            } else {
                pageDouble.append(contentsOf: v[range])
            }
        case .byteArray(let arrays), .fixedLenByteArray(let arrays):
            if dictionaryActive {
                indices.reserveAdditional(range.count)
                arrays.bytes.withUnsafeBufferPointer { bytes in
                    for i in range {
                        let index = bytesDictionary.index(
                            of: bytes, start: Int(arrays.offsets[i]), end: Int(arrays.offsets[i + 1]))
                        indices.append(index)
                    }
                }
            } else {
                let start = Int(arrays.offsets[range.lowerBound])
                let end = Int(arrays.offsets[range.upperBound])
                pageBytes.bytes.append(contentsOf: arrays.bytes[start..<end])
                pageBytes.offsets.reserveAdditional(range.count)
                let shift = Int32(pageBytes.bytes.count - end)
                for i in (range.lowerBound + 1)...range.upperBound {
                    pageBytes.offsets.append(arrays.offsets[i] + shift)
                }
            }
        }
    }

    // MARK: Pages

    /// Encodes the buffered page, compresses it and appends header and body to the chunk.
    mutating func cutPage() throws(ParquetError) {
        guard pageRows > 0 else { return }
        var values: [UInt8] = []
        let encoding: EncodingCode
        if dictionaryActive {
            if isByteArray { pageStatistics.updateBytes(dictionary: bytesDictionary.values, indices: indices) }
            let width = max(1, bitWidth(of: UInt64(max(dictionaryCount - 1, 0))))
            values.reserveCapacity(indices.count * width / 8 + 16)
            values.append(UInt8(width))
            RLEHybridEncoder.encode(indices, bitWidth: width, into: &values)
            encoding = .rleDictionary
            dictionaryUsed = true
        } else {
            encoding = encodePlainPage(into: &values)
        }
        var levelBytes: [UInt8] = []
        if isOptional { RLEHybridEncoder.encode(levels, bitWidth: 1, into: &levelBytes) }

        var header: PageHeader
        var body: [UInt8]
        let nullCount = pageStatistics.nullCount
        switch configuration.dataPageVersion {
        case .v1:
            var raw: [UInt8] = []
            raw.reserveCapacity(levelBytes.count + 4 + values.count)
            if isOptional {
                appendLittleEndian(UInt32(levelBytes.count), to: &raw)
                raw.append(contentsOf: levelBytes)
            }
            raw.append(contentsOf: values)
            body = try compress(raw)
            header = PageHeader(
                type: .dataPage, uncompressedPageSize: try int32(raw.count), compressedPageSize: try int32(body.count))
            header.dataPageHeader = DataPageHeader(numValues: try int32(pageRows), encoding: encoding)
        case .v2:
            let compressed = try compress(values)
            body = levelBytes
            body.append(contentsOf: compressed)
            header = PageHeader(
                type: .dataPageV2, uncompressedPageSize: try int32(levelBytes.count + values.count),
                compressedPageSize: try int32(body.count))
            header.dataPageHeaderV2 = DataPageHeaderV2(
                numValues: try int32(pageRows), numNulls: try int32(nullCount), numRows: try int32(pageRows),
                encoding: encoding, definitionLevelsByteLength: try int32(levelBytes.count),
                repetitionLevelsByteLength: 0, isCompressed: codec != nil)
        }
        if configuration.writePageChecksums { header.crc = Int32(bitPattern: CRC32.checksum(body)) }
        let headerBytes = header.encoded()
        locations.append((pagesSize, headerBytes.count + body.count, rows))
        pages.append(headerBytes)
        pages.append(body)
        pagesSize += headerBytes.count + body.count
        uncompressedPagesSize += headerBytes.count + Int(header.uncompressedPageSize)
        encodings.insert(encoding)
        if isOptional { encodings.insert(.rle) }
        encodingCounts[encoding, default: 0] += 1
        recordPageIndex()
        chunkStatistics.merge(pageStatistics)
        rows += pageRows

        levels.removeAll(keepingCapacity: true)
        indices.removeAll(keepingCapacity: true)
        pageBooleans.removeAll(keepingCapacity: true)
        pageInt32.removeAll(keepingCapacity: true)
        pageInt64.removeAll(keepingCapacity: true)
        pageFloat.removeAll(keepingCapacity: true)
        pageDouble.removeAll(keepingCapacity: true)
        pageBytes = ParquetByteArrays()
        pageRows = 0
        pageStatistics = StatisticsAccumulator(order: order)
    }

    private func encodePlainPage(into values: inout [UInt8]) -> EncodingCode {
        switch column.physicalType {
        case .boolean:
            PlainEncoder.appendBooleans(pageBooleans[...], to: &values)
        case .int32:
            if valueEncoding == .deltaBinaryPacked {
                DeltaBinaryPackedEncoder.encode(pageInt32, into: &values)
                return .deltaBinaryPacked
            }
            PlainEncoder.append(pageInt32[...], to: &values)
        case .int64, .int96:
            if valueEncoding == .deltaBinaryPacked {
                DeltaBinaryPackedEncoder.encode(pageInt64, into: &values)
                return .deltaBinaryPacked
            }
            PlainEncoder.append(pageInt64[...], to: &values)
        case .float:
            if valueEncoding == .byteStreamSplit {
                pageFloat.withUnsafeBytes { ByteStreamSplit.encode($0, width: 4, into: &values) }
                return .byteStreamSplit
            }
            PlainEncoder.append(pageFloat[...], to: &values)
        case .double:
            if valueEncoding == .byteStreamSplit {
                pageDouble.withUnsafeBytes { ByteStreamSplit.encode($0, width: 8, into: &values) }
                return .byteStreamSplit
            }
            PlainEncoder.append(pageDouble[...], to: &values)
        case .byteArray:
            PlainEncoder.appendByteArrays(pageBytes, range: 0..<pageBytes.count, to: &values)
        case .fixedLenByteArray:
            PlainEncoder.appendFixedByteArrays(pageBytes, range: 0..<pageBytes.count, to: &values)
        }
        return .plain
    }

    private mutating func recordPageIndex() {
        columnIndex.nullCounts = (columnIndex.nullCounts ?? []) + [Int64(pageStatistics.nullCount)]
        if pageStatistics.valueCount == 0 {
            columnIndex.nullPages.append(true)
            columnIndex.minValues.append([])
            columnIndex.maxValues.append([])
            return
        }
        guard let min = pageStatistics.min, let max = pageStatistics.max else {
            // Only NaN in the page: a column index cannot describe it.
            columnIndexValid = false
            return
        }
        let limit = configuration.statisticsTruncateLength
        let minBytes = min.encoded(isMin: true, limit: limit, isUTF8: isUTF8)?.bytes ?? []
        let maxBytes =
            max.encoded(isMin: false, limit: limit, isUTF8: isUTF8)?.bytes
            ?? max.encoded(isMin: false, limit: Int.max, isUTF8: isUTF8)?.bytes ?? []
        columnIndex.nullPages.append(false)
        columnIndex.minValues.append(minBytes)
        columnIndex.maxValues.append(maxBytes)
        pageMins.append(min)
        pageMaxs.append(max)
    }

    private func compress(_ raw: [UInt8]) throws(ParquetError) -> [UInt8] {
        guard let codec else { return raw }
        do { return try codec.compress(raw) } catch { throw .codec(error) }
    }

    private func int32(_ value: Int) throws(ParquetError) -> Int32 {
        guard let v = Int32(exactly: value) else {
            throw .sizeLimitExceeded(what: "page size", size: value, limit: Int(Int32.max))
        }
        return v
    }

    // MARK: Finishing the chunk

    /// The encoded chunk, ready to be written at `start`.
    struct Output {
        var dictionaryPage: [UInt8]
        /// Page headers and bodies, to be written one after another.
        var dataPages: [[UInt8]]
        var chunk: ColumnChunk
        var columnIndex: ColumnIndex?
        var offsetIndex: OffsetIndex?
        var uncompressedSize: Int
        var dataPagesSize: Int { dataPages.reduce(0) { $0 + $1.count } }
        var compressedSize: Int { dictionaryPage.count + dataPagesSize }
    }

    /// Cuts the last page and encodes the dictionary page: the costly part of finishing a chunk, and
    /// independent of where the chunk lands in the file (columns may seal concurrently).
    mutating func seal() throws(ParquetError) {
        try cutPage()
        guard dictionaryUsed, sealedDictionary == nil else { return }
        let body = dictionaryBody()
        let compressed = try compress(body)
        var header = PageHeader(
            type: .dictionaryPage, uncompressedPageSize: try int32(body.count),
            compressedPageSize: try int32(compressed.count))
        header.dictionaryPageHeader = DictionaryPageHeader(numValues: try int32(dictionaryCount), encoding: .plain)
        if configuration.writePageChecksums { header.crc = Int32(bitPattern: CRC32.checksum(compressed)) }
        let headerBytes = header.encoded()
        sealedDictionary = (headerBytes + compressed, headerBytes.count + body.count)
        encodings.insert(.plain)
        encodings.insert(.rle)
    }

    /// Seals the chunk, builds its metadata for a chunk starting at `start`, then resets for the next
    /// row group.
    mutating func finish(at start: Int64) throws(ParquetError) -> Output {
        try seal()
        let (dictionaryPage, dictionaryUncompressed) = sealedDictionary ?? ([], 0)
        let dataPageOffset = start + Int64(dictionaryPage.count)
        var meta = ColumnMetaData()
        meta.type = column.schemaElement().type ?? .int32
        meta.encodings = encodings.sorted { $0.rawValue < $1.rawValue }
        meta.pathInSchema = [column.name]
        meta.codec = codecCode
        meta.numValues = Int64(rows)
        meta.totalUncompressedSize = Int64(dictionaryUncompressed + uncompressedPagesSize)
        meta.totalCompressedSize = Int64(dictionaryPage.count + pagesSize)
        meta.dataPageOffset = dataPageOffset
        meta.dictionaryPageOffset = dictionaryUsed ? start : nil
        meta.statistics = chunkStatisticsForFooter()
        var stats: [PageEncodingStats] = []
        if dictionaryUsed { stats.append(PageEncodingStats(pageType: .dictionaryPage, encoding: .plain, count: 1)) }
        let pageType: PageTypeCode = configuration.dataPageVersion == .v1 ? .dataPage : .dataPageV2
        for (encoding, count) in encodingCounts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            stats.append(PageEncodingStats(pageType: pageType, encoding: encoding, count: count))
        }
        meta.encodingStats = stats
        var chunk = ColumnChunk()
        chunk.fileOffset = start
        chunk.metaData = meta

        var output = Output(
            dictionaryPage: dictionaryPage, dataPages: pages, chunk: chunk, columnIndex: nil,
            offsetIndex: nil,
            uncompressedSize: dictionaryUncompressed + uncompressedPagesSize)
        if configuration.writePageIndex && !locations.isEmpty {
            output.offsetIndex = OffsetIndex(
                pageLocations: locations.map {
                    PageLocation(
                        offset: dataPageOffset + Int64($0.offset), compressedPageSize: Int32($0.size),
                        firstRowIndex: Int64($0.firstRow))
                })
            if columnIndexValid {
                var index = columnIndex
                index.boundaryOrder = boundaryOrder()
                output.columnIndex = index
            }
        }
        reset()
        return output
    }

    private func chunkStatisticsForFooter() -> Statistics? {
        guard rows > 0 else { return nil }
        var s = Statistics()
        s.nullCount = Int64(chunkStatistics.nullCount)
        let limit = configuration.statisticsTruncateLength
        if let min = chunkStatistics.min, let encoded = min.encoded(isMin: true, limit: limit, isUTF8: isUTF8) {
            s.minValue = encoded.bytes
            s.isMinValueExact = encoded.exact
        }
        if let max = chunkStatistics.max, let encoded = max.encoded(isMin: false, limit: limit, isUTF8: isUTF8) {
            s.maxValue = encoded.bytes
            s.isMaxValueExact = encoded.exact
        }
        return s
    }

    private func boundaryOrder() -> BoundaryOrder {
        guard pageMins.count > 1 else { return .ascending }
        var ascending = true
        var descending = true
        for i in 1..<pageMins.count {
            if order.less(pageMins[i], pageMins[i - 1]) || order.less(pageMaxs[i], pageMaxs[i - 1]) {
                ascending = false
            }
            if order.less(pageMins[i - 1], pageMins[i]) || order.less(pageMaxs[i - 1], pageMaxs[i]) {
                descending = false
            }
        }
        return ascending ? .ascending : descending ? .descending : .unordered
    }

    /// PLAIN encoding of the dictionary entries in index order.
    private func dictionaryBody() -> [UInt8] {
        var body: [UInt8] = []
        switch column.physicalType {
        case .int32, .float:
            body.reserveCapacity(fixedDictionary.count * 4)
            for key in fixedDictionary.keys { appendLittleEndian(UInt32(truncatingIfNeeded: key), to: &body) }
        case .int64, .double:
            fixedDictionary.keys.withUnsafeBufferPointer { PlainEncoder.append($0, to: &body) }
        case .fixedLenByteArray:
            body = bytesDictionary.values.bytes
        default:
            PlainEncoder.appendByteArrays(bytesDictionary.values, range: 0..<bytesDictionary.count, to: &body)
        }
        return body
    }

    private mutating func reset() {
        pages = []
        pagesSize = 0
        uncompressedPagesSize = 0
        chunkStatistics = StatisticsAccumulator(order: order)
        rows = 0
        locations = []
        columnIndex = ColumnIndex()
        columnIndexValid = true
        pageMins = []
        pageMaxs = []
        encodings = []
        encodingCounts = [:]
        fixedDictionary = FixedWidthDictionary()
        bytesDictionary = ByteArrayDictionary()
        dictionaryActive = dictionaryAllowed
        dictionaryUsed = false
        sealedDictionary = nil
    }
}
