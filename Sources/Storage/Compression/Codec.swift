import NIOCore

/// A compression format: compresses and decompresses whole buffers.
///
/// Implementations append to the caller's `ByteBuffer`, so a Kafka batch or a Parquet page can be
/// written straight after its header. Decompression never allocates more than `maxOutputSize`
/// (plus a small constant) whatever the input's headers claim.
public protocol Codec: Sendable {
    /// The codec's name in messages and on the command line (`zstd`, `snappy`, …).
    var name: String { get }

    /// Compresses `input` and appends the result to `output`.
    func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout ByteBuffer) throws(CodecError)

    /// Decompresses `input` and appends at most `maxOutputSize` bytes to `output`.
    func decompress(
        _ input: UnsafeRawBufferPointer, maxOutputSize: Int, appendingTo output: inout ByteBuffer
    ) throws(CodecError)
}

extension Codec {
    /// Compresses the readable bytes of `input` into a new buffer.
    public func compress(_ input: ByteBuffer) throws(CodecError) -> ByteBuffer {
        var output = ByteBufferAllocator().buffer(capacity: 0)
        try input.withUnsafeReadableBytesTyped { (bytes) throws(CodecError) in
            try compress(bytes, appendingTo: &output)
        }
        return output
    }

    /// Decompresses the readable bytes of `input` into a new buffer of at most `maxOutputSize` bytes.
    public func decompress(_ input: ByteBuffer, maxOutputSize: Int) throws(CodecError) -> ByteBuffer {
        var output = ByteBufferAllocator().buffer(capacity: 0)
        try input.withUnsafeReadableBytesTyped { (bytes) throws(CodecError) in
            try decompress(bytes, maxOutputSize: maxOutputSize, appendingTo: &output)
        }
        return output
    }

    /// Compresses a byte array (tests and tools).
    public func compress(_ input: [UInt8]) throws(CodecError) -> [UInt8] {
        var output = ByteBufferAllocator().buffer(capacity: 0)
        try input.withUnsafeBytesTyped { (bytes) throws(CodecError) in try compress(bytes, appendingTo: &output) }
        return Array(output.readableBytesView)
    }

    /// Decompresses a byte array (tests and tools).
    public func decompress(_ input: [UInt8], maxOutputSize: Int) throws(CodecError) -> [UInt8] {
        var output = ByteBufferAllocator().buffer(capacity: 0)
        try input.withUnsafeBytesTyped { (bytes) throws(CodecError) in
            try decompress(bytes, maxOutputSize: maxOutputSize, appendingTo: &output)
        }
        return Array(output.readableBytesView)
    }
}

/// The codecs Souk knows, by name.
public enum CompressionKind: String, CaseIterable, Sendable {
    case none, gzip, snappy, lz4, zstd
    /// LZ4 block format without a frame (Parquet's LZ4_RAW).
    case lz4Raw = "lz4_raw"

    /// A codec with default settings, or nil for `none`.
    public func makeCodec() -> (any Codec)? {
        switch self {
        case .none: nil
        case .gzip: GzipCodec()
        case .snappy: SnappyCodec()
        case .lz4: LZ4FrameCodec()
        case .zstd: ZstdCodec()
        case .lz4Raw: LZ4RawCodec()
        }
    }
}
