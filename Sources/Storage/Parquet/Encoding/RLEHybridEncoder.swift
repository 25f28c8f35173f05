/// Encodes values with Parquet's RLE / bit-packing hybrid (levels, dictionary indices, booleans).
///
/// A run of 8 or more equal values becomes an RLE run; anything else goes into bit-packed groups
/// of 8. A bit-packed run may only be padded at the very end of the data, so groups in the middle
/// are always full.
enum RLEHybridEncoder {
    /// Appends the encoding of `values` at `bitWidth` (0…32) to `output`.
    static func encode(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, into output: inout [UInt8]) {
        let n = values.count
        let valueBytes = (bitWidth + 7) / 8
        var i = 0
        while i < n {
            let runLength = self.runLength(values, at: i, limit: n)
            if runLength >= 8 {
                appendVarint(UInt64(runLength) << 1, to: &output)
                var v = values[i]
                for _ in 0..<valueBytes {
                    output.append(UInt8(truncatingIfNeeded: v))
                    v >>= 8
                }
                i += runLength
                continue
            }
            // Bit-packed groups until a run of 8 starts at a group boundary.
            let start = i
            var end = min(i + 8, n)
            while end < n && self.runLength(values, at: end, limit: min(end + 8, n)) < 8 {
                end = min(end + 8, n)
            }
            let groups = (end - start + 7) / 8
            appendVarint(UInt64(groups) << 1 | 1, to: &output)
            var writer = BitWriter(bytes: output)
            output = []
            for k in 0..<(groups * 8) {
                let index = start + k
                writer.write(index < end ? UInt64(values[index]) : 0, width: bitWidth)
            }
            output = writer.finish()
            i = end
        }
    }

    static func encode(_ values: [UInt32], bitWidth: Int, into output: inout [UInt8]) {
        values.withUnsafeBufferPointer { encode($0, bitWidth: bitWidth, into: &output) }
    }

    /// Length of the run of equal values at `index`, looking at most up to `limit` (or further for long runs).
    @inline(__always)
    private static func runLength(_ values: UnsafeBufferPointer<UInt32>, at index: Int, limit: Int) -> Int {
        let value = values[index]
        var j = index + 1
        while j < values.count && values[j] == value { j += 1 }
        return j - index
    }
}

/// Appends a ULEB128 varint.
@inline(__always)
func appendVarint(_ value: UInt64, to output: inout [UInt8]) {
    var v = value
    while v >= 0x80 {
        output.append(UInt8(truncatingIfNeeded: v) | 0x80)
        v >>= 7
    }
    output.append(UInt8(v))
}

/// Appends a little-endian fixed-width integer.
@inline(__always)
func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to output: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) }
}
