import NIOCore

/// One record of a batch seen in place: deltas and the bytes of its key and value (nil for null),
/// valid only during the call that hands it out.
package struct RecordView {
    package var offsetDelta: Int32
    package var timestampDelta: Int64
    package var key: UnsafeRawBufferPointer?
    package var value: UnsafeRawBufferPointer?
}

/// Walks the records of a (decompressed) batch body without building `Record` values: the path for
/// readers that need offsets and values only. It checks what `Record(from:)` checks: lengths within
/// bounds, varints that fit their type, UTF-8-free header skipping with exact record lengths.
struct RecordScanner {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - position }

    mutating func next() throws(WireError) -> RecordView {
        let length = try varint()
        guard length >= 0 else { throw .invalidLength(Int64(length)) }
        let end = position + Int(length)
        guard end <= bytes.count else { throw .truncated }
        guard position < end else { throw .truncated }
        position += 1  // attributes
        let timestampDelta = try varlong(limit: end)
        let offsetDelta = try varint(limit: end)
        let key = try lengthPrefixed(limit: end)
        let value = try lengthPrefixed(limit: end)
        let headers = try varint(limit: end)
        guard headers >= 0 else { throw .invalidLength(Int64(headers)) }
        for _ in 0..<headers {
            guard try lengthPrefixed(limit: end) != nil else { throw .invalidValue("null header key") }
            _ = try lengthPrefixed(limit: end)
        }
        guard position == end else { throw .trailingBytes(end - position) }
        return RecordView(offsetDelta: offsetDelta, timestampDelta: timestampDelta, key: key, value: value)
    }

    private mutating func lengthPrefixed(limit: Int) throws(WireError) -> UnsafeRawBufferPointer? {
        let length = try varint(limit: limit)
        guard length >= 0 else {
            guard length == -1 else { throw .invalidLength(Int64(length)) }
            return nil
        }
        guard position + Int(length) <= limit else { throw .truncated }
        defer { position += Int(length) }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + Int(length))])
    }

    private mutating func varint(limit: Int? = nil) throws(WireError) -> Int32 {
        let raw = UInt32(truncatingIfNeeded: try rawVarint(maxBytes: 5, bits: 32, limit: limit ?? bytes.count))
        return Int32(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    private mutating func varlong(limit: Int) throws(WireError) -> Int64 {
        let raw = try rawVarint(maxBytes: 10, bits: 64, limit: limit)
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    private mutating func rawVarint(maxBytes: Int, bits: Int, limit: Int) throws(WireError) -> UInt64 {
        var result: UInt64 = 0
        for byteNumber in 0..<maxBytes {
            guard position < limit else { throw .truncated }
            let byte = bytes[position]
            position += 1
            let shift = UInt64(byteNumber * 7)
            let payload = UInt64(byte & 0x7F)
            if byteNumber == maxBytes - 1, payload >> UInt64(bits - Int(shift)) != 0 {
                throw .invalidValue("varint overflows \(bits) bits")
            }
            result |= payload << shift
            if byte & 0x80 == 0 { return result }
        }
        throw .invalidValue("varint longer than \(maxBytes) bytes")
    }
}

extension RecordBatch {
    /// Calls `body` with each record in place, decompressing at most `maxUncompressedBytes`; the
    /// batch must hold exactly `recordsCount` records, as `records(maxUncompressedBytes:)` requires.
    package func forEachRecord(
        maxUncompressedBytes: Int = 64 * 1024 * 1024, _ body: (RecordView) -> Void
    ) throws(WireError) {
        let records = try decompressedRecords(maxUncompressedBytes: maxUncompressedBytes)
        let count = Int(header.recordsCount)
        guard count >= 0 else { throw .invalidLength(Int64(count)) }
        let result: Result<Void, WireError> = records.withUnsafeReadableBytes { bytes in
            var scanner = RecordScanner(bytes)
            do throws(WireError) {
                for _ in 0..<count { body(try scanner.next()) }
                guard scanner.remaining == 0 else { throw .trailingBytes(scanner.remaining) }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }
}
