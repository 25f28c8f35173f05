/// DELTA_BINARY_PACKED decoder; all arithmetic wraps, so INT32 data truncates correctly.
enum DeltaBinaryPackedDecoder {
    /// Most values per block or miniblocks per block accepted (the format has no upper bound).
    static let maxBlockSize = 1 << 16

    /// Decodes at most `maxCount` values from `bytes[start..<end]` into `output` (as Int64 bit patterns).
    /// Returns the offset after the last byte of the encoding. The header's count must be ≤ `maxCount`.
    static func decode(
        _ bytes: UnsafeRawBufferPointer, start: Int, end: Int, maxCount: Int, into output: inout [Int64]
    ) throws(ParquetError) -> Int {
        var position = start
        let blockSize = try readVarint(bytes, &position, end)
        let miniblocks = try readVarint(bytes, &position, end)
        let total = try readVarint(bytes, &position, end)
        let first = try readZigZag(bytes, &position, end)
        guard blockSize > 0, blockSize <= UInt64(maxBlockSize), blockSize % 128 == 0, miniblocks > 0,
            miniblocks <= blockSize, blockSize % miniblocks == 0, (blockSize / miniblocks) % 8 == 0
        else { throw .corrupt("bad DELTA_BINARY_PACKED header (block \(blockSize), miniblocks \(miniblocks))") }
        guard total <= UInt64(maxCount) else {
            throw .corrupt("DELTA_BINARY_PACKED declares \(total) values, page allows \(maxCount)")
        }
        let count = Int(total)
        guard count > 0 else { return position }
        output.reserveAdditional(count)
        let miniblockSize = Int(blockSize / miniblocks)
        var last = UInt64(bitPattern: first)
        output.append(first)
        var produced = 1
        var widths = [Int](repeating: 0, count: Int(miniblocks))
        while produced < count {
            let minDelta = UInt64(bitPattern: try readZigZag(bytes, &position, end))
            guard end - position >= Int(miniblocks) else { throw .corrupt("DELTA_BINARY_PACKED block ends early") }
            for m in 0..<Int(miniblocks) {
                widths[m] = Int(bytes[position + m])
            }
            position += Int(miniblocks)
            for m in 0..<Int(miniblocks) where produced < count {
                let width = widths[m]
                guard width <= 64 else { throw .corrupt("DELTA_BINARY_PACKED bit width \(width)") }
                let byteCount = miniblockSize * width / 8
                let take = min(miniblockSize, count - produced)
                // The last miniblock may be cut short to the bytes its values need.
                let needed = (take * width + 7) / 8
                guard end - position >= needed else { throw .corrupt("DELTA_BINARY_PACKED miniblock ends early") }
                var reader = BitReader(bytes, start: position, end: min(end, position + byteCount))
                for _ in 0..<take {
                    last = last &+ minDelta &+ reader.read(width: width)
                    output.append(Int64(bitPattern: last))
                }
                produced += take
                position = min(end, position + byteCount)
            }
        }
        return position
    }

    static func readVarint(_ bytes: UnsafeRawBufferPointer, _ position: inout Int, _ end: Int) throws(ParquetError)
        -> UInt64
    {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end, shift < 64 else { throw .corrupt("bad varint in delta encoding") }
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    static func readZigZag(_ bytes: UnsafeRawBufferPointer, _ position: inout Int, _ end: Int) throws(ParquetError)
        -> Int64
    {
        let raw = try readVarint(bytes, &position, end)
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    /// Convenience over a byte array (tests).
    static func decode(_ bytes: [UInt8], maxCount: Int = Int(Int32.max)) throws(ParquetError) -> [Int64] {
        var output: [Int64] = []
        let result: Result<Void, ParquetError> = bytes.withUnsafeBytes { raw in
            do throws(ParquetError) {
                _ = try decode(raw, start: 0, end: raw.count, maxCount: maxCount, into: &output)
                return .success(())
            } catch { return .failure(error) }
        }
        try result.get()
        return output
    }
}
