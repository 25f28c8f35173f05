import NIOCore
import Storage

/// One change to the committed offsets, as stored in the offsets log.
///
/// Framing: `u32 length`, `u32 CRC-32C of the body`, then the body: `u8 kind`, the group id (`u16` length +
/// UTF-8), and per kind: a commit adds topic, `i32` partition, `i64` offset, `i32` leader epoch, metadata
/// (`u32` length + UTF-8) and `i64` timestamp; a partition deletion adds topic and partition; a group deletion
/// adds nothing.
package enum OffsetsLogRecord: Sendable, Equatable {
    case commit(OffsetKey, CommittedOffset)
    case deletePartition(OffsetKey)
    case deleteGroup(String)

    private enum Kind: UInt8 {
        case commit = 1
        case deletePartition = 2
        case deleteGroup = 3
    }

    /// Bytes of the length and CRC in front of every body.
    static let frameHeaderBytes = 8
    /// Largest body a record may have; anything larger is read as a torn or corrupt tail.
    static let maxBodyBytes = 1 << 20
    /// Longest metadata a commit record can hold within `maxBodyBytes` next to the longest group id and topic
    /// (Kafka strings, at most 32,767 bytes each); longer metadata is refused with OFFSET_METADATA_TOO_LARGE.
    package static let maxMetadataBytes = maxBodyBytes - 2 * (2 + 32_767) - 64

    /// Appends the framed record to `buffer`.
    func write(to buffer: inout ByteBuffer) {
        var body = ByteBuffer()
        switch self {
        case .commit(let key, let committed):
            body.writeInteger(Kind.commit.rawValue)
            Self.writeKey(key, to: &body)
            body.writeInteger(committed.offset)
            body.writeInteger(committed.leaderEpoch)
            body.writeInteger(UInt32(committed.metadata.utf8.count))
            body.writeString(committed.metadata)
            body.writeInteger(committed.commitTimestampMs)
        case .deletePartition(let key):
            body.writeInteger(Kind.deletePartition.rawValue)
            Self.writeKey(key, to: &body)
        case .deleteGroup(let groupId):
            body.writeInteger(Kind.deleteGroup.rawValue)
            Self.writeShortString(groupId, to: &body)
        }
        buffer.writeInteger(UInt32(body.readableBytes))
        buffer.writeInteger(CRC32C.checksum(body))
        buffer.writeImmutableBuffer(body)
    }

    /// Reads one framed record; `nil` when the bytes left are not a whole, intact record (a torn write or
    /// corruption), which ends the replay.
    static func read(from buffer: inout ByteBuffer) -> OffsetsLogRecord? {
        let start = buffer.readerIndex
        guard let length = buffer.readInteger(as: UInt32.self), let crc = buffer.readInteger(as: UInt32.self),
            length <= maxBodyBytes, var body = buffer.readSlice(length: Int(length)), CRC32C.checksum(body) == crc,
            let record = decodeBody(&body), body.readableBytes == 0
        else {
            buffer.moveReaderIndex(to: start)
            return nil
        }
        return record
    }

    private static func decodeBody(_ body: inout ByteBuffer) -> OffsetsLogRecord? {
        guard let raw = body.readInteger(as: UInt8.self), let kind = Kind(rawValue: raw) else { return nil }
        switch kind {
        case .commit:
            guard let key = readKey(&body), let offset = body.readInteger(as: Int64.self),
                let epoch = body.readInteger(as: Int32.self), let metadataLength = body.readInteger(as: UInt32.self),
                metadataLength <= body.readableBytes, let metadata = body.readString(length: Int(metadataLength)),
                let timestamp = body.readInteger(as: Int64.self)
            else { return nil }
            let committed = CommittedOffset(
                offset: offset, leaderEpoch: epoch, metadata: metadata, commitTimestampMs: timestamp)
            return .commit(key, committed)
        case .deletePartition:
            return readKey(&body).map { .deletePartition($0) }
        case .deleteGroup:
            return readShortString(&body).map { .deleteGroup($0) }
        }
    }

    private static func writeKey(_ key: OffsetKey, to buffer: inout ByteBuffer) {
        writeShortString(key.groupId, to: &buffer)
        writeShortString(key.topic, to: &buffer)
        buffer.writeInteger(key.partition)
    }

    private static func readKey(_ buffer: inout ByteBuffer) -> OffsetKey? {
        guard let group = readShortString(&buffer), let topic = readShortString(&buffer),
            let partition = buffer.readInteger(as: Int32.self)
        else { return nil }
        return OffsetKey(groupId: group, topic: topic, partition: partition)
    }

    /// Kafka strings (group ids, topic names) have an int16 length, so a `u16` always fits; longer input is
    /// cut rather than trapping.
    private static func writeShortString(_ string: String, to buffer: inout ByteBuffer) {
        let bytes = string.utf8.prefix(Int(UInt16.max))
        buffer.writeInteger(UInt16(bytes.count))
        buffer.writeBytes(bytes)
    }

    private static func readShortString(_ buffer: inout ByteBuffer) -> String? {
        guard let length = buffer.readInteger(as: UInt16.self) else { return nil }
        return buffer.readString(length: Int(length))
    }
}

extension Dictionary where Key == OffsetKey, Value == CommittedOffset {
    /// Applies one log record to a live-offsets map.
    mutating func apply(_ record: OffsetsLogRecord) {
        switch record {
        case .commit(let key, let committed):
            self[key] = committed
        case .deletePartition(let key):
            removeValue(forKey: key)
        case .deleteGroup(let groupId):
            self = filter { $0.key.groupId != groupId }
        }
    }
}
