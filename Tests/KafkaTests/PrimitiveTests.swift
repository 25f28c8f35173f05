import NIOCore
import Testing

@testable import Kafka

@Suite struct PrimitiveTests {
    static let unsignedVarintCases: [(UInt32, [UInt8])] = [
        (UInt32(0), [UInt8(0x00)]), (1, [0x01]), (127, [0x7F]), (128, [0x80, 0x01]), (300, [0xAC, 0x02]),
        (16_384, [0x80, 0x80, 0x01]), (UInt32.max, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
    ]

    static let zigZagVarintCases: [(Int32, [UInt8])] = [
        (Int32(0), [UInt8(0x00)]), (-1, [0x01]), (1, [0x02]), (-2, [0x03]), (63, [0x7E]), (-64, [0x7F]),
        (64, [0x80, 0x01]), (-65, [0x81, 0x01]), (Int32.max, [0xFE, 0xFF, 0xFF, 0xFF, 0x0F]),
        (Int32.min, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
    ]

    static let zigZagVarlongCases: [(Int64, [UInt8])] = [
        (Int64(0), [UInt8(0x00)]), (-1, [0x01]), (150, [0xAC, 0x02]), (-150, [0xAB, 0x02]),
        (Int64.max, [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        (Int64.min, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    ]

    @Test(arguments: Self.unsignedVarintCases)
    func unsignedVarint(value: UInt32, bytes: [UInt8]) throws {
        #expect(encoded { $0.writeUnsignedVarint(value) } == bytes)
        var buffer = ByteBuffer(bytes)
        #expect(try buffer.readUnsignedVarint() == value)
        #expect(buffer.readableBytes == 0)
    }

    @Test(arguments: Self.zigZagVarintCases)
    func zigZagVarint(value: Int32, bytes: [UInt8]) throws {
        #expect(encoded { $0.writeVarint(value) } == bytes)
        var buffer = ByteBuffer(bytes)
        #expect(try buffer.readVarint() == value)
    }

    @Test(arguments: Self.zigZagVarlongCases)
    func zigZagVarlong(value: Int64, bytes: [UInt8]) throws {
        #expect(encoded { $0.writeVarlong(value) } == bytes)
        var buffer = ByteBuffer(bytes)
        #expect(try buffer.readVarlong() == value)
    }

    @Test func overlongAndOverflowingVarintsAreRejected() {
        var sixBytes = ByteBuffer([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])
        #expect(throws: WireError.invalidValue("varint longer than 5 bytes")) { try sixBytes.readUnsignedVarint() }
        var overflow = ByteBuffer([0xFF, 0xFF, 0xFF, 0xFF, 0x1F])
        #expect(throws: WireError.invalidValue("varint overflows 32 bits")) { try overflow.readVarint() }
        var cut = ByteBuffer([0x80, 0x80])
        #expect(throws: WireError.truncated) { try cut.readVarint() }
        #expect(cut.readerIndex == 0, "a failed read leaves the reader index alone")
    }

    @Test func fixedWidthIntegersAreBigEndian() throws {
        #expect(encoded { $0.writeInteger(Int32(0x0102_0304)) } == [1, 2, 3, 4])
        var buffer = ByteBuffer([0xFF, 0xFE])
        #expect(try buffer.readKafkaInteger(as: Int16.self) == -2)
        var short = ByteBuffer([0x01, 0x02, 0x03])
        #expect(throws: WireError.truncated) { try short.readKafkaInteger(as: Int32.self) }
    }

    @Test func classicStrings() throws {
        #expect(encoded { $0.writeKafkaString(nil) } == [0xFF, 0xFF])
        #expect(encoded { $0.writeKafkaString("") } == [0x00, 0x00])
        #expect(encoded { $0.writeKafkaString("hé") } == [0x00, 0x03, 0x68, 0xC3, 0xA9])
        var buffer = ByteBuffer([0x00, 0x03, 0x68, 0xC3, 0xA9, 0xFF, 0xFF])
        #expect(try buffer.readKafkaString() == "hé")
        #expect(try buffer.readKafkaNullableString() == nil)
        var null = ByteBuffer([0xFF, 0xFF])
        #expect(throws: WireError.invalidValue("null string")) { try null.readKafkaString() }
    }

    @Test func compactStringNullVersusEmpty() throws {
        #expect(encoded { $0.writeCompactString(nil) } == [0x00])
        #expect(encoded { $0.writeCompactString("") } == [0x01])
        #expect(encoded { $0.writeCompactString("ab") } == [0x03, 0x61, 0x62])
        var buffer = ByteBuffer([0x00, 0x01, 0x03, 0x61, 0x62])
        #expect(try buffer.readCompactNullableString() == nil)
        #expect(try buffer.readCompactNullableString() == "")
        #expect(try buffer.readCompactString() == "ab")
    }

    @Test func lengthsAreCheckedBeforeAllocating() {
        var longString = ByteBuffer([0x7F, 0xFF, 0x61])
        #expect(throws: WireError.tooLarge(length: 32767, limit: 1)) { try longString.readKafkaString() }
        var negative = ByteBuffer([0xFF, 0xFE])
        #expect(throws: WireError.invalidLength(-2)) { try negative.readKafkaNullableString() }
        var hugeArray = ByteBuffer([0x7F, 0xFF, 0xFF, 0xFF, 0x00])
        #expect(throws: WireError.tooLarge(length: Int64(Int32.max), limit: 1)) {
            try hugeArray.readKafkaArray { (element: inout ByteBuffer) throws(WireError) in
                try element.readKafkaInteger(as: Int8.self)
            }
        }
        var hugeBytes = ByteBuffer([0x40, 0x00, 0x00, 0x00])
        #expect(throws: WireError.tooLarge(length: 1 << 30, limit: 0)) { try hugeBytes.readKafkaBytes() }
        var invalidUTF8 = ByteBuffer([0x00, 0x01, 0xFF])
        #expect(throws: WireError.invalidValue("string is not UTF-8")) { try invalidUTF8.readKafkaString() }
    }

    @Test func bytesAndArrays() throws {
        #expect(encoded { $0.writeKafkaBytes(nil) } == [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(encoded { $0.writeCompactBytes(ByteBuffer([9])) } == [0x02, 0x09])
        #expect(encoded { $0.writeKafkaArray([Int16(1), 2]) { $1.writeInteger($0) } } == [0, 0, 0, 2, 0, 1, 0, 2])
        #expect(encoded { $0.writeKafkaArray([Int16]?.none, compact: true) { $1.writeInteger($0) } } == [0x00])
        #expect(encoded { $0.writeKafkaArray([Int16](), compact: true) { $1.writeInteger($0) } } == [0x01])
        var buffer = ByteBuffer([0x03, 0x00, 0x07, 0x00, 0x08, 0x00])
        let values = try buffer.readKafkaNullableArray(compact: true) { (element: inout ByteBuffer) throws(WireError) in
            try element.readKafkaInteger(as: Int16.self)
        }
        #expect(values == [7, 8])
        #expect(
            try buffer.readKafkaNullableArray(compact: true) { (e: inout ByteBuffer) throws(WireError) in
                try e.readKafkaInteger(as: Int8.self)
            } == nil)
    }

    @Test func uuidAndFloat() throws {
        let uuid = KafkaUUID(high: 0x0011_2233_4455_6677, low: 0x8899_AABB_CCDD_EEFF)
        #expect(uuid.description == "00112233-4455-6677-8899-aabbccddeeff")
        var buffer = ByteBuffer()
        buffer.writeKafkaUUID(uuid)
        buffer.writeKafkaFloat64(1.5)
        #expect(buffer.bytes.prefix(2) == [0x00, 0x11])
        #expect(try buffer.readKafkaUUID() == uuid)
        #expect(try buffer.readKafkaFloat64() == 1.5)
    }

    @Test func taggedFieldsSkipUnknownTags() throws {
        // Two fields: tag 0 with 2 bytes, tag 5 with 1 byte; then an unrelated byte 0x42.
        var buffer = ByteBuffer([0x02, 0x00, 0x02, 0xAA, 0xBB, 0x05, 0x01, 0xCC, 0x42])
        var seen: [UInt32: [UInt8]] = [:]
        try buffer.readTaggedFields { (tag, field) throws(WireError) -> Bool in
            seen[tag] = field.bytes
            return false
        }
        let expected: [UInt32: [UInt8]] = [0: [0xAA, 0xBB], 5: [0xCC]]
        #expect(seen == expected)
        #expect(try buffer.readKafkaInteger(as: UInt8.self) == 0x42)

        var skipping = ByteBuffer([0x01, 0x07, 0x03, 1, 2, 3, 0x42])
        try skipping.readTaggedFields()
        #expect(skipping.bytes == [0x42])

        var outOfOrder = ByteBuffer([0x02, 0x05, 0x00, 0x01, 0x00])
        #expect(throws: WireError.invalidValue("tagged fields out of order")) { try outOfOrder.readTaggedFields() }
        var cut = ByteBuffer([0x01, 0x00, 0x05, 0xAA])
        #expect(throws: WireError.truncated) { try cut.readTaggedFields() }
        #expect(encoded { $0.writeEmptyTaggedFields() } == [0x00])
        #expect(encoded { $0.writeTaggedFields([(tag: 3, value: ByteBuffer([1]))]) } == [0x01, 0x03, 0x01, 0x01])
    }
}
