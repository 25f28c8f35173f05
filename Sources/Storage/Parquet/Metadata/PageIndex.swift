/// Where one data page starts and which row it starts at.
package struct PageLocation: Sendable, Hashable {
    package var offset: Int64
    /// Size of the page, header included.
    package var compressedPageSize: Int32
    package var firstRowIndex: Int64
}

/// Page locations of one column chunk.
package struct OffsetIndex: Sendable, Hashable {
    package var pageLocations: [PageLocation] = []

    package func encoded() -> [UInt8] {
        var w = ThriftCompactWriter()
        w.beginStruct()
        w.writeStructList(1, pageLocations) { w, p in
            w.writeI64(1, p.offset)
            w.writeI32(2, p.compressedPageSize)
            w.writeI64(3, p.firstRowIndex)
        }
        w.endStruct()
        return w.bytes
    }

    package static func decode(_ bytes: [UInt8], limits: ThriftLimits = .init()) throws(ParquetError) -> OffsetIndex {
        var r = ThriftCompactReader(bytes, limits: limits)
        var index = OffsetIndex()
        try r.beginStruct()
        while let field = try r.readFieldHeader() {
            guard field.id == 1, field.type == .list else {
                try r.skip(field.type)
                continue
            }
            index.pageLocations = try r.readList(of: .struct) { r throws(ParquetError) in
                var offset: Int64?
                var size: Int32?
                var first: Int64?
                try r.beginStruct()
                while let f = try r.readFieldHeader() {
                    switch (f.id, f.type) {
                    case (1, .i64): offset = try r.readI64()
                    case (2, .i32): size = try r.readI32()
                    case (3, .i64): first = try r.readI64()
                    default: try r.skip(f.type)
                    }
                }
                guard let offset, let size, let first else { throw .corrupt("page location misses a field") }
                return PageLocation(offset: offset, compressedPageSize: size, firstRowIndex: first)
            }
        }
        return index
    }
}

/// Per-page min/max and null counts of one column chunk.
package struct ColumnIndex: Sendable, Hashable {
    package var nullPages: [Bool] = []
    package var minValues: [[UInt8]] = []
    package var maxValues: [[UInt8]] = []
    package var boundaryOrder: BoundaryOrder = .unordered
    package var nullCounts: [Int64]?

    package func encoded() -> [UInt8] {
        var w = ThriftCompactWriter()
        w.beginStruct()
        w.writeListHeader(1, elementType: .boolTrue, count: nullPages.count)
        for p in nullPages { w.writeBoolValue(p) }
        w.writeListHeader(2, elementType: .binary, count: minValues.count)
        for v in minValues { w.writeBinaryValue(v) }
        w.writeListHeader(3, elementType: .binary, count: maxValues.count)
        for v in maxValues { w.writeBinaryValue(v) }
        w.writeI32(4, boundaryOrder.rawValue)
        if let nullCounts {
            w.writeListHeader(5, elementType: .i64, count: nullCounts.count)
            for n in nullCounts { w.writeI64Value(n) }
        }
        w.endStruct()
        return w.bytes
    }

    package static func decode(_ bytes: [UInt8], limits: ThriftLimits = .init()) throws(ParquetError) -> ColumnIndex {
        var r = ThriftCompactReader(bytes, limits: limits)
        var index = ColumnIndex()
        try r.beginStruct()
        while let field = try r.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .list):
                index.nullPages = try r.readList(of: .boolTrue) { r throws(ParquetError) in try r.readBool() }
            case (2, .list):
                index.minValues = try r.readList(of: .binary) { r throws(ParquetError) in try r.readBinary() }
            case (3, .list):
                index.maxValues = try r.readList(of: .binary) { r throws(ParquetError) in try r.readBinary() }
            case (4, .i32): index.boundaryOrder = BoundaryOrder(rawValue: try r.readI32())
            case (5, .list): index.nullCounts = try r.readList(of: .i64) { r throws(ParquetError) in try r.readI64() }
            default: try r.skip(field.type)
            }
        }
        return index
    }
}
