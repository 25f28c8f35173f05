import CZlib

/// CRC-32 (the zlib/gzip polynomial 0x04C11DB7, reflected), as Parquet page headers use it.
public enum CRC32 {
    /// CRC-32 of `bytes`, continuing from `crc`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var value = UInt(crc)
        var remaining = bytes.count
        var pointer = bytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
        // zlib takes a 32-bit length, so feed large inputs in pieces.
        while remaining > 0, let p = pointer {
            let step = min(remaining, 1 << 30)
            value = crc32(value, p, uInt(step))
            pointer = p + step
            remaining -= step
        }
        return UInt32(truncatingIfNeeded: value)
    }

    public static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }
}
