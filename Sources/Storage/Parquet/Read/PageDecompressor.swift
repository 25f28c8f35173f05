import NIOCore

/// Decompresses page bodies with the codec named in the column metadata, checking the declared size.
struct PageDecompressor {
    let codec: CompressionCodecCode

    init(codec: CompressionCodecCode) throws(ParquetError) {
        switch codec {
        case .uncompressed, .snappy, .gzip, .zstd, .lz4, .lz4Raw: self.codec = codec
        case .brotli: throw .unsupported("BROTLI compression")
        case .lzo: throw .unsupported("LZO compression")
        default: throw .unsupported("compression codec \(codec.rawValue)")
        }
    }

    /// Calls `body` with page `chunk[range]` decompressed to exactly `uncompressedSize` bytes. An
    /// uncompressed page (or a v2 page stored uncompressed) is handed over in place, without a copy.
    func withPage<T>(
        _ chunk: UnsafeRawBufferPointer, _ range: Range<Int>, uncompressedSize: Int, isCompressed: Bool = true,
        _ body: (UnsafeRawBufferPointer) throws(ParquetError) -> T
    ) throws(ParquetError) -> T {
        let input = UnsafeRawBufferPointer(rebasing: chunk[range])
        if codec == .uncompressed || !isCompressed {
            guard range.count == uncompressedSize else {
                throw .corrupt("uncompressed page of \(range.count) bytes declares \(uncompressedSize)")
            }
            return try body(input)
        }
        let output = try decompress(input, uncompressedSize: uncompressedSize)
        guard output.readableBytes == uncompressedSize else {
            throw .corrupt("page decompressed to \(output.readableBytes) bytes, header says \(uncompressedSize)")
        }
        let result: Result<T, ParquetError> = output.withUnsafeReadableBytes { raw in
            do throws(ParquetError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private func decompress(_ input: UnsafeRawBufferPointer, uncompressedSize: Int) throws(ParquetError) -> ByteBuffer {
        switch codec {
        case .snappy: return try run(SnappyCodec(), input, uncompressedSize)
        case .gzip: return try run(GzipCodec(), input, uncompressedSize)
        case .zstd: return try run(ZstdCodec(), input, uncompressedSize)
        case .lz4Raw: return try run(LZ4RawCodec(), input, uncompressedSize)
        case .lz4:
            // The deprecated LZ4 codec: Hadoop's framing, else the LZ4 frame format, else a bare block.
            if let hadoop = try? hadoopLZ4(input, uncompressedSize), hadoop.readableBytes == uncompressedSize {
                return hadoop
            }
            if let frame = try? run(LZ4FrameCodec(), input, uncompressedSize), frame.readableBytes == uncompressedSize {
                return frame
            }
            return try run(LZ4RawCodec(), input, uncompressedSize)
        default: throw .unsupported("compression codec \(codec.rawValue)")
        }
    }

    private func run(_ codec: some Codec, _ input: UnsafeRawBufferPointer, _ size: Int) throws(ParquetError)
        -> ByteBuffer
    {
        var output = ByteBufferAllocator().buffer(capacity: size)
        do { try codec.decompress(input, maxOutputSize: size, appendingTo: &output) } catch { throw .codec(error) }
        return output
    }

    /// Hadoop framing: repeated (big-endian u32 decompressed size, u32 compressed size, raw LZ4 block).
    private func hadoopLZ4(_ input: UnsafeRawBufferPointer, _ size: Int) throws(ParquetError) -> ByteBuffer {
        var output = ByteBufferAllocator().buffer(capacity: size)
        var position = 0
        while position < input.count {
            guard input.count - position >= 8 else { throw .corrupt("Hadoop LZ4 frame header ends early") }
            let expected = Int(UInt32(bigEndian: input.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            let compressed = Int(UInt32(bigEndian: input.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self)))
            position += 8
            guard compressed <= input.count - position, expected <= size - output.readableBytes else {
                throw .corrupt("Hadoop LZ4 frame sizes out of range")
            }
            let block = UnsafeRawBufferPointer(rebasing: input[position..<(position + compressed)])
            var decoded = try run(LZ4RawCodec(), block, expected)
            guard decoded.readableBytes == expected else { throw .corrupt("Hadoop LZ4 block size mismatch") }
            output.writeBuffer(&decoded)
            position += compressed
        }
        return output
    }
}
