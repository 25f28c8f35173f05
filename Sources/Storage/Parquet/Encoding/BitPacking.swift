/// Appends values LSB-first at a fixed bit width (Parquet's bit packing for the RLE hybrid and delta miniblocks).
struct BitWriter {
    private(set) var bytes: [UInt8]
    private var accumulator: UInt64 = 0
    private var bitCount = 0

    init(bytes: [UInt8] = []) { self.bytes = bytes }

    /// Appends the low `width` bits of `value`; `width` is 0…64.
    @inline(__always)
    mutating func write(_ value: UInt64, width: Int) {
        if width > 32 {
            writeSmall(value & 0xFFFF_FFFF, width: 32)
            writeSmall(value >> 32, width: width - 32)
        } else {
            writeSmall(value, width: width)
        }
    }

    @inline(__always)
    private mutating func writeSmall(_ value: UInt64, width: Int) {
        guard width > 0 else { return }
        let masked = width == 64 ? value : value & ((1 << UInt64(width)) &- 1)
        accumulator |= masked << UInt64(bitCount)
        bitCount += width
        while bitCount >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: accumulator))
            accumulator >>= 8
            bitCount -= 8
        }
    }

    /// Pads the last partial byte with zero bits.
    mutating func flush() {
        if bitCount > 0 {
            bytes.append(UInt8(truncatingIfNeeded: accumulator))
            accumulator = 0
            bitCount = 0
        }
    }

    /// Flushes and hands over the bytes.
    mutating func finish() -> [UInt8] {
        flush()
        return bytes
    }
}

/// Reads LSB-first bit-packed values from a byte range; reading past the end yields zero bits,
/// so callers check the available bit count first.
struct BitReader {
    private let base: UnsafeRawBufferPointer
    private var position: Int
    private let end: Int
    private var accumulator: UInt64 = 0
    private var bitCount = 0

    init(_ base: UnsafeRawBufferPointer, start: Int, end: Int) {
        self.base = base
        self.position = start
        self.end = end
    }

    /// Bits left in the range (including buffered bits).
    var remainingBits: Int { (end - position) * 8 + bitCount }
    /// Byte offset just after the last byte this reader consumed.
    var bytePosition: Int { position }

    @inline(__always)
    mutating func read(width: Int) -> UInt64 {
        if width > 32 {
            let low = readSmall(width: 32)
            return low | readSmall(width: width - 32) << 32
        }
        return readSmall(width: width)
    }

    @inline(__always)
    private mutating func readSmall(width: Int) -> UInt64 {
        guard width > 0 else { return 0 }
        while bitCount < width {
            let byte: UInt8 = position < end ? base[position] : 0
            accumulator |= UInt64(byte) << UInt64(bitCount)
            position += 1
            bitCount += 8
        }
        let value = accumulator & ((1 << UInt64(width)) &- 1)
        accumulator >>= UInt64(width)
        bitCount -= width
        return value
    }
}

/// Number of bits needed to store `value` (0 for 0).
@inline(__always)
func bitWidth(of value: UInt64) -> Int {
    value == 0 ? 0 : 64 - value.leadingZeroBitCount
}
