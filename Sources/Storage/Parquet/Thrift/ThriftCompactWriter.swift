/// Writes Thrift compact-protocol structs into a byte array.
///
/// Structs nest: `beginStruct` saves the enclosing struct's last field id, `endStruct` writes the
/// stop byte and restores it, so field-id deltas are always relative to the current struct.
struct ThriftCompactWriter {
    private(set) var bytes: [UInt8] = []
    private var lastFieldID: Int16 = 0
    private var fieldIDStack: [Int16] = []

    init(reservingCapacity capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    mutating func beginStruct() {
        fieldIDStack.append(lastFieldID)
        lastFieldID = 0
    }

    mutating func endStruct() {
        bytes.append(ThriftCompactType.stop.rawValue)
        lastFieldID = fieldIDStack.popLast() ?? 0
    }

    /// Writes a field header: short form when the id delta is 1…15, else the type then a zig-zag id.
    mutating func writeFieldHeader(_ id: Int16, _ type: ThriftCompactType) {
        let delta = Int(id) - Int(lastFieldID)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeVarint(zigZag(Int64(id)))
        }
        lastFieldID = id
    }

    mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    func zigZag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    // MARK: Fields

    mutating func writeBool(_ id: Int16, _ value: Bool) {
        writeFieldHeader(id, value ? .boolTrue : .boolFalse)
    }

    mutating func writeI8(_ id: Int16, _ value: Int8) {
        writeFieldHeader(id, .i8)
        bytes.append(UInt8(bitPattern: value))
    }

    mutating func writeI16(_ id: Int16, _ value: Int16) {
        writeFieldHeader(id, .i16)
        writeVarint(zigZag(Int64(value)))
    }

    mutating func writeI32(_ id: Int16, _ value: Int32) {
        writeFieldHeader(id, .i32)
        writeVarint(zigZag(Int64(value)))
    }

    mutating func writeI64(_ id: Int16, _ value: Int64) {
        writeFieldHeader(id, .i64)
        writeVarint(zigZag(value))
    }

    mutating func writeDouble(_ id: Int16, _ value: Double) {
        writeFieldHeader(id, .double)
        var bits = value.bitPattern.littleEndian
        withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
    }

    mutating func writeBinary(_ id: Int16, _ value: [UInt8]) {
        writeFieldHeader(id, .binary)
        writeBinaryValue(value)
    }

    mutating func writeString(_ id: Int16, _ value: String) {
        writeBinary(id, Array(value.utf8))
    }

    /// Writes a struct field; `body` writes the nested struct's fields.
    mutating func writeStruct(_ id: Int16, _ body: (inout ThriftCompactWriter) -> Void) {
        writeFieldHeader(id, .struct)
        beginStruct()
        body(&self)
        endStruct()
    }

    // MARK: Lists and list elements

    /// Writes a list field header: short form for up to 14 elements, else `0xF0 | type` and a varint count.
    mutating func writeListHeader(_ id: Int16, elementType: ThriftCompactType, count: Int) {
        writeFieldHeader(id, .list)
        writeListBegin(elementType: elementType, count: count)
    }

    mutating func writeListBegin(elementType: ThriftCompactType, count: Int) {
        if count <= 14 {
            bytes.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            writeVarint(UInt64(count))
        }
    }

    mutating func writeBinaryValue(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func writeI32Value(_ value: Int32) { writeVarint(zigZag(Int64(value))) }
    mutating func writeI64Value(_ value: Int64) { writeVarint(zigZag(value)) }
    /// A bool list element is one byte: 1 for true, 2 for false.
    mutating func writeBoolValue(_ value: Bool) { bytes.append(value ? 1 : 2) }

    /// Writes a list of structs.
    mutating func writeStructList<T>(_ id: Int16, _ elements: [T], _ body: (inout ThriftCompactWriter, T) -> Void) {
        writeListHeader(id, elementType: .struct, count: elements.count)
        for element in elements {
            beginStruct()
            body(&self, element)
            endStruct()
        }
    }
}
