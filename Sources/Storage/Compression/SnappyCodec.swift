import CSnappy
import NIOCore

/// Snappy, in the raw block format (librdkafka, Parquet) or the xerial framing that Java Kafka
/// clients and kafka-python write (`\x82SNAPPY\0`, version, compatible version, then chunks of
/// big-endian length + raw block). Decompression detects the framing by its magic.
public struct SnappyCodec: Codec {
    /// How compressed output is framed.
    public enum Framing: Sendable {
        case raw
        case xerial
    }

    public var name: String { "snappy" }
    /// The framing `compress` writes. Default: raw.
    public var framing: Framing
    /// Uncompressed bytes per chunk in xerial framing. Default: 32 KiB, as kafka-python.
    public var xerialChunkSize: Int

    static let xerialMagic: [UInt8] = [0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00]
    static let xerialHeaderSize = 16
    /// A snappy block expands at most 64 bytes for a 3-byte copy; lengths beyond this ratio are lies.
    static let maximumExpansion = 22

    public init(framing: Framing = .raw, xerialChunkSize: Int = 32 * 1024) {
        self.framing = framing
        self.xerialChunkSize = max(1, xerialChunkSize)
    }

    public func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout ByteBuffer) throws(CodecError) {
        switch framing {
        case .raw:
            try compressBlock(input, appendingTo: &output)
        case .xerial:
            output.writeBytes(Self.xerialMagic)
            output.writeInteger(Int32(1))  // version
            output.writeInteger(Int32(1))  // compatible version
            // An empty input still gets one (empty) chunk: kafka-python takes a bare 16-byte header for raw snappy.
            var offset = 0
            repeat {
                let end = min(offset + xerialChunkSize, input.count)
                let lengthIndex = output.writerIndex
                output.writeInteger(Int32(0))
                try compressBlock(UnsafeRawBufferPointer(rebasing: input[offset..<end]), appendingTo: &output)
                output.setInteger(Int32(output.writerIndex - lengthIndex - 4), at: lengthIndex)
                offset = end
            } while offset < input.count
        }
    }

    public func decompress(
        _ input: UnsafeRawBufferPointer, maxOutputSize: Int, appendingTo output: inout ByteBuffer
    ) throws(CodecError) {
        let start = output.writerIndex
        do throws(CodecError) {
            if Self.isXerial(input) {
                try decompressXerial(input, maxOutputSize: maxOutputSize, appendingTo: &output)
            } else {
                try decompressBlock(input, maxOutputSize: maxOutputSize, appendingTo: &output)
            }
        } catch {
            output.moveWriterIndex(to: start)
            throw error
        }
    }

    static func isXerial(_ input: UnsafeRawBufferPointer) -> Bool {
        input.count >= xerialMagic.count && zip(input.prefix(xerialMagic.count), xerialMagic).allSatisfy { $0 == $1 }
    }

    private func compressBlock(_ input: UnsafeRawBufferPointer, appendingTo output: inout ByteBuffer) throws(CodecError)
    {
        let bound = snappy_max_compressed_length(input.count)
        let placeholder: CChar = 0  // snappy wants a valid pointer even for no bytes
        try withUnsafePointer(to: placeholder) { (empty) throws(CodecError) in
            try compressBlock(input, empty: empty, bound: bound, appendingTo: &output)
        }
    }

    private func compressBlock(
        _ input: UnsafeRawBufferPointer, empty: UnsafePointer<CChar>, bound: Int, appendingTo output: inout ByteBuffer
    ) throws(CodecError) {
        try output.writeWithUnsafeMutableBytesTyped(minimumWritableBytes: bound) { (space) throws(CodecError) -> Int in
            var length = space.count
            let status = snappy_compress(
                input.baseAddress?.assumingMemoryBound(to: CChar.self) ?? empty, input.count,
                space.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
            guard status == SNAPPY_OK else { throw .libraryFailure(codec: name, reason: "snappy_compress failed") }
            return length
        }
    }

    private func decompressBlock(
        _ input: UnsafeRawBufferPointer, maxOutputSize: Int, appendingTo output: inout ByteBuffer
    ) throws(CodecError) {
        guard let base = input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count > 0 else {
            throw .truncated(codec: name)
        }
        var length = 0
        guard snappy_uncompressed_length(base, input.count, &length) == SNAPPY_OK else {
            throw .corrupt(codec: name, reason: "bad length header")
        }
        guard length <= maxOutputSize else { throw .outputTooLarge(codec: name, limit: maxOutputSize) }
        guard length <= input.count * Self.maximumExpansion else {
            throw .corrupt(
                codec: name, reason: "length header of \(length) bytes is impossible for \(input.count) input bytes")
        }
        guard length > 0 else { return }
        try output.writeWithUnsafeMutableBytesTyped(minimumWritableBytes: length) { (space) throws(CodecError) -> Int in
            var written = length
            let status = snappy_uncompress(
                base, input.count, space.baseAddress?.assumingMemoryBound(to: CChar.self), &written)
            guard status == SNAPPY_OK else { throw .corrupt(codec: name, reason: "invalid block") }
            return written
        }
    }

    private func decompressXerial(
        _ input: UnsafeRawBufferPointer, maxOutputSize: Int, appendingTo output: inout ByteBuffer
    ) throws(CodecError) {
        guard input.count >= Self.xerialHeaderSize else { throw .truncated(codec: name) }
        var offset = Self.xerialHeaderSize
        var remaining = maxOutputSize
        while offset < input.count {
            guard input.count - offset >= 4 else { throw .truncated(codec: name) }
            let declared = Int(Int32(bigEndian: input.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
            offset += 4
            guard declared >= 0 else { throw .corrupt(codec: name, reason: "negative chunk length \(declared)") }
            guard declared <= input.count - offset else { throw .truncated(codec: name) }
            let before = output.writerIndex
            let chunk = UnsafeRawBufferPointer(rebasing: input[offset..<(offset + declared)])
            try decompressBlock(chunk, maxOutputSize: remaining, appendingTo: &output)
            remaining -= output.writerIndex - before
            offset += declared
        }
    }
}
