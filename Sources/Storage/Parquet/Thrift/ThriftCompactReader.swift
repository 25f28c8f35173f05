/// Limits that bound what a Thrift reader allocates, whatever the bytes claim.
package struct ThriftLimits: Sendable {
    package init() {}
    /// Most elements in one list. Default: 10 million.
    package var maxListCount = 10_000_000
    /// Most bytes in one binary or string. Default: 64 MiB.
    package var maxBinaryLength = 64 << 20
    /// Deepest struct/list nesting. Default: 64.
    package var maxDepth = 64
}

/// Reads Thrift compact-protocol structs from a byte array, never trusting a length or a count.
struct ThriftCompactReader {
    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int
    let limits: ThriftLimits
    private var lastFieldID: Int16 = 0
    private var fieldIDStack: [Int16] = []
    private var depth = 0
    /// The value of the bool field whose header was just read (compact protocol keeps it in the type nibble).
    private var pendingBool: Bool?

    init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil, limits: ThriftLimits = .init()) {
        self.bytes = bytes
        self.position = start
        self.end = min(end ?? bytes.count, bytes.count)
        self.limits = limits
    }

    var remaining: Int { end - position }

    mutating func beginStruct() throws(ParquetError) {
        depth += 1
        guard depth <= limits.maxDepth else { throw .corrupt("Thrift nesting deeper than \(limits.maxDepth)") }
        fieldIDStack.append(lastFieldID)
        lastFieldID = 0
    }

    private mutating func endStruct() {
        depth -= 1
        lastFieldID = fieldIDStack.popLast() ?? 0
    }

    /// Reads the next field header; returns nil at the struct's stop byte (and leaves the struct).
    mutating func readFieldHeader() throws(ParquetError) -> (id: Int16, type: ThriftCompactType)? {
        let byte = try readByte()
        if byte == 0 {
            endStruct()
            return nil
        }
        guard let type = ThriftCompactType(rawValue: byte & 0x0F) else {
            throw .corrupt("unknown Thrift compact type \(byte & 0x0F)")
        }
        let delta = byte >> 4
        let id: Int16
        if delta != 0 {
            let (sum, overflow) = lastFieldID.addingReportingOverflow(Int16(delta))
            guard !overflow else { throw .corrupt("Thrift field id overflow") }
            id = sum
        } else {
            let raw = try readZigZag()
            guard let narrow = Int16(exactly: raw) else { throw .corrupt("Thrift field id \(raw) out of range") }
            id = narrow
        }
        lastFieldID = id
        switch type {
        case .boolTrue: pendingBool = true
        case .boolFalse: pendingBool = false
        default: pendingBool = nil
        }
        return (id, type)
    }

    // MARK: Primitives

    mutating func readByte() throws(ParquetError) -> UInt8 {
        guard position < end else { throw .corrupt("Thrift data ends early") }
        let byte = bytes[position]
        position += 1
        return byte
    }

    mutating func readVarint() throws(ParquetError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64 else { throw .corrupt("Thrift varint longer than 10 bytes") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func readZigZag() throws(ParquetError) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    /// A bool field's value from its header, or a one-byte list element.
    mutating func readBool() throws(ParquetError) -> Bool {
        if let value = pendingBool {
            pendingBool = nil
            return value
        }
        return try readByte() == 1
    }

    mutating func readI8() throws(ParquetError) -> Int8 { Int8(bitPattern: try readByte()) }

    mutating func readI16() throws(ParquetError) -> Int16 {
        let value = try readZigZag()
        guard let narrow = Int16(exactly: value) else { throw .corrupt("i16 value \(value) out of range") }
        return narrow
    }

    mutating func readI32() throws(ParquetError) -> Int32 {
        let value = try readZigZag()
        guard let narrow = Int32(exactly: value) else { throw .corrupt("i32 value \(value) out of range") }
        return narrow
    }

    mutating func readI64() throws(ParquetError) -> Int64 { try readZigZag() }

    mutating func readDouble() throws(ParquetError) -> Double {
        guard remaining >= 8 else { throw .corrupt("Thrift double ends early") }
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return Double(bitPattern: bits)
    }

    mutating func readBinary() throws(ParquetError) -> [UInt8] {
        let length = try readVarint()
        guard length <= UInt64(limits.maxBinaryLength) else {
            throw .sizeLimitExceeded(
                what: "Thrift binary length", size: Int(clamping: length), limit: limits.maxBinaryLength)
        }
        guard Int(length) <= remaining else { throw .corrupt("Thrift binary of \(length) bytes runs past the end") }
        let value = Array(bytes[position..<(position + Int(length))])
        position += Int(length)
        return value
    }

    mutating func readString() throws(ParquetError) -> String {
        String(decoding: try readBinary(), as: UTF8.self)
    }

    /// Reads a list header and checks the count against the remaining bytes and the list limit.
    mutating func readListHeader() throws(ParquetError) -> (elementType: ThriftCompactType, count: Int) {
        let byte = try readByte()
        guard let type = ThriftCompactType(rawValue: byte & 0x0F) else {
            throw .corrupt("unknown Thrift list element type \(byte & 0x0F)")
        }
        var count = UInt64(byte >> 4)
        if count == 15 { count = try readVarint() }
        guard count <= UInt64(limits.maxListCount) else {
            throw .sizeLimitExceeded(what: "Thrift list count", size: Int(clamping: count), limit: limits.maxListCount)
        }
        // Every element takes at least one byte, except bools packed in nothing: none are.
        guard Int(count) <= remaining else { throw .corrupt("Thrift list of \(count) elements runs past the end") }
        return (type, Int(count))
    }

    /// Reads a list whose elements are read by `element`, checking the element type.
    mutating func readList<T>(
        of expected: ThriftCompactType, _ element: (inout ThriftCompactReader) throws(ParquetError) -> T
    ) throws(ParquetError) -> [T] {
        let (type, count) = try readListHeader()
        let matches = type == expected || (expected == .boolTrue && type == .boolFalse)
        guard matches || count == 0 else { throw .corrupt("Thrift list of type \(type), expected \(expected)") }
        depth += 1
        defer { depth -= 1 }
        guard depth <= limits.maxDepth else { throw .corrupt("Thrift nesting deeper than \(limits.maxDepth)") }
        var result: [T] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try element(&self)) }
        return result
    }

    // MARK: Skipping

    /// Skips a value of `type` (for fields this reader does not know), including nested containers.
    mutating func skip(_ type: ThriftCompactType) throws(ParquetError) {
        switch type {
        case .boolTrue, .boolFalse:
            if pendingBool != nil { pendingBool = nil } else { _ = try readByte() }
        case .i8: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double:
            guard remaining >= 8 else { throw .corrupt("Thrift double ends early") }
            position += 8
        case .binary:
            let length = try readVarint()
            guard length <= UInt64(remaining) else { throw .corrupt("Thrift binary runs past the end") }
            position += Int(length)
        case .list, .set:
            let (elementType, count) = try readListHeader()
            try skipElements(elementType, count: count)
        case .map:
            let count = try readVarint()
            guard count <= UInt64(remaining) else { throw .corrupt("Thrift map runs past the end") }
            if count > 0 {
                let types = try readByte()
                guard let keyType = ThriftCompactType(rawValue: types >> 4),
                    let valueType = ThriftCompactType(rawValue: types & 0x0F)
                else { throw .corrupt("unknown Thrift map types") }
                for _ in 0..<count {
                    try skipElement(keyType)
                    try skipElement(valueType)
                }
            }
        case .struct:
            try beginStruct()
            while let field = try readFieldHeader() { try skip(field.type) }
        case .stop:
            throw .corrupt("unexpected Thrift stop type")
        }
    }

    private mutating func skipElements(_ type: ThriftCompactType, count: Int) throws(ParquetError) {
        depth += 1
        defer { depth -= 1 }
        guard depth <= limits.maxDepth else { throw .corrupt("Thrift nesting deeper than \(limits.maxDepth)") }
        for _ in 0..<count { try skipElement(type) }
    }

    /// Skips one container element: unlike a field, a bool element is a whole byte.
    private mutating func skipElement(_ type: ThriftCompactType) throws(ParquetError) {
        pendingBool = nil
        if type == .boolTrue || type == .boolFalse {
            _ = try readByte()
        } else {
            try skip(type)
        }
    }
}
