/// The `ColumnOrder` union: how min/max statistics of a leaf compare.
package enum ColumnOrder: Sendable, Hashable {
    /// Order defined by the column's logical or physical type (the only one Parquet defines).
    case typeDefined
    /// A union member this reader does not know: statistics of the column must not be used.
    case unrecognized

    func write(to w: inout ThriftCompactWriter) {
        if self == .typeDefined { w.writeStruct(1) { _ in } }
    }

    static func read(from r: inout ThriftCompactReader) throws(ParquetError) -> ColumnOrder {
        var order = ColumnOrder.unrecognized
        try r.beginStruct()
        while let field = try r.readFieldHeader() {
            if field.id == 1 && field.type == .struct { order = .typeDefined }
            try r.skip(field.type)
        }
        return order
    }
}
