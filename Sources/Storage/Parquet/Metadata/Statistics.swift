/// Column or page statistics; values are PLAIN-encoded (byte arrays without a length prefix).
package struct Statistics: Sendable, Hashable {
    /// Deprecated signed-order max and min (fields 1 and 2).
    package var legacyMax: [UInt8]?
    package var legacyMin: [UInt8]?
    package var nullCount: Int64?
    package var distinctCount: Int64?
    package var maxValue: [UInt8]?
    package var minValue: [UInt8]?
    package var isMaxValueExact: Bool?
    package var isMinValueExact: Bool?

    package init() {}

    func write(to w: inout ThriftCompactWriter) {
        if let legacyMax { w.writeBinary(1, legacyMax) }
        if let legacyMin { w.writeBinary(2, legacyMin) }
        if let nullCount { w.writeI64(3, nullCount) }
        if let distinctCount { w.writeI64(4, distinctCount) }
        if let maxValue { w.writeBinary(5, maxValue) }
        if let minValue { w.writeBinary(6, minValue) }
        if let isMaxValueExact { w.writeBool(7, isMaxValueExact) }
        if let isMinValueExact { w.writeBool(8, isMinValueExact) }
    }

    static func read(from r: inout ThriftCompactReader) throws(ParquetError) -> Statistics {
        var s = Statistics()
        try r.beginStruct()
        while let field = try r.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .binary): s.legacyMax = try r.readBinary()
            case (2, .binary): s.legacyMin = try r.readBinary()
            case (3, .i64): s.nullCount = try r.readI64()
            case (4, .i64): s.distinctCount = try r.readI64()
            case (5, .binary): s.maxValue = try r.readBinary()
            case (6, .binary): s.minValue = try r.readBinary()
            case (7, .boolTrue), (7, .boolFalse): s.isMaxValueExact = try r.readBool()
            case (8, .boolTrue), (8, .boolFalse): s.isMinValueExact = try r.readBool()
            default: try r.skip(field.type)
            }
        }
        return s
    }
}
