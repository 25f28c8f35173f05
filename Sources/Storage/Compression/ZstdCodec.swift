import CZstd
import NIOCore

/// Zstandard frames (RFC 8878), as Kafka and Parquet use them. Concatenated frames decode whole.
public struct ZstdCodec: Codec {
    public var name: String { "zstd" }
    /// Compression level, 1 (fastest) to 22. Default: 3, zstd's own default.
    public var level: Int32

    public init(level: Int32 = 3) {
        self.level = level
    }

    public func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout ByteBuffer) throws(CodecError) {
        let bound = ZSTD_compressBound(input.count)
        try output.writeWithUnsafeMutableBytesTyped(minimumWritableBytes: bound) { (space) throws(CodecError) -> Int in
            let written = ZSTD_compress(space.baseAddress, space.count, input.baseAddress, input.count, level)
            if ZSTD_isError(written) != 0 {
                throw .libraryFailure(codec: name, reason: String(cString: ZSTD_getErrorName(written)))
            }
            return written
        }
    }

    public func decompress(
        _ input: UnsafeRawBufferPointer, maxOutputSize: Int, appendingTo output: inout ByteBuffer
    ) throws(CodecError) {
        guard let context = ZSTD_createDCtx() else { throw .libraryFailure(codec: name, reason: "out of memory") }
        defer { ZSTD_freeDCtx(context) }
        var hint: Int?
        if input.count > 0 {
            let declared = ZSTD_getFrameContentSize(input.baseAddress, input.count)
            if declared < UInt64(Int.max) { hint = Int(declared) }
        }
        let loop = StreamingDecompression(codec: name, maxOutputSize: maxOutputSize)
        try loop.run(input, sizeHint: hint, appendingTo: &output) { (source, space) throws(CodecError) in
            var inBuffer = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
            var outBuffer = ZSTD_outBuffer(dst: space.baseAddress, size: space.count, pos: 0)
            let result = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
            if ZSTD_isError(result) != 0 {
                throw .corrupt(codec: name, reason: String(cString: ZSTD_getErrorName(result)))
            }
            return .init(consumed: inBuffer.pos, produced: outBuffer.pos, frameEnded: result == 0)
        }
    }
}
