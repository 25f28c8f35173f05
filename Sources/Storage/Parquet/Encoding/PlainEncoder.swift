/// PLAIN encoding: fixed-width values little-endian back to back, booleans bit-packed LSB first,
/// byte arrays each with a 4-byte little-endian length.
enum PlainEncoder {
    /// Appends fixed-width numbers (Int32, Int64, Float, Double) as their little-endian bytes.
    static func append<T: BitwiseCopyable>(_ values: UnsafeBufferPointer<T>, to output: inout [UInt8]) {
        // Every supported platform is little-endian, the byte order PLAIN uses.
        output.append(contentsOf: UnsafeRawBufferPointer(values))
    }

    static func append<T: BitwiseCopyable>(_ values: ArraySlice<T>, to output: inout [UInt8]) {
        values.withUnsafeBufferPointer { append($0, to: &output) }
    }

    static func appendBooleans(_ values: ArraySlice<Bool>, to output: inout [UInt8]) {
        var byte: UInt8 = 0
        var bit: UInt8 = 0
        output.reserveAdditional((values.count + 7) / 8)
        for v in values {
            if v { byte |= 1 << bit }
            bit += 1
            if bit == 8 {
                output.append(byte)
                byte = 0
                bit = 0
            }
        }
        if bit > 0 { output.append(byte) }
    }

    /// Appends values `range` of `arrays`, each prefixed by its length.
    static func appendByteArrays(_ arrays: ParquetByteArrays, range: Range<Int>, to output: inout [UInt8]) {
        guard !range.isEmpty else { return }
        let start = Int(arrays.offsets[range.lowerBound])
        let end = Int(arrays.offsets[range.upperBound])
        output.reserveAdditional(end - start + 4 * range.count)
        arrays.bytes.withUnsafeBufferPointer { bytes in
            for i in range {
                let a = Int(arrays.offsets[i])
                let b = Int(arrays.offsets[i + 1])
                appendLittleEndian(UInt32(b - a), to: &output)
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[a..<b]))
            }
        }
    }

    /// Appends values `range` of fixed-length arrays with no length prefix.
    static func appendFixedByteArrays(_ arrays: ParquetByteArrays, range: Range<Int>, to output: inout [UInt8]) {
        guard !range.isEmpty else { return }
        let start = Int(arrays.offsets[range.lowerBound])
        let end = Int(arrays.offsets[range.upperBound])
        output.append(contentsOf: arrays.bytes[start..<end])
    }
}
