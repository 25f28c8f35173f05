/// One column of one row group: its metadata and where its page index lives.
package struct ColumnChunk: Sendable, Hashable {
    package var filePath: String?
    package var fileOffset: Int64 = 0
    package var metaData: ColumnMetaData?
    package var offsetIndexOffset: Int64?
    package var offsetIndexLength: Int32?
    package var columnIndexOffset: Int64?
    package var columnIndexLength: Int32?

    package init() {}

    func write(to w: inout ThriftCompactWriter) {
        if let filePath { w.writeString(1, filePath) }
        w.writeI64(2, fileOffset)
        if let metaData { w.writeStruct(3) { metaData.write(to: &$0) } }
        if let offsetIndexOffset { w.writeI64(4, offsetIndexOffset) }
        if let offsetIndexLength { w.writeI32(5, offsetIndexLength) }
        if let columnIndexOffset { w.writeI64(6, columnIndexOffset) }
        if let columnIndexLength { w.writeI32(7, columnIndexLength) }
    }

    static func read(from r: inout ThriftCompactReader) throws(ParquetError) -> ColumnChunk {
        var c = ColumnChunk()
        try r.beginStruct()
        while let field = try r.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .binary): c.filePath = try r.readString()
            case (2, .i64): c.fileOffset = try r.readI64()
            case (3, .struct): c.metaData = try ColumnMetaData.read(from: &r)
            case (4, .i64): c.offsetIndexOffset = try r.readI64()
            case (5, .i32): c.offsetIndexLength = try r.readI32()
            case (6, .i64): c.columnIndexOffset = try r.readI64()
            case (7, .i32): c.columnIndexLength = try r.readI32()
            default: try r.skip(field.type)
            }
        }
        return c
    }
}

/// A horizontal slice of the file: one chunk per leaf column.
package struct RowGroup: Sendable, Hashable {
    package var columns: [ColumnChunk] = []
    /// Uncompressed size of all pages, headers included.
    package var totalByteSize: Int64 = 0
    package var numRows: Int64 = 0
    package var fileOffset: Int64?
    package var totalCompressedSize: Int64?
    package var ordinal: Int16?

    package init() {}

    func write(to w: inout ThriftCompactWriter) {
        w.writeStructList(1, columns) { $1.write(to: &$0) }
        w.writeI64(2, totalByteSize)
        w.writeI64(3, numRows)
        if let fileOffset { w.writeI64(5, fileOffset) }
        if let totalCompressedSize { w.writeI64(6, totalCompressedSize) }
        if let ordinal { w.writeI16(7, ordinal) }
    }

    static func read(from r: inout ThriftCompactReader) throws(ParquetError) -> RowGroup {
        var g = RowGroup()
        var hasRows = false
        try r.beginStruct()
        while let field = try r.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .list):
                g.columns = try r.readList(of: .struct) { r throws(ParquetError) in try ColumnChunk.read(from: &r) }
            case (2, .i64): g.totalByteSize = try r.readI64()
            case (3, .i64):
                g.numRows = try r.readI64()
                hasRows = true
            case (5, .i64): g.fileOffset = try r.readI64()
            case (6, .i64): g.totalCompressedSize = try r.readI64()
            case (7, .i16): g.ordinal = try r.readI16()
            default: try r.skip(field.type)
            }
        }
        guard hasRows, g.numRows >= 0 else { throw .corrupt("row group without a valid num_rows") }
        return g
    }
}
