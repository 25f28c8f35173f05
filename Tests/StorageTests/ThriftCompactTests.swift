import Testing

@testable import Storage

/// Thrift compact protocol against byte sequences worked out by hand from the spec.
@Suite struct ThriftCompactTests {
    private func encode(_ body: (inout ThriftCompactWriter) -> Void) -> [UInt8] {
        var w = ThriftCompactWriter()
        w.beginStruct()
        body(&w)
        w.endStruct()
        return w.bytes
    }

    @Test func shortFieldHeaderAndZigZag() {
        #expect(encode { $0.writeI32(1, 5) } == [0x15, 0x0A, 0x00])
        #expect(encode { $0.writeI64(1, -1) } == [0x16, 0x01, 0x00])
        #expect(encode { $0.writeI32(1, 300) } == [0x15, 0xD8, 0x04, 0x00])
        #expect(encode { $0.writeI16(3, -2) } == [0x34, 0x03, 0x00])
    }

    @Test func longFieldHeaderWhenDeltaExceeds15() {
        // id 1 short form, then id 20: delta 19 → type byte then zig-zag id 40.
        #expect(
            encode { w in
                w.writeI32(1, 0)
                w.writeI32(20, 1)
            } == [0x15, 0x00, 0x05, 0x28, 0x02, 0x00])
        // A decreasing id also needs the long form.
        #expect(
            encode { w in
                w.writeI32(5, 0)
                w.writeI32(2, 0)
            } == [0x55, 0x00, 0x05, 0x04, 0x00, 0x00])
    }

    @Test func boolsLiveInTheTypeNibble() {
        #expect(
            encode { w in
                w.writeBool(1, true)
                w.writeBool(2, false)
            } == [0x11, 0x12, 0x00])
    }

    @Test func binaryDoubleAndLists() {
        #expect(encode { $0.writeString(1, "ab") } == [0x18, 0x02, 0x61, 0x62, 0x00])
        #expect(encode { $0.writeDouble(1, 1.0) } == [0x17, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x00])
        #expect(
            encode { w in
                w.writeListHeader(1, elementType: .i32, count: 3)
                for v: Int32 in [1, 2, 3] { w.writeI32Value(v) }
            } == [0x19, 0x35, 0x02, 0x04, 0x06, 0x00])
        let long = encode { w in
            w.writeListHeader(1, elementType: .i32, count: 15)
            for _ in 0..<15 { w.writeI32Value(0) }
        }
        #expect(Array(long.prefix(3)) == [0x19, 0xF5, 0x0F])
        #expect(long.count == 3 + 15 + 1)
    }

    @Test func nestedStructsKeepTheirOwnLastFieldID() {
        let bytes = encode { w in
            w.writeStruct(1) { $0.writeI32(1, 7) }
            w.writeI32(2, 1)
        }
        #expect(bytes == [0x1C, 0x15, 0x0E, 0x00, 0x15, 0x02, 0x00])
    }

    @Test func decodesWhatItEncodes() throws {
        var metadata = FileMetaData()
        var root = SchemaElement(name: "schema")
        root.numChildren = 1
        var leaf = SchemaElement(name: "ts")
        leaf.type = .int64
        leaf.repetition = .optional
        leaf.logicalType = .timestamp(isAdjustedToUTC: true, unit: .micros)
        leaf.convertedType = .timestampMicros
        metadata.schema = [root, leaf]
        metadata.numRows = 3
        var meta = ColumnMetaData()
        meta.type = .int64
        meta.encodings = [.plain, .rle]
        meta.pathInSchema = ["ts"]
        meta.numValues = 3
        meta.dataPageOffset = 4
        var stats = Statistics()
        stats.minValue = [1, 0, 0, 0, 0, 0, 0, 0]
        stats.isMaxValueExact = false
        meta.statistics = stats
        var chunk = ColumnChunk()
        chunk.fileOffset = 4
        chunk.metaData = meta
        var group = RowGroup()
        group.columns = [chunk]
        group.numRows = 3
        metadata.rowGroups = [group]
        metadata.columnOrders = [.typeDefined]
        metadata.keyValueMetadata = [KeyValue(key: "k", value: "v")]
        metadata.createdBy = "me"
        #expect(try FileMetaData.decode(metadata.encoded()) == metadata)
    }

    @Test func skipsUnknownFieldsOfEveryType() throws {
        var w = ThriftCompactWriter()
        w.beginStruct()
        w.writeString(4, "name")
        w.writeDouble(40, 2.5)
        w.writeBool(41, true)
        w.writeI8(42, 9)
        w.writeBinary(43, [1, 2, 3])
        w.writeListHeader(44, elementType: .struct, count: 2)
        for _ in 0..<2 {
            w.beginStruct()
            w.writeI64(1, 5)
            w.writeListHeader(2, elementType: .boolTrue, count: 2)
            w.writeBoolValue(true)
            w.writeBoolValue(false)
            w.endStruct()
        }
        w.writeStruct(45) { $0.writeStruct(3) { $0.writeString(1, "deep") } }
        var bytes = w.bytes
        // A map<i32, binary> field 46 with one entry, written by hand: count 1, types 0x58, key 2, value "x".
        bytes += [0x0B, 0x5C, 0x01, 0x58, 0x04, 0x01, 0x78]
        var tail = ThriftCompactWriter()
        tail.beginStruct()
        tail.writeI32(46, 0)  // sets the writer's last id so the next header is a short delta
        tail.writeI32(47, 3)
        bytes += Array(tail.bytes.dropFirst(3))  // only the field-47 header and value
        bytes.append(0x00)
        var reader = ThriftCompactReader(bytes)
        // SchemaElement knows none of 40…47 except nothing: only the name survives.
        let element = try SchemaElement.read(from: &reader)
        #expect(element.name == "name")
        #expect(element.numChildren == nil)
        #expect(reader.remaining == 0)
    }

    @Test func neverTrustsLengths() {
        // Binary field claiming 2^31 bytes.
        var r1 = ThriftCompactReader([0x48, 0x80, 0x80, 0x80, 0x80, 0x08, 0x00])
        #expect(throws: ParquetError.self) { try SchemaElement.read(from: &r1) }
        // List claiming a billion structs with 3 bytes left.
        var r2 = ThriftCompactReader([0x29, 0xFC, 0x80, 0x94, 0xEB, 0xDC, 0x03, 0x00])
        #expect(throws: ParquetError.self) { try FileMetaData.decode(r2.bytes) }
        _ = r2.remaining
        // Deep nesting is bounded.
        let deep = [UInt8](repeating: 0x1C, count: 10_000)
        #expect(throws: ParquetError.self) { try FileMetaData.decode(deep) }
    }

    @Test("a complete struct nested deeper than the limit is refused for its depth; one within it is skipped whole")
    func nestingLimit() throws {
        // `depth` struct fields, each inside the one before, then the stop byte of each struct.
        func nested(_ depth: Int) -> [UInt8] {
            [UInt8](repeating: 0x1C, count: depth) + [UInt8](repeating: 0x00, count: depth + 1)
        }
        var within = ThriftCompactReader(nested(60))
        try within.skip(.struct)
        #expect(within.remaining == 0)
        var deep = ThriftCompactReader(nested(100))
        #expect(throws: ParquetError.corrupt("Thrift nesting deeper than 64")) { try deep.skip(.struct) }
    }
}
