import CCRC32C
import NIOCore

/// CRC-32C (Castagnoli, polynomial 0x1EDC6F41), the checksum of Kafka's RecordBatch v2 and of
/// Parquet pages. Uses the CPU's CRC instructions when it has them, chosen once at run time,
/// and a slicing-by-8 table otherwise.
public enum CRC32C {
    /// Whether this process computes with the CPU's CRC instructions.
    public static let usesHardware = souk_crc32c_hardware_available() != 0

    /// The CRC-32C of `bytes`, continuing from `crc` (the finished CRC of the bytes before; 0 to start).
    @inlinable
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        if usesHardware { return souk_crc32c_hardware(crc, base, bytes.count) }
        return CRC32CTable.checksum(bytes, continuing: crc)
    }

    /// The CRC-32C of a byte collection stored contiguously (`[UInt8]`, `ArraySlice`, `Data`…).
    @inlinable
    public static func checksum<Bytes: Collection>(_ bytes: Bytes, continuing crc: UInt32 = 0) -> UInt32
    where Bytes.Element == UInt8 {
        if let result = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0), continuing: crc) }
        ) {
            return result
        }
        return Array(bytes).withUnsafeBytes { checksum($0, continuing: crc) }
    }

    /// The CRC-32C of the readable bytes of `buffer`.
    @inlinable
    public static func checksum(_ buffer: ByteBuffer, continuing crc: UInt32 = 0) -> UInt32 {
        buffer.withUnsafeReadableBytes { checksum($0, continuing: crc) }
    }
}
