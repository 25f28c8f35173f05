/// The footer: schema, row groups and file-level key-value metadata.
package struct FileMetaData: Sendable, Hashable {
    package var version: Int32 = 2
    package var schema: [SchemaElement] = []
    package var numRows: Int64 = 0
    package var rowGroups: [RowGroup] = []
    package var keyValueMetadata: [KeyValue]?
    package var createdBy: String?
    package var columnOrders: [ColumnOrder]?

    package init() {}

    package func encoded() -> [UInt8] {
        var w = ThriftCompactWriter(reservingCapacity: 1024)
        w.beginStruct()
        w.writeI32(1, version)
        w.writeStructList(2, schema) { $1.write(to: &$0) }
        w.writeI64(3, numRows)
        w.writeStructList(4, rowGroups) { $1.write(to: &$0) }
        if let keyValueMetadata { w.writeStructList(5, keyValueMetadata) { $1.write(to: &$0) } }
        if let createdBy { w.writeString(6, createdBy) }
        if let columnOrders {
            w.writeListHeader(7, elementType: .struct, count: columnOrders.count)
            for order in columnOrders {
                w.beginStruct()
                order.write(to: &w)
                w.endStruct()
            }
        }
        w.endStruct()
        return w.bytes
    }

    package static func decode(_ bytes: [UInt8], limits: ThriftLimits = .init()) throws(ParquetError) -> FileMetaData {
        var r = ThriftCompactReader(bytes, limits: limits)
        var m = FileMetaData()
        var seen = Set<Int16>()
        try r.beginStruct()
        while let field = try r.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32): m.version = try r.readI32()
            case (2, .list):
                m.schema = try r.readList(of: .struct) { r throws(ParquetError) in try SchemaElement.read(from: &r) }
            case (3, .i64): m.numRows = try r.readI64()
            case (4, .list):
                m.rowGroups = try r.readList(of: .struct) { r throws(ParquetError) in try RowGroup.read(from: &r) }
            case (5, .list):
                m.keyValueMetadata = try r.readList(of: .struct) { r throws(ParquetError) in try KeyValue.read(from: &r)
                }
            case (6, .binary): m.createdBy = try r.readString()
            case (7, .list):
                m.columnOrders = try r.readList(of: .struct) { r throws(ParquetError) in try ColumnOrder.read(from: &r)
                }
            default:
                try r.skip(field.type)
                continue
            }
            seen.insert(field.id)
        }
        guard seen.contains(2), seen.contains(3), seen.contains(4) else {
            throw .corrupt("file metadata misses schema, num_rows or row_groups")
        }
        guard m.numRows >= 0, !m.schema.isEmpty else {
            throw .corrupt("file metadata has an invalid schema or num_rows")
        }
        return m
    }
}
