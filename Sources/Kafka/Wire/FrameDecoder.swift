import NIOCore

/// Cuts Kafka frames (a big-endian int32 size, then that many bytes) out of a stream of bytes.
/// Sans-I/O: the NIO handler appends what it reads and calls `nextFrame(from:)` until it returns nil.
package struct FrameDecoder: Sendable {
    /// Limits on what a frame may claim.
    package struct Configuration: Sendable {
        /// The largest frame body accepted, checked before anything is allocated.
        /// Default: 100 MiB, Kafka's `socket.request.max.bytes`.
        package var maxFrameBytes: Int32 = 100 * 1024 * 1024

        package init(maxFrameBytes: Int32 = 100 * 1024 * 1024) {
            self.maxFrameBytes = maxFrameBytes
        }
    }

    package var configuration: Configuration

    package init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Returns the next frame's body as a slice of `buffer` (no copy), or nil when more bytes are needed.
    /// Throws `.invalidLength` for a negative size and `.tooLarge` for one over the maximum, before
    /// waiting for or allocating the body.
    package func nextFrame(from buffer: inout ByteBuffer) throws(WireError) -> ByteBuffer? {
        guard let size = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int32.self) else {
            return nil
        }
        guard size >= 0 else { throw .invalidLength(Int64(size)) }
        guard size <= configuration.maxFrameBytes else {
            throw .tooLarge(length: Int64(size), limit: Int64(configuration.maxFrameBytes))
        }
        guard buffer.readableBytes >= 4 + Int(size) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(size))
    }

    /// Writes `body` with its size prefix.
    package static func writeFrame(_ body: ByteBuffer, into buffer: inout ByteBuffer) {
        buffer.writeInteger(Int32(body.readableBytes))
        buffer.writeImmutableBuffer(body)
    }
}
