// Value decoding for every supported encoding, appending to the chunk's accumulator.

extension ColumnChunkReader {
    /// Decodes `count` non-null values in `encoding` from `raw[start..<end]`.
    mutating func decodeValues(
        _ raw: UnsafeRawBufferPointer, start: Int, end: Int, count: Int, encoding: EncodingCode
    ) throws(ParquetError) {
        guard count > 0 else { return }
        if wantedRows != nil, encoding == .plain, column.physicalType == .byteArray, leaf.maxDefinitionLevel == 0 {
            try takePlainByteArrays(raw, start: start, end: end, count: count)
            return
        }
        if keepsIndices, encoding != .plainDictionary, encoding != .rleDictionary {
            try appendPlainToDictionary(raw, start: start, end: end, count: count, encoding: encoding)
            return
        }
        switch encoding {
        case .plain:
            _ = try Self.decodePlain(column.physicalType, raw, start: start, end: end, count: count, into: &values)
        case .plainDictionary, .rleDictionary:
            guard let dictionary else { throw .corrupt("dictionary-encoded page without a dictionary page") }
            guard start < end else { throw .corrupt("dictionary indices missing") }
            let width = Int(raw[start])
            var indices: [UInt32] = []
            try RLEHybridDecoder.decode(raw, start: start + 1, end: end, bitWidth: width, count: count, into: &indices)
            if keepsIndices {
                let limit = UInt32(clamping: dictionary.count)
                for i in indices where i >= limit { throw .corrupt("dictionary index \(i) out of \(limit) entries") }
                self.indices.append(contentsOf: indices)
            } else {
                try values.gather(indices, from: dictionary)
            }
        case .rle:
            guard column.physicalType == .boolean else { throw .unsupported("RLE encoding for \(column.physicalType)") }
            guard end - start >= 4 else { throw .corrupt("RLE booleans without a length") }
            let length = Int(raw.loadUnaligned(fromByteOffset: start, as: UInt32.self).littleEndian)
            guard length <= end - start - 4 else { throw .corrupt("RLE booleans run past the page") }
            var bits: [UInt32] = []
            try RLEHybridDecoder.decode(
                raw, start: start + 4, end: start + 4 + length, bitWidth: 1, count: count, into: &bits)
            values.booleans.reserveAdditional(count)
            for b in bits { values.booleans.append(b != 0) }
        case .deltaBinaryPacked:
            var decoded: [Int64] = []
            _ = try DeltaBinaryPackedDecoder.decode(raw, start: start, end: end, maxCount: count, into: &decoded)
            guard decoded.count == count else {
                throw .corrupt("DELTA_BINARY_PACKED holds \(decoded.count) of \(count) values")
            }
            switch column.physicalType {
            case .int32:
                values.int32s.reserveAdditional(count)
                for v in decoded { values.int32s.append(Int32(truncatingIfNeeded: v)) }
            case .int64: values.int64s.append(contentsOf: decoded)
            default: throw .unsupported("DELTA_BINARY_PACKED for \(column.physicalType)")
            }
        case .deltaLengthByteArray:
            guard column.physicalType == .byteArray else {
                throw .unsupported("DELTA_LENGTH_BYTE_ARRAY for \(column.physicalType)")
            }
            _ = try DeltaByteArrayDecoder.decodeDeltaLength(
                raw, start: start, end: end, count: count, into: &values.bytes)
        case .deltaByteArray:
            switch column.physicalType {
            case .byteArray:
                _ = try DeltaByteArrayDecoder.decodeDeltaByteArray(
                    raw, start: start, end: end, count: count, into: &values.bytes)
            case .fixedLenByteArray(let width):
                var decoded = ParquetByteArrays()
                _ = try DeltaByteArrayDecoder.decodeDeltaByteArray(
                    raw, start: start, end: end, count: count, into: &decoded)
                guard decoded.bytes.count == width * count else {
                    throw .corrupt("DELTA_BYTE_ARRAY value of the wrong width")
                }
                try decoded.bytes.withParquetBytes { (d) throws(ParquetError) in
                    _ = try PlainDecoder.decodeFixedByteArrays(
                        d, start: 0, end: d.count, count: count, width: width, into: &values.bytes)
                }
            default: throw .unsupported("DELTA_BYTE_ARRAY for \(column.physicalType)")
            }
        case .byteStreamSplit:
            let width: Int
            switch column.physicalType {
            case .int32, .float: width = 4
            case .int64, .double: width = 8
            case .fixedLenByteArray(let length): width = length
            default: throw .unsupported("BYTE_STREAM_SPLIT for \(column.physicalType)")
            }
            let joined = try ByteStreamSplit.decode(raw, start: start, end: end, count: count, width: width)
            try joined.withParquetBytes { (d) throws(ParquetError) in
                _ = try Self.decodePlain(column.physicalType, d, start: 0, end: d.count, count: count, into: &values)
            }
        default:
            throw .unsupported("encoding \(encoding.rawValue)")
        }
    }

    /// While keeping indices: a PLAIN byte-array page after the dictionary (a writer falls back to
    /// PLAIN when its dictionary fills up) has its values appended to the dictionary, each row getting
    /// the index of its own entry; any other page ends the dictionary read (`metOtherEncoding`).
    private mutating func appendPlainToDictionary(
        _ raw: UnsafeRawBufferPointer, start: Int, end: Int, count: Int, encoding: EncodingCode
    ) throws(ParquetError) {
        guard encoding == .plain, column.physicalType == .byteArray, var entries = dictionary else {
            metOtherEncoding = true
            return
        }
        dictionary = nil  // the accumulator is appended to in place, not copied
        let first = entries.count
        _ = try PlainDecoder.decodeByteArrays(raw, start: start, end: end, count: count, into: &entries.bytes)
        indices.reserveAdditional(count)
        for index in first..<(first + count) { indices.append(UInt32(truncatingIfNeeded: index)) }
        dictionary = entries
        guard entries.count <= Int(UInt32.max) else {
            throw .sizeLimitExceeded(what: "dictionary entries", size: entries.count, limit: Int(UInt32.max))
        }
    }

    /// Decodes `count` PLAIN values of `physicalType`. Static on purpose: a method of the reader
    /// called with `&values` (a property of the reader) copies the reader, so the accumulator's
    /// arrays are shared and every append copies the whole column so far.
    static func decodePlain(
        _ physicalType: ParquetPhysicalType, _ raw: UnsafeRawBufferPointer, start: Int, end: Int, count: Int,
        into accumulator: inout ValueAccumulator
    ) throws(ParquetError) -> Int {
        switch physicalType {
        case .boolean:
            return try PlainDecoder.decodeBooleans(
                raw, start: start, end: end, count: count, into: &accumulator.booleans)
        case .int32:
            return try PlainDecoder.decode(
                raw, start: start, end: end, count: count, as: Int32.self, into: &accumulator.int32s)
        case .int64:
            return try PlainDecoder.decode(
                raw, start: start, end: end, count: count, as: Int64.self, into: &accumulator.int64s)
        case .float:
            return try PlainDecoder.decode(
                raw, start: start, end: end, count: count, as: Float.self, into: &accumulator.floats)
        case .double:
            return try PlainDecoder.decode(
                raw, start: start, end: end, count: count, as: Double.self, into: &accumulator.doubles)
        case .byteArray:
            return try PlainDecoder.decodeByteArrays(
                raw, start: start, end: end, count: count, into: &accumulator.bytes)
        case .fixedLenByteArray(let width):
            return try PlainDecoder.decodeFixedByteArrays(
                raw, start: start, end: end, count: count, width: width, into: &accumulator.bytes)
        case .int96:
            guard count <= (end - start) / 12 else {
                throw .corrupt("PLAIN INT96 data holds fewer than \(count) values")
            }
            accumulator.int64s.reserveAdditional(count)
            for i in 0..<count {
                let offset = start + i * 12
                // Nanoseconds of the day, unsigned as in Arrow (so out-of-range values match pyarrow).
                let nanos = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
                let julianDay = Int64(raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self).littleEndian)
                // Julian day 2,440,588 is 1970-01-01.
                accumulator.int64s.append(
                    (julianDay - 2_440_588) &* 86_400_000_000 &+ Int64(truncatingIfNeeded: nanos / 1000))
            }
            return start + count * 12
        }
    }
}
