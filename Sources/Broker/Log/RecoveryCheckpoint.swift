import NIOCore
import Storage

/// The partition log's `recovery-checkpoint` file: the offset below which every batch was synced (the last
/// clean point), the log start offset, and whether the log was closed cleanly. Written atomically; 32 bytes:
/// magic `SOUKRCP1`, flags u32 (bit 0: clean shutdown), recoveryPoint i64, logStartOffset i64, CRC-32C u32
/// of the bytes before it.
struct RecoveryCheckpoint: Equatable {
    static let fileName = "recovery-checkpoint"
    private static let magic: [UInt8] = Array("SOUKRCP1".utf8)
    private static let size = 32

    /// Every batch below this offset was synced before the checkpoint was written.
    var recoveryPoint: Int64
    /// The first offset consumers may read (moved by retention and DeleteRecords).
    var logStartOffset: Int64
    /// Written by `close()`: everything, indexes included, was synced and nothing was appended after.
    var cleanShutdown: Bool

    /// The file's bytes.
    func encoded() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeBytes(Self.magic)
        buffer.writeInteger(UInt32(cleanShutdown ? 1 : 0))
        buffer.writeInteger(recoveryPoint)
        buffer.writeInteger(logStartOffset)
        buffer.writeInteger(CRC32C.checksum(buffer))
        return buffer
    }

    /// The checkpoint in `buffer`, or nil when it is not a whole, intact one.
    init?(decoding buffer: ByteBuffer) {
        guard buffer.readableBytes == Self.size,
            buffer.getBytes(at: buffer.readerIndex, length: 8) == Self.magic,
            let flags = buffer.getInteger(at: buffer.readerIndex + 8, as: UInt32.self),
            let recoveryPoint = buffer.getInteger(at: buffer.readerIndex + 12, as: Int64.self),
            let logStartOffset = buffer.getInteger(at: buffer.readerIndex + 20, as: Int64.self),
            let stored = buffer.getInteger(at: buffer.readerIndex + 28, as: UInt32.self),
            let covered = buffer.getSlice(at: buffer.readerIndex, length: 28),
            CRC32C.checksum(covered) == stored, recoveryPoint >= 0, logStartOffset >= 0
        else { return nil }
        self.init(recoveryPoint: recoveryPoint, logStartOffset: logStartOffset, cleanShutdown: flags & 1 == 1)
    }

    init(recoveryPoint: Int64, logStartOffset: Int64, cleanShutdown: Bool) {
        self.recoveryPoint = recoveryPoint
        self.logStartOffset = logStartOffset
        self.cleanShutdown = cleanShutdown
    }
}
