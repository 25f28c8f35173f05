/// Counts of pages per page type and encoding (`PageEncodingStats`).
package struct PageEncodingStats: Sendable, Hashable {
    package var pageType: PageTypeCode
    package var encoding: EncodingCode
    package var count: Int32

    static func read(from r: inout ThriftCompactReader) throws(ParquetError) -> PageEncodingStats {
        var stats = PageEncodingStats(pageType: .dataPage, encoding: .plain, count: 0)
        try r.beginStruct()
        while let field = try r.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32): stats.pageType = PageTypeCode(rawValue: try r.readI32())
            case (2, .i32): stats.encoding = EncodingCode(rawValue: try r.readI32())
            case (3, .i32): stats.count = try r.readI32()
            default: try r.skip(field.type)
            }
        }
        return stats
    }
}

/// Metadata of one column chunk: where its pages are and how they are encoded.
package struct ColumnMetaData: Sendable, Hashable {
    package var type: PhysicalTypeCode = .int32
    package var encodings: [EncodingCode] = []
    package var pathInSchema: [String] = []
    package var codec: CompressionCodecCode = .uncompressed
    package var numValues: Int64 = 0
    package var totalUncompressedSize: Int64 = 0
    package var totalCompressedSize: Int64 = 0
    package var keyValueMetadata: [KeyValue]?
    package var dataPageOffset: Int64 = 0
    package var indexPageOffset: Int64?
    package var dictionaryPageOffset: Int64?
    package var statistics: Statistics?
    package var encodingStats: [PageEncodingStats]?

    package init() {}

    func write(to w: inout ThriftCompactWriter) {
        w.writeI32(1, type.rawValue)
        w.writeListHeader(2, elementType: .i32, count: encodings.count)
        for e in encodings { w.writeI32Value(e.rawValue) }
        w.writeListHeader(3, elementType: .binary, count: pathInSchema.count)
        for p in pathInSchema { w.writeBinaryValue(Array(p.utf8)) }
        w.writeI32(4, codec.rawValue)
        w.writeI64(5, numValues)
        w.writeI64(6, totalUncompressedSize)
        w.writeI64(7, totalCompressedSize)
        if let keyValueMetadata { w.writeStructList(8, keyValueMetadata) { $1.write(to: &$0) } }
        w.writeI64(9, dataPageOffset)
        if let indexPageOffset { w.writeI64(10, indexPageOffset) }
        if let dictionaryPageOffset { w.writeI64(11, dictionaryPageOffset) }
        if let statistics { w.writeStruct(12) { statistics.write(to: &$0) } }
        if let encodingStats {
            w.writeStructList(13, encodingStats) { w, s in
                w.writeI32(1, s.pageType.rawValue)
                w.writeI32(2, s.encoding.rawValue)
                w.writeI32(3, s.count)
            }
        }
    }

    static func read(from r: inout ThriftCompactReader) throws(ParquetError) -> ColumnMetaData {
        var m = ColumnMetaData()
        var seen = Set<Int16>()
        try r.beginStruct()
        while let field = try r.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32): m.type = PhysicalTypeCode(rawValue: try r.readI32())
            case (2, .list):
                m.encodings = try r.readList(of: .i32) { r throws(ParquetError) in
                    EncodingCode(rawValue: try r.readI32())
                }
            case (3, .list):
                m.pathInSchema = try r.readList(of: .binary) { r throws(ParquetError) in try r.readString() }
            case (4, .i32): m.codec = CompressionCodecCode(rawValue: try r.readI32())
            case (5, .i64): m.numValues = try r.readI64()
            case (6, .i64): m.totalUncompressedSize = try r.readI64()
            case (7, .i64): m.totalCompressedSize = try r.readI64()
            case (8, .list):
                m.keyValueMetadata = try r.readList(of: .struct) { r throws(ParquetError) in try KeyValue.read(from: &r)
                }
            case (9, .i64): m.dataPageOffset = try r.readI64()
            case (10, .i64): m.indexPageOffset = try r.readI64()
            case (11, .i64): m.dictionaryPageOffset = try r.readI64()
            case (12, .struct): m.statistics = try Statistics.read(from: &r)
            case (13, .list):
                m.encodingStats = try r.readList(of: .struct) { r throws(ParquetError) in
                    try PageEncodingStats.read(from: &r)
                }
            default:
                try r.skip(field.type)
                continue
            }
            seen.insert(field.id)
        }
        guard seen.isSuperset(of: [1, 3, 4, 5, 6, 7, 9]) else {
            throw .corrupt("column metadata misses a required field")
        }
        return m
    }
}
