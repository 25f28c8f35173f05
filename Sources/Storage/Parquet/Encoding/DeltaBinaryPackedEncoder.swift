/// DELTA_BINARY_PACKED encoder: blocks of 128 values in 4 miniblocks of 32, deltas in the column's
/// own integer width (wrapping), each miniblock bit-packed at its own width.
enum DeltaBinaryPackedEncoder {
    static let blockSize = 128
    static let miniblocksPerBlock = 4
    static let miniblockSize = 32

    /// Appends the encoding of `values` (Int32 or Int64) to `output`.
    static func encode<T: FixedWidthInteger & SignedInteger>(
        _ values: UnsafeBufferPointer<T>, into output: inout [UInt8]
    ) {
        appendVarint(UInt64(blockSize), to: &output)
        appendVarint(UInt64(miniblocksPerBlock), to: &output)
        appendVarint(UInt64(values.count), to: &output)
        guard let first = values.first else {
            appendVarint(0, to: &output)
            return
        }
        appendVarint(zigZag(Int64(first)), to: &output)
        var deltas = [T](repeating: 0, count: blockSize)
        var index = 1
        while index < values.count {
            let n = min(blockSize, values.count - index)
            var minDelta = T.max
            for k in 0..<n {
                let d = values[index + k] &- values[index + k - 1]
                deltas[k] = d
                if d < minDelta { minDelta = d }
            }
            appendVarint(zigZag(Int64(minDelta)), to: &output)
            // Bit widths of the 4 miniblocks; unused trailing miniblocks get 0 and no body.
            var widths = [Int](repeating: 0, count: miniblocksPerBlock)
            for m in 0..<miniblocksPerBlock {
                let lo = m * miniblockSize
                guard lo < n else { break }
                var maxBits: T.Magnitude = 0
                for k in lo..<min(lo + miniblockSize, n) { maxBits |= (deltas[k] &- minDelta).magnitudeBits }
                widths[m] = bitWidth(of: UInt64(maxBits))
            }
            for w in widths { output.append(UInt8(w)) }
            var writer = BitWriter(bytes: output)
            output = []
            for m in 0..<miniblocksPerBlock {
                let lo = m * miniblockSize
                guard lo < n else { break }
                for k in lo..<(lo + miniblockSize) {
                    let packed: UInt64 = k < n ? UInt64((deltas[k] &- minDelta).magnitudeBits) : 0
                    writer.write(packed, width: widths[m])
                }
            }
            output = writer.finish()
            index += n
        }
    }

    static func encode<T: FixedWidthInteger & SignedInteger>(_ values: [T], into output: inout [UInt8]) {
        values.withUnsafeBufferPointer { encode($0, into: &output) }
    }

    @inline(__always)
    static func zigZag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}

extension FixedWidthInteger where Self: SignedInteger {
    /// The two's complement bits as the unsigned type of the same width.
    @inline(__always)
    var magnitudeBits: Magnitude { Magnitude(truncatingIfNeeded: self) }
}
