/// Header of one page: its type, sizes (header excluded), optional CRC and the type-specific header.
package struct PageHeader: Sendable, Hashable {
    package var type: PageTypeCode
    package var uncompressedPageSize: Int32
    package var compressedPageSize: Int32
    package var crc: Int32?
    package var dataPageHeader: DataPageHeader?
    package var dictionaryPageHeader: DictionaryPageHeader?
    package var dataPageHeaderV2: DataPageHeaderV2?

    package init(type: PageTypeCode, uncompressedPageSize: Int32, compressedPageSize: Int32) {
        self.type = type
        self.uncompressedPageSize = uncompressedPageSize
        self.compressedPageSize = compressedPageSize
    }

    func write(to w: inout ThriftCompactWriter) {
        w.writeI32(1, type.rawValue)
        w.writeI32(2, uncompressedPageSize)
        w.writeI32(3, compressedPageSize)
        if let crc { w.writeI32(4, crc) }
        if let dataPageHeader { w.writeStruct(5) { dataPageHeader.write(to: &$0) } }
        if let dictionaryPageHeader { w.writeStruct(7) { dictionaryPageHeader.write(to: &$0) } }
        if let dataPageHeaderV2 { w.writeStruct(8) { dataPageHeaderV2.write(to: &$0) } }
    }

    /// Encodes the header as a standalone Thrift struct.
    func encoded() -> [UInt8] {
        var w = ThriftCompactWriter(reservingCapacity: 64)
        w.beginStruct()
        write(to: &w)
        w.endStruct()
        return w.bytes
    }

    static func read(from r: inout ThriftCompactReader) throws(ParquetError) -> PageHeader {
        var type: PageTypeCode?
        var uncompressed: Int32?
        var compressed: Int32?
        var header = PageHeader(type: .dataPage, uncompressedPageSize: 0, compressedPageSize: 0)
        try r.beginStruct()
        while let field = try r.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32): type = PageTypeCode(rawValue: try r.readI32())
            case (2, .i32): uncompressed = try r.readI32()
            case (3, .i32): compressed = try r.readI32()
            case (4, .i32): header.crc = try r.readI32()
            case (5, .struct): header.dataPageHeader = try DataPageHeader.read(from: &r)
            case (7, .struct): header.dictionaryPageHeader = try DictionaryPageHeader.read(from: &r)
            case (8, .struct): header.dataPageHeaderV2 = try DataPageHeaderV2.read(from: &r)
            default: try r.skip(field.type)
            }
        }
        guard let type, let uncompressed, let compressed else { throw .corrupt("page header misses a required field") }
        guard uncompressed >= 0, compressed >= 0 else { throw .corrupt("negative page size") }
        header.type = type
        header.uncompressedPageSize = uncompressed
        header.compressedPageSize = compressed
        return header
    }
}

/// Header of a v1 data page.
package struct DataPageHeader: Sendable, Hashable {
    package var numValues: Int32
    package var encoding: EncodingCode
    package var definitionLevelEncoding: EncodingCode = .rle
    package var repetitionLevelEncoding: EncodingCode = .rle
    package var statistics: Statistics?

    func write(to w: inout ThriftCompactWriter) {
        w.writeI32(1, numValues)
        w.writeI32(2, encoding.rawValue)
        w.writeI32(3, definitionLevelEncoding.rawValue)
        w.writeI32(4, repetitionLevelEncoding.rawValue)
        if let statistics { w.writeStruct(5) { statistics.write(to: &$0) } }
    }

    static func read(from r: inout ThriftCompactReader) throws(ParquetError) -> DataPageHeader {
        var numValues: Int32?
        var encoding: EncodingCode?
        var header = DataPageHeader(numValues: 0, encoding: .plain)
        try r.beginStruct()
        while let field = try r.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32): numValues = try r.readI32()
            case (2, .i32): encoding = EncodingCode(rawValue: try r.readI32())
            case (3, .i32): header.definitionLevelEncoding = EncodingCode(rawValue: try r.readI32())
            case (4, .i32): header.repetitionLevelEncoding = EncodingCode(rawValue: try r.readI32())
            case (5, .struct): header.statistics = try Statistics.read(from: &r)
            default: try r.skip(field.type)
            }
        }
        guard let numValues, let encoding, numValues >= 0 else { throw .corrupt("invalid data page header") }
        header.numValues = numValues
        header.encoding = encoding
        return header
    }
}

/// Header of a dictionary page.
package struct DictionaryPageHeader: Sendable, Hashable {
    package var numValues: Int32
    package var encoding: EncodingCode
    package var isSorted: Bool?

    func write(to w: inout ThriftCompactWriter) {
        w.writeI32(1, numValues)
        w.writeI32(2, encoding.rawValue)
        if let isSorted { w.writeBool(3, isSorted) }
    }

    static func read(from r: inout ThriftCompactReader) throws(ParquetError) -> DictionaryPageHeader {
        var numValues: Int32?
        var encoding: EncodingCode?
        var sorted: Bool?
        try r.beginStruct()
        while let field = try r.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32): numValues = try r.readI32()
            case (2, .i32): encoding = EncodingCode(rawValue: try r.readI32())
            case (3, .boolTrue), (3, .boolFalse): sorted = try r.readBool()
            default: try r.skip(field.type)
            }
        }
        guard let numValues, let encoding, numValues >= 0 else { throw .corrupt("invalid dictionary page header") }
        return DictionaryPageHeader(numValues: numValues, encoding: encoding, isSorted: sorted)
    }
}

/// Header of a v2 data page: levels are stored uncompressed before the (maybe compressed) values.
package struct DataPageHeaderV2: Sendable, Hashable {
    package var numValues: Int32
    package var numNulls: Int32
    package var numRows: Int32
    package var encoding: EncodingCode
    package var definitionLevelsByteLength: Int32
    package var repetitionLevelsByteLength: Int32
    package var isCompressed: Bool = true
    package var statistics: Statistics?

    func write(to w: inout ThriftCompactWriter) {
        w.writeI32(1, numValues)
        w.writeI32(2, numNulls)
        w.writeI32(3, numRows)
        w.writeI32(4, encoding.rawValue)
        w.writeI32(5, definitionLevelsByteLength)
        w.writeI32(6, repetitionLevelsByteLength)
        w.writeBool(7, isCompressed)
        if let statistics { w.writeStruct(8) { statistics.write(to: &$0) } }
    }

    static func read(from r: inout ThriftCompactReader) throws(ParquetError) -> DataPageHeaderV2 {
        var h = DataPageHeaderV2(
            numValues: -1, numNulls: -1, numRows: -1, encoding: .plain, definitionLevelsByteLength: -1,
            repetitionLevelsByteLength: -1)
        var hasEncoding = false
        try r.beginStruct()
        while let field = try r.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32): h.numValues = try r.readI32()
            case (2, .i32): h.numNulls = try r.readI32()
            case (3, .i32): h.numRows = try r.readI32()
            case (4, .i32):
                h.encoding = EncodingCode(rawValue: try r.readI32())
                hasEncoding = true
            case (5, .i32): h.definitionLevelsByteLength = try r.readI32()
            case (6, .i32): h.repetitionLevelsByteLength = try r.readI32()
            case (7, .boolTrue), (7, .boolFalse): h.isCompressed = try r.readBool()
            case (8, .struct): h.statistics = try Statistics.read(from: &r)
            default: try r.skip(field.type)
            }
        }
        guard hasEncoding, h.numValues >= 0, h.numNulls >= 0, h.numRows >= 0, h.definitionLevelsByteLength >= 0,
            h.repetitionLevelsByteLength >= 0
        else { throw .corrupt("invalid v2 data page header") }
        return h
    }
}
