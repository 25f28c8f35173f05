/// Unit of a TIME or TIMESTAMP logical type (a Thrift union of empty structs).
public enum ParquetTimeUnit: Sendable, Hashable {
    case millis, micros, nanos

    /// The union's field id in parquet.thrift.
    var fieldID: Int16 {
        switch self {
        case .millis: 1
        case .micros: 2
        case .nanos: 3
        }
    }

    func write(to writer: inout ThriftCompactWriter) {
        writer.writeStruct(fieldID) { _ in }
    }

    static func read(from reader: inout ThriftCompactReader) throws(ParquetError) -> ParquetTimeUnit? {
        try reader.beginStruct()
        var unit: ParquetTimeUnit?
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .struct): unit = .millis
            case (2, .struct): unit = .micros
            case (3, .struct): unit = .nanos
            default: break
            }
            try reader.skip(field.type)
        }
        return unit
    }
}
