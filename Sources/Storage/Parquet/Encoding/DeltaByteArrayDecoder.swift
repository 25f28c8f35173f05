/// Decoders for DELTA_LENGTH_BYTE_ARRAY (delta-packed lengths, then the bytes) and
/// DELTA_BYTE_ARRAY (delta-packed prefix lengths, then DELTA_LENGTH_BYTE_ARRAY suffixes).
enum DeltaByteArrayDecoder {
    static func decodeDeltaLength(
        _ bytes: UnsafeRawBufferPointer, start: Int, end: Int, count: Int, into output: inout ParquetByteArrays
    ) throws(ParquetError) -> Int {
        var lengths: [Int64] = []
        var position = try DeltaBinaryPackedDecoder.decode(
            bytes, start: start, end: end, maxCount: count, into: &lengths)
        guard lengths.count == count else {
            throw .corrupt("DELTA_LENGTH_BYTE_ARRAY has \(lengths.count) lengths, expected \(count)")
        }
        output.offsets.reserveAdditional(count)
        for length in lengths {
            guard length >= 0, length <= Int64(end - position) else {
                throw .corrupt("DELTA_LENGTH_BYTE_ARRAY length out of range")
            }
            output.bytes.append(
                contentsOf: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + Int(length))]))
            guard output.bytes.count <= Int(Int32.max) else {
                throw .sizeLimitExceeded(
                    what: "byte array column batch", size: output.bytes.count, limit: Int(Int32.max))
            }
            output.offsets.append(Int32(output.bytes.count))
            position += Int(length)
        }
        return position
    }

    static func decodeDeltaByteArray(
        _ bytes: UnsafeRawBufferPointer, start: Int, end: Int, count: Int, into output: inout ParquetByteArrays
    ) throws(ParquetError) -> Int {
        var prefixes: [Int64] = []
        let afterPrefixes = try DeltaBinaryPackedDecoder.decode(
            bytes, start: start, end: end, maxCount: count, into: &prefixes)
        guard prefixes.count == count else {
            throw .corrupt("DELTA_BYTE_ARRAY has \(prefixes.count) prefixes, expected \(count)")
        }
        var suffixes = ParquetByteArrays()
        let position = try decodeDeltaLength(bytes, start: afterPrefixes, end: end, count: count, into: &suffixes)
        output.offsets.reserveAdditional(count)
        var previousStart = output.bytes.count
        var previousLength = 0
        for i in 0..<count {
            let prefix = prefixes[i]
            guard prefix >= 0, prefix <= Int64(previousLength) else {
                throw .corrupt("DELTA_BYTE_ARRAY prefix longer than the previous value")
            }
            let valueStart = output.bytes.count
            output.bytes.append(contentsOf: output.bytes[previousStart..<(previousStart + Int(prefix))])
            output.bytes.append(contentsOf: suffixes[i])
            guard output.bytes.count <= Int(Int32.max) else {
                throw .sizeLimitExceeded(
                    what: "byte array column batch", size: output.bytes.count, limit: Int(Int32.max))
            }
            output.offsets.append(Int32(output.bytes.count))
            previousStart = valueStart
            previousLength = output.bytes.count - valueStart
        }
        return position
    }
}
