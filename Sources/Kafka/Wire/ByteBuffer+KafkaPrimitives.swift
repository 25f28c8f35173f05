import NIOCore

// Kafka's primitive types (docs/protocol.html, "Protocol Primitive Types"). Every read checks a
// length against the readable bytes before it allocates, and moves the reader index only on success.
// Arrays count at least one byte per element, so a count is bounded by the bytes left in the frame.

extension ByteBuffer {
    // MARK: Fixed-width integers

    /// Reads a big-endian fixed-width integer (int8, int16, int32, int64, uint16, uint32).
    package mutating func readKafkaInteger<T: FixedWidthInteger>(as: T.Type = T.self) throws(WireError) -> T {
        guard let value = readInteger(endianness: .big, as: T.self) else { throw .truncated }
        return value
    }

    /// Reads a boolean (one byte, non-zero is true).
    package mutating func readKafkaBool() throws(WireError) -> Bool {
        try readKafkaInteger(as: Int8.self) != 0
    }

    /// Writes a boolean as one byte, 0 or 1.
    package mutating func writeKafkaBool(_ value: Bool) {
        writeInteger(Int8(value ? 1 : 0))
    }

    /// Reads an IEEE 754 double, big-endian.
    package mutating func readKafkaFloat64() throws(WireError) -> Double {
        Double(bitPattern: try readKafkaInteger(as: UInt64.self))
    }

    /// Writes an IEEE 754 double, big-endian.
    package mutating func writeKafkaFloat64(_ value: Double) {
        writeInteger(value.bitPattern)
    }

    /// Reads a UUID (16 bytes).
    package mutating func readKafkaUUID() throws(WireError) -> KafkaUUID {
        guard readableBytes >= 16 else { throw .truncated }
        return KafkaUUID(high: try readKafkaInteger(), low: try readKafkaInteger())
    }

    /// Writes a UUID (16 bytes).
    package mutating func writeKafkaUUID(_ value: KafkaUUID) {
        writeInteger(value.high)
        writeInteger(value.low)
    }

    // MARK: Varints

    /// Reads an unsigned LEB128 varint of at most 32 bits (5 bytes).
    package mutating func readUnsignedVarint() throws(WireError) -> UInt32 {
        UInt32(truncatingIfNeeded: try readRawVarint(maxBytes: 5, bits: 32))
    }

    /// Writes an unsigned LEB128 varint.
    package mutating func writeUnsignedVarint(_ value: UInt32) {
        writeRawVarint(UInt64(value))
    }

    /// Reads a zig-zag varint (int32).
    package mutating func readVarint() throws(WireError) -> Int32 {
        let raw = UInt32(truncatingIfNeeded: try readRawVarint(maxBytes: 5, bits: 32))
        return Int32(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Writes a zig-zag varint (int32).
    package mutating func writeVarint(_ value: Int32) {
        writeRawVarint(UInt64(UInt32(bitPattern: (value << 1) ^ (value >> 31))))
    }

    /// Reads a zig-zag varlong (int64).
    package mutating func readVarlong() throws(WireError) -> Int64 {
        let raw = try readRawVarint(maxBytes: 10, bits: 64)
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Writes a zig-zag varlong (int64).
    package mutating func writeVarlong(_ value: Int64) {
        writeRawVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// The number of bytes `value` takes as an unsigned varint.
    package static func unsignedVarintSize(_ value: UInt64) -> Int {
        var size = 1
        var rest = value >> 7
        while rest != 0 {
            size += 1
            rest >>= 7
        }
        return size
    }

    mutating func readRawVarint(maxBytes: Int, bits: Int) throws(WireError) -> UInt64 {
        var result: UInt64 = 0
        var index = readerIndex
        for byteNumber in 0..<maxBytes {
            guard let byte = getInteger(at: index, as: UInt8.self) else { throw .truncated }
            index += 1
            let shift = UInt64(byteNumber * 7)
            let payload = UInt64(byte & 0x7F)
            // The last byte may only carry the bits that fit the type.
            if byteNumber == maxBytes - 1, payload >> UInt64(bits - Int(shift)) != 0 {
                throw .invalidValue("varint overflows \(bits) bits")
            }
            result |= payload << shift
            if byte & 0x80 == 0 {
                moveReaderIndex(to: index)
                return result
            }
        }
        throw .invalidValue("varint longer than \(maxBytes) bytes")
    }

    mutating func writeRawVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            writeInteger(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        writeInteger(UInt8(rest))
    }

    // MARK: Lengths

    /// Reads a length: int16/int32 in classic encodings, unsigned varint N+1 in compact ones.
    /// Returns nil for the null marker (-1, or 0 compact); throws for other negative values
    /// or a length over the readable bytes.
    mutating func readLength(compact: Bool, wide: Bool, elementSize: Int = 1) throws(WireError) -> Int? {
        let length: Int64
        if compact {
            length = Int64(try readUnsignedVarint()) - 1
        } else if wide {
            length = Int64(try readKafkaInteger(as: Int32.self))
        } else {
            length = Int64(try readKafkaInteger(as: Int16.self))
        }
        if length == -1 { return nil }
        guard length >= 0 else { throw .invalidLength(length) }
        guard length * Int64(elementSize) <= Int64(readableBytes) else {
            throw .tooLarge(length: length, limit: Int64(readableBytes / elementSize))
        }
        return Int(length)
    }

    mutating func writeLength(_ length: Int?, compact: Bool, wide: Bool) {
        if compact {
            writeUnsignedVarint(UInt32(truncatingIfNeeded: (length ?? -1) + 1))
        } else if wide {
            writeInteger(Int32(truncatingIfNeeded: length ?? -1))
        } else {
            writeInteger(Int16(truncatingIfNeeded: length ?? -1))
        }
    }

    // MARK: Strings

    /// Reads a string (int16 length, or compact varint length when `compact`); null is an error.
    package mutating func readKafkaString(compact: Bool = false) throws(WireError) -> String {
        guard let value = try readKafkaNullableString(compact: compact) else { throw .invalidValue("null string") }
        return value
    }

    /// Reads a nullable string (int16 length -1, or compact length 0, is null).
    package mutating func readKafkaNullableString(compact: Bool = false) throws(WireError) -> String? {
        guard let length = try readLength(compact: compact, wide: false) else { return nil }
        guard let bytes = readSlice(length: length) else { throw .truncated }
        guard let string = String(validating: bytes.readableBytesView, as: UTF8.self) else {
            throw .invalidValue("string is not UTF-8")
        }
        return string
    }

    /// Writes a string (nil writes the null marker).
    package mutating func writeKafkaString(_ value: String?, compact: Bool = false) {
        guard let value else {
            writeLength(nil, compact: compact, wide: false)
            return
        }
        writeLength(value.utf8.count, compact: compact, wide: false)
        writeString(value)
    }

    /// Reads a compact string (unsigned varint N+1 length).
    package mutating func readCompactString() throws(WireError) -> String { try readKafkaString(compact: true) }

    /// Reads a compact nullable string (length 0 is null, 1 is empty).
    package mutating func readCompactNullableString() throws(WireError) -> String? {
        try readKafkaNullableString(compact: true)
    }

    /// Writes a compact (nullable) string.
    package mutating func writeCompactString(_ value: String?) { writeKafkaString(value, compact: true) }

    // MARK: Bytes

    /// Reads bytes (int32 length, or compact varint length) as a slice of this buffer; null is an error.
    package mutating func readKafkaBytes(compact: Bool = false) throws(WireError) -> ByteBuffer {
        guard let value = try readKafkaNullableBytes(compact: compact) else { throw .invalidValue("null bytes") }
        return value
    }

    /// Reads nullable bytes as a slice of this buffer (no copy).
    package mutating func readKafkaNullableBytes(compact: Bool = false) throws(WireError) -> ByteBuffer? {
        guard let length = try readLength(compact: compact, wide: true) else { return nil }
        guard let bytes = readSlice(length: length) else { throw .truncated }
        return bytes
    }

    /// Writes the readable bytes of `value` with their length (nil writes the null marker).
    package mutating func writeKafkaBytes(_ value: ByteBuffer?, compact: Bool = false) {
        guard let value else {
            writeLength(nil, compact: compact, wide: true)
            return
        }
        writeLength(value.readableBytes, compact: compact, wide: true)
        writeImmutableBuffer(value)
    }

    /// Reads compact bytes (unsigned varint N+1 length).
    package mutating func readCompactBytes() throws(WireError) -> ByteBuffer { try readKafkaBytes(compact: true) }

    /// Reads compact nullable bytes.
    package mutating func readCompactNullableBytes() throws(WireError) -> ByteBuffer? {
        try readKafkaNullableBytes(compact: true)
    }

    /// Writes compact (nullable) bytes.
    package mutating func writeCompactBytes(_ value: ByteBuffer?) { writeKafkaBytes(value, compact: true) }

    // MARK: Arrays

    /// Reads an array (int32 count, or compact varint count) whose elements `element` decodes; null is an error.
    package mutating func readKafkaArray<Element>(
        compact: Bool = false, _ element: (inout ByteBuffer) throws(WireError) -> Element
    ) throws(WireError) -> [Element] {
        guard let value = try readKafkaNullableArray(compact: compact, element) else {
            throw .invalidValue("null array")
        }
        return value
    }

    /// Reads a nullable array. The count is checked against the readable bytes before reserving space.
    package mutating func readKafkaNullableArray<Element>(
        compact: Bool = false, _ element: (inout ByteBuffer) throws(WireError) -> Element
    ) throws(WireError) -> [Element]? {
        guard let count = try readLength(compact: compact, wide: true) else { return nil }
        var result: [Element] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try element(&self)) }
        return result
    }

    /// Writes an array's count and its elements (nil writes the null marker).
    package mutating func writeKafkaArray<Element>(
        _ value: [Element]?, compact: Bool = false, _ element: (Element, inout ByteBuffer) -> Void
    ) {
        guard let value else {
            writeLength(nil, compact: compact, wide: true)
            return
        }
        writeLength(value.count, compact: compact, wide: true)
        for item in value { element(item, &self) }
    }

    // MARK: Tagged fields

    /// Reads a tagged-field section, calling `field` for each tag with a slice of its bytes;
    /// `field` returns false for a tag it does not know, which is skipped. Tags must increase.
    package mutating func readTaggedFields(
        _ field: (UInt32, inout ByteBuffer) throws(WireError) -> Bool = { _, _ in false }
    ) throws(WireError) {
        let count = try readUnsignedVarint()
        guard count <= readableBytes else { throw .tooLarge(length: Int64(count), limit: Int64(readableBytes)) }
        var previous: UInt32?
        for _ in 0..<count {
            let tag = try readUnsignedVarint()
            if let previous, tag <= previous { throw .invalidValue("tagged fields out of order") }
            previous = tag
            let size = try readUnsignedVarint()
            guard var slice = readSlice(length: Int(size)) else { throw .truncated }
            _ = try field(tag, &slice)
        }
    }

    /// Writes an empty tagged-field section.
    package mutating func writeEmptyTaggedFields() {
        writeInteger(UInt8(0))
    }

    /// Writes a tagged-field section from (tag, encoded value) pairs in increasing tag order.
    package mutating func writeTaggedFields(_ fields: [(tag: UInt32, value: ByteBuffer)]) {
        writeUnsignedVarint(UInt32(fields.count))
        for field in fields {
            writeUnsignedVarint(field.tag)
            writeUnsignedVarint(UInt32(field.value.readableBytes))
            writeImmutableBuffer(field.value)
        }
    }
}
