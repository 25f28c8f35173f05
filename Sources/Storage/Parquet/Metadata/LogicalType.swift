/// The `LogicalType` union of parquet.thrift: how to interpret a physical type.
package enum LogicalType: Sendable, Hashable {
    case string
    case map
    case list
    case `enum`
    case decimal(scale: Int32, precision: Int32)
    case date
    case time(isAdjustedToUTC: Bool, unit: ParquetTimeUnit)
    case timestamp(isAdjustedToUTC: Bool, unit: ParquetTimeUnit)
    case integer(bitWidth: Int8, isSigned: Bool)
    case unknown
    case json
    case bson
    case uuid
    case float16
    /// A union member this reader does not know (a newer format version): read as the physical type.
    case unrecognized(fieldID: Int16)

    func write(to writer: inout ThriftCompactWriter) {
        writer.beginStruct()
        switch self {
        case .string: writer.writeStruct(1) { _ in }
        case .map: writer.writeStruct(2) { _ in }
        case .list: writer.writeStruct(3) { _ in }
        case .enum: writer.writeStruct(4) { _ in }
        case .decimal(let scale, let precision):
            writer.writeStruct(5) { w in
                w.writeI32(1, scale)
                w.writeI32(2, precision)
            }
        case .date: writer.writeStruct(6) { _ in }
        case .time(let utc, let unit):
            writer.writeStruct(7) { w in
                w.writeBool(1, utc)
                w.writeStruct(2) { u in unit.write(to: &u) }
            }
        case .timestamp(let utc, let unit):
            writer.writeStruct(8) { w in
                w.writeBool(1, utc)
                w.writeStruct(2) { u in unit.write(to: &u) }
            }
        case .integer(let bitWidth, let signed):
            writer.writeStruct(10) { w in
                w.writeI8(1, bitWidth)
                w.writeBool(2, signed)
            }
        case .unknown: writer.writeStruct(11) { _ in }
        case .json: writer.writeStruct(12) { _ in }
        case .bson: writer.writeStruct(13) { _ in }
        case .uuid: writer.writeStruct(14) { _ in }
        case .float16: writer.writeStruct(15) { _ in }
        // Its content was skipped on reading; an empty member keeps the id, so a reader still learns the
        // column has a logical type it may not know.
        case .unrecognized(let fieldID): writer.writeStruct(fieldID) { _ in }
        }
        writer.endStruct()
    }

    static func read(from reader: inout ThriftCompactReader) throws(ParquetError) -> LogicalType? {
        try reader.beginStruct()
        var result: LogicalType?
        while let field = try reader.readFieldHeader() {
            guard field.type == .struct else {
                try reader.skip(field.type)
                continue
            }
            switch field.id {
            case 5:
                var scale: Int32 = 0
                var precision: Int32 = 0
                try reader.beginStruct()
                while let inner = try reader.readFieldHeader() {
                    switch (inner.id, inner.type) {
                    case (1, .i32): scale = try reader.readI32()
                    case (2, .i32): precision = try reader.readI32()
                    default: try reader.skip(inner.type)
                    }
                }
                result = .decimal(scale: scale, precision: precision)
            case 7, 8:
                var utc = false
                var unit: ParquetTimeUnit?
                try reader.beginStruct()
                while let inner = try reader.readFieldHeader() {
                    switch (inner.id, inner.type) {
                    case (1, .boolTrue), (1, .boolFalse): utc = try reader.readBool()
                    case (2, .struct): unit = try ParquetTimeUnit.read(from: &reader)
                    default: try reader.skip(inner.type)
                    }
                }
                guard let unit else { throw .corrupt("TIME/TIMESTAMP logical type without a unit") }
                result =
                    field.id == 7
                    ? .time(isAdjustedToUTC: utc, unit: unit) : .timestamp(isAdjustedToUTC: utc, unit: unit)
            case 10:
                var bitWidth: Int8 = 0
                var signed = true
                try reader.beginStruct()
                while let inner = try reader.readFieldHeader() {
                    switch (inner.id, inner.type) {
                    case (1, .i8): bitWidth = try reader.readI8()
                    case (2, .boolTrue), (2, .boolFalse): signed = try reader.readBool()
                    default: try reader.skip(inner.type)
                    }
                }
                result = .integer(bitWidth: bitWidth, isSigned: signed)
            default:
                try reader.skip(.struct)
                switch field.id {
                case 1: result = .string
                case 2: result = .map
                case 3: result = .list
                case 4: result = .enum
                case 6: result = .date
                case 11: result = .unknown
                case 12: result = .json
                case 13: result = .bson
                case 14: result = .uuid
                case 15: result = .float16
                default: result = .unrecognized(fieldID: field.id)
                }
            }
        }
        return result
    }
}
