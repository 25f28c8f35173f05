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

    /// Decompresses `bytes[range]` to exactly `uncompressedSize` bytes.
    func decompress(_ bytes: [UInt8], _ range: Range<Int>, uncompressedSize: Int) throws(ParquetError) -> [UInt8] {
        if codec == .uncompressed {
            guard range.count == uncompressedSize else {
                throw .corrupt("uncompressed page of \(range.count) bytes declares \(uncompressedSize)")
            }
            return Array(bytes[range])
        }
        let result: Result<[UInt8], ParquetError> = bytes.withUnsafeBytes { raw in
            let input = UnsafeRawBufferPointer(rebasing: raw[range])
            do throws(ParquetError) {
                return .success(try decompress(input, uncompressedSize: uncompressedSize))
            } catch { return .failure(error) }
        }
        let output = try result.get()
        guard output.count == uncompressedSize else {
            throw .corrupt("page decompressed to \(output.count) bytes, header says \(uncompressedSize)")
        }
        return output
    }

    private func decompress(_ input: UnsafeRawBufferPointer, uncompressedSize: Int) throws(ParquetError) -> [UInt8] {
        switch codec {
        case .snappy: return try run(SnappyCodec(), input, uncompressedSize)
        case .gzip: return try run(GzipCodec(), input, uncompressedSize)
        case .zstd: return try run(ZstdCodec(), input, uncompressedSize)
        case .lz4Raw: return try run(LZ4RawCodec(), input, uncompressedSize)
        case .lz4:
            // The deprecated LZ4 codec: Hadoop's framing, else the LZ4 frame format, else a bare block.
            if let hadoop = try? hadoopLZ4(input, uncompressedSize), hadoop.count == uncompressedSize { return hadoop }
            if let frame = try? run(LZ4FrameCodec(), input, uncompressedSize), frame.count == uncompressedSize {
                return frame
            }
            return try run(LZ4RawCodec(), input, uncompressedSize)
        default: throw .unsupported("compression codec \(codec.rawValue)")
        }
    }

    private func run(_ codec: some Codec, _ input: UnsafeRawBufferPointer, _ size: Int) throws(ParquetError) -> [UInt8]
    {
        var output = ByteBufferAllocator().buffer(capacity: size)
        do { try codec.decompress(input, maxOutputSize: size, appendingTo: &output) } catch { throw .codec(error) }
        return Array(output.readableBytesView)
    }

    /// Hadoop framing: repeated (big-endian u32 decompressed size, u32 compressed size, raw LZ4 block).
    private func hadoopLZ4(_ input: UnsafeRawBufferPointer, _ size: Int) throws(ParquetError) -> [UInt8] {
        var output: [UInt8] = []
        var position = 0
        while position < input.count {
            guard input.count - position >= 8 else { throw .corrupt("Hadoop LZ4 frame header ends early") }
            let expected = Int(UInt32(bigEndian: input.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            let compressed = Int(UInt32(bigEndian: input.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self)))
            position += 8
            guard compressed <= input.count - position, expected <= size - output.count else {
                throw .corrupt("Hadoop LZ4 frame sizes out of range")
            }
            let block = UnsafeRawBufferPointer(rebasing: input[position..<(position + compressed)])
            let decoded = try run(LZ4RawCodec(), block, expected)
            guard decoded.count == expected else { throw .corrupt("Hadoop LZ4 block size mismatch") }
            output.append(contentsOf: decoded)
            position += compressed
        }
        return output
    }
}
