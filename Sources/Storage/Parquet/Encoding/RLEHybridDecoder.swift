/// Decodes Parquet's RLE / bit-packing hybrid, bounded by the byte range and the requested count.
enum RLEHybridDecoder {
    /// Decodes exactly `count` values of `bitWidth` (0…32) from `bytes[start..<end]` into `output`.
    /// Returns the offset after the last byte read. Throws if the data ends first.
    @discardableResult
    static func decode(
        _ bytes: UnsafeRawBufferPointer, start: Int, end: Int, bitWidth: Int, count: Int, into output: inout [UInt32]
    ) throws(ParquetError) -> Int {
        guard bitWidth >= 0 && bitWidth <= 32 else { throw .corrupt("RLE bit width \(bitWidth) out of range") }
        guard start >= 0, start <= end, end <= bytes.count else { throw .corrupt("RLE data range out of bounds") }
        output.reserveAdditional(count)
        let valueBytes = (bitWidth + 7) / 8
        var position = start
        var remaining = count
        while remaining > 0 {
            guard position < end else { throw .corrupt("RLE data ends before \(count) values") }
            guard let header = readHeader(bytes, at: &position, end: end) else { throw .corrupt("bad RLE run header") }
            if header & 1 == 0 {
                let runLength = header >> 1
                guard end - position >= valueBytes else { throw .corrupt("RLE run value ends early") }
                var value: UInt32 = 0
                for k in 0..<valueBytes { value |= UInt32(bytes[position + k]) << (8 * UInt32(k)) }
                position += valueBytes
                guard runLength > 0 else { throw .corrupt("empty RLE run") }
                let take = Int(min(runLength, UInt64(remaining)))
                output.append(contentsOf: repeatElement(value, count: take))
                remaining -= take
            } else {
                let groups = header >> 1
                guard groups <= UInt64(Int32.max) else { throw .corrupt("bit-packed run too long") }
                let declaredValues = Int(groups) * 8
                let declaredBytes = Int(groups) * bitWidth
                let availableBytes = min(declaredBytes, end - position)
                // Tolerate a last group cut short by the writer, but never read past the range.
                let decodable = bitWidth == 0 ? declaredValues : min(declaredValues, availableBytes * 8 / bitWidth)
                let take = min(decodable, remaining)
                guard take > 0 || declaredValues == 0 else { throw .corrupt("bit-packed run ends early") }
                unpack(
                    bytes, start: position, available: availableBytes, bitWidth: bitWidth, count: take, into: &output)
                remaining -= take
                position += availableBytes
                if take < remaining && decodable < declaredValues { throw .corrupt("bit-packed run ends early") }
            }
        }
        return position
    }

    /// Whether `bytes[start..<end]` opens with one RLE run of at least `count` copies of `value` (`bitWidth`
    /// bits): then decoding `count` values gives `count` copies of `value`, and a reader can take them as such
    /// (definition levels of a page without nulls are written this way).
    static func startsWithRun(
        _ bytes: UnsafeRawBufferPointer, start: Int, end: Int, bitWidth: Int, count: Int, of value: UInt32
    ) -> Bool {
        guard bitWidth >= 0 && bitWidth <= 32, start >= 0, start <= end, end <= bytes.count else { return false }
        var position = start
        guard let header = readHeader(bytes, at: &position, end: end), header & 1 == 0, header >> 1 >= UInt64(count)
        else { return false }
        let valueBytes = (bitWidth + 7) / 8
        guard end - position >= valueBytes else { return false }
        var stored: UInt32 = 0
        for k in 0..<valueBytes { stored |= UInt32(bytes[position + k]) << (8 * UInt32(k)) }
        return stored == value
    }

    /// Reads a run header (ULEB128) at `position`, moving past it; nil when it runs past `end` or 64 bits.
    @inline(__always)
    private static func readHeader(_ bytes: UnsafeRawBufferPointer, at position: inout Int, end: Int) -> UInt64? {
        var header: UInt64 = 0
        var shift: UInt64 = 0
        while position < end, shift < 64 {
            let byte = bytes[position]
            position += 1
            header |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return header }
            shift += 7
        }
        return nil
    }

    /// Appends `count` values of `bitWidth` bits packed LSB first from `bytes[start..<start + available]`.
    /// Values whose eight bytes lie inside the range are read with one unaligned 64-bit load each;
    /// the last few, bit by bit.
    @inline(__always)
    private static func unpack(
        _ bytes: UnsafeRawBufferPointer, start: Int, available: Int, bitWidth: Int, count: Int,
        into output: inout [UInt32]
    ) {
        guard bitWidth > 0, let base = bytes.baseAddress else {
            output.append(contentsOf: repeatElement(0, count: count))
            return
        }
        // Whole groups of eight values end on a byte boundary: the fast part stops at one.
        let fast = available >= 8 ? min(count, ((available - 8) * 8 / bitWidth) / 8 * 8) : 0
        let first = output.count
        output.append(contentsOf: repeatElement(0, count: fast))
        let mask = (UInt64(1) << UInt64(bitWidth)) &- 1
        output.withUnsafeMutableBufferPointer { out in
            var bit = 0
            for index in 0..<fast {
                let word = UInt64(littleEndian: (base + start + (bit >> 3)).loadUnaligned(as: UInt64.self))
                out[first &+ index] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
                bit &+= bitWidth
            }
        }
        let consumed = fast * bitWidth / 8
        var reader = BitReader(bytes, start: start + consumed, end: start + available)
        for _ in fast..<count { output.append(UInt32(truncatingIfNeeded: reader.read(width: bitWidth))) }
    }

    /// Convenience over a byte array (tests).
    static func decode(_ bytes: [UInt8], bitWidth: Int, count: Int) throws(ParquetError) -> [UInt32] {
        var output: [UInt32] = []
        let result: Result<Void, ParquetError> = bytes.withUnsafeBytes { raw in
            do throws(ParquetError) {
                try decode(raw, start: 0, end: raw.count, bitWidth: bitWidth, count: count, into: &output)
                return .success(())
            } catch { return .failure(error) }
        }
        try result.get()
        return output
    }
}
