import CZlib
import NIOCore

/// gzip (RFC 1952) through zlib. Input made of several concatenated gzip members decodes whole:
/// zlib stops at the end of the first member, so the decoder resets and continues.
public struct GzipCodec: Codec {
    public var name: String { "gzip" }
    /// Compression level, 1 to 9. Default: 6, zlib's own default.
    public var level: Int32

    public init(level: Int32 = 6) {
        self.level = level
    }

    public func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout ByteBuffer) throws(CodecError) {
        guard input.count <= Int(UInt32.max) else { throw .inputTooLarge(codec: name, size: input.count) }
        var stream = z_stream()
        // windowBits 15 + 16 selects the gzip wrapper.
        let status = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)
        )
        guard status == Z_OK else { throw .libraryFailure(codec: name, reason: "deflateInit2 failed (\(status))") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        try output.writeWithUnsafeMutableBytesTyped(minimumWritableBytes: bound) { (space) throws(CodecError) -> Int in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = space.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(min(space.count, Int(UInt32.max)))
            let result = deflate(&stream, Z_FINISH)
            guard result == Z_STREAM_END else {
                throw .libraryFailure(codec: name, reason: "deflate failed (\(result))")
            }
            return Int(stream.total_out)
        }
    }

    public func decompress(
        _ input: UnsafeRawBufferPointer, maxOutputSize: Int, appendingTo output: inout ByteBuffer
    ) throws(CodecError) {
        guard input.count <= Int(UInt32.max) else { throw .inputTooLarge(codec: name, size: input.count) }
        var stream = z_stream()
        // windowBits 15 + 32: accept a gzip or zlib header, detected automatically.
        let status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .libraryFailure(codec: name, reason: "inflateInit2 failed (\(status))") }
        defer { inflateEnd(&stream) }
        let loop = StreamingDecompression(codec: name, maxOutputSize: maxOutputSize)
        try loop.run(input, sizeHint: nil, appendingTo: &output) { (source, space) throws(CodecError) in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(source.count)
            stream.next_out = space.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(min(space.count, Int(UInt32.max)))
            let result = inflate(&stream, Z_NO_FLUSH)
            let step = StreamingDecompression.Step(
                consumed: source.count - Int(stream.avail_in), produced: space.count - Int(stream.avail_out),
                frameEnded: result == Z_STREAM_END)
            switch result {
            case Z_STREAM_END:
                // Another member may follow: start it with a fresh header.
                if stream.avail_in > 0 { inflateReset(&stream) }
                return step
            case Z_OK, Z_BUF_ERROR:
                return step
            case Z_NEED_DICT:
                throw .corrupt(codec: name, reason: "a preset dictionary is required")
            case Z_MEM_ERROR:
                throw .libraryFailure(codec: name, reason: "out of memory")
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "inflate failed (\(result))"
                throw .corrupt(codec: name, reason: message)
            }
        }
    }
}
