import CLZ4
import NIOCore

/// The LZ4 frame format, as Kafka's lz4 codec uses it: independent 64 KiB blocks, no content
/// checksum (as librdkafka and the Java client write). Concatenated frames decode whole.
public struct LZ4FrameCodec: Codec {
    public var name: String { "lz4" }
    /// Compression level; 0 is LZ4's fast default.
    public var level: Int32

    public init(level: Int32 = 0) {
        self.level = level
    }

    public func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout ByteBuffer) throws(CodecError) {
        var preferences = LZ4F_preferences_t()
        preferences.frameInfo.blockSizeID = LZ4F_max64KB
        preferences.frameInfo.blockMode = LZ4F_blockIndependent
        preferences.frameInfo.contentSize = UInt64(input.count)
        preferences.compressionLevel = level
        let bound = LZ4F_compressFrameBound(input.count, &preferences)
        try output.writeWithUnsafeMutableBytesTyped(minimumWritableBytes: bound) { (space) throws(CodecError) -> Int in
            let written = LZ4F_compressFrame(
                space.baseAddress, space.count, input.baseAddress, input.count, &preferences)
            if LZ4F_isError(written) != 0 {
                throw .libraryFailure(codec: name, reason: String(cString: LZ4F_getErrorName(written)))
            }
            return written
        }
    }

    public func decompress(
        _ input: UnsafeRawBufferPointer, maxOutputSize: Int, appendingTo output: inout ByteBuffer
    ) throws(CodecError) {
        var context: OpaquePointer?
        let created = LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(created) == 0, let context else {
            throw .libraryFailure(codec: name, reason: "cannot create a decompression context")
        }
        defer { LZ4F_freeDecompressionContext(context) }
        let loop = StreamingDecompression(codec: name, maxOutputSize: maxOutputSize)
        try loop.run(input, sizeHint: nil, appendingTo: &output) { (source, space) throws(CodecError) in
            var consumed = source.count
            var produced = space.count
            let result = LZ4F_decompress(context, space.baseAddress, &produced, source.baseAddress, &consumed, nil)
            if LZ4F_isError(result) != 0 {
                throw .corrupt(codec: name, reason: String(cString: LZ4F_getErrorName(result)))
            }
            return .init(consumed: consumed, produced: produced, frameEnded: result == 0)
        }
    }
}
