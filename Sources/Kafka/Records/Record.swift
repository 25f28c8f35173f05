import NIOCore

/// One record inside a RecordBatch v2: varint length, attributes, timestamp and offset deltas,
/// nullable key and value, headers. Key, value and header values are slices of the batch's bytes.
package struct Record: Sendable, Equatable {
    /// Unused by Kafka so far; always 0 from real clients.
    package var attributes: Int8 = 0
    /// Milliseconds after the batch's base timestamp.
    package var timestampDelta: Int64 = 0
    /// Position after the batch's base offset.
    package var offsetDelta: Int32 = 0
    /// The key, or nil.
    package var key: ByteBuffer?
    /// The value, or nil (a tombstone).
    package var value: ByteBuffer?
    /// Application headers, in order; keys may repeat.
    package var headers: [RecordHeader] = []

    package init(
        attributes: Int8 = 0, timestampDelta: Int64 = 0, offsetDelta: Int32 = 0, key: ByteBuffer? = nil,
        value: ByteBuffer? = nil, headers: [RecordHeader] = []
    ) {
        self.attributes = attributes
        self.timestampDelta = timestampDelta
        self.offsetDelta = offsetDelta
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// Reads one record (its varint length and body) from `buffer`.
    package init(from buffer: inout ByteBuffer) throws(WireError) {
        let length = try buffer.readVarint()
        guard length >= 0 else { throw .invalidLength(Int64(length)) }
        guard var body = buffer.readSlice(length: Int(length)) else { throw .truncated }
        attributes = try body.readKafkaInteger()
        timestampDelta = try body.readVarlong()
        offsetDelta = try body.readVarint()
        key = try body.readVarintBytes()
        value = try body.readVarintBytes()
        let headerCount = try body.readVarint()
        guard headerCount >= 0 else { throw .invalidLength(Int64(headerCount)) }
        // A header takes at least two bytes (key length and value length).
        guard Int(headerCount) * 2 <= body.readableBytes else {
            throw .tooLarge(length: Int64(headerCount), limit: Int64(body.readableBytes / 2))
        }
        headers = []
        headers.reserveCapacity(Int(headerCount))
        for _ in 0..<headerCount {
            guard let keyBytes = try body.readVarintBytes() else { throw .invalidValue("null header key") }
            guard let key = String(validating: keyBytes.readableBytesView, as: UTF8.self) else {
                throw .invalidValue("header key is not UTF-8")
            }
            headers.append(RecordHeader(key: key, value: try body.readVarintBytes()))
        }
        guard body.readableBytes == 0 else { throw .trailingBytes(body.readableBytes) }
    }

    /// Writes the record with its varint length prefix.
    package func encode(into buffer: inout ByteBuffer) {
        var body = ByteBuffer()
        body.writeInteger(attributes)
        body.writeVarlong(timestampDelta)
        body.writeVarint(offsetDelta)
        body.writeVarintBytes(key)
        body.writeVarintBytes(value)
        body.writeVarint(Int32(headers.count))
        for header in headers {
            var keyBytes = ByteBuffer()
            keyBytes.writeString(header.key)
            body.writeVarintBytes(keyBytes)
            body.writeVarintBytes(header.value)
        }
        buffer.writeVarint(Int32(body.readableBytes))
        buffer.writeImmutableBuffer(body)
    }
}

/// A record header: a string key and nullable bytes.
package struct RecordHeader: Sendable, Equatable {
    package var key: String
    package var value: ByteBuffer?

    package init(key: String, value: ByteBuffer?) {
        self.key = key
        self.value = value
    }
}

extension ByteBuffer {
    /// Reads bytes with a zig-zag varint length (-1 is null), as a slice.
    mutating func readVarintBytes() throws(WireError) -> ByteBuffer? {
        let length = try readVarint()
        if length == -1 { return nil }
        guard length >= 0 else { throw .invalidLength(Int64(length)) }
        guard let slice = readSlice(length: Int(length)) else { throw .truncated }
        return slice
    }

    /// Writes bytes with a zig-zag varint length (nil writes -1).
    mutating func writeVarintBytes(_ value: ByteBuffer?) {
        guard let value else {
            writeVarint(-1)
            return
        }
        writeVarint(Int32(value.readableBytes))
        writeImmutableBuffer(value)
    }
}
