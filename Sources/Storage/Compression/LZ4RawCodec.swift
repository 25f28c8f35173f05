import CLZ4
import NIOCore

/// One LZ4 block with no frame around it: Parquet's LZ4_RAW codec. The block does not record
/// its decompressed size, so the caller's limit bounds the output buffer.
public struct LZ4RawCodec: Codec {
    public var name: String { "lz4_raw" }
    /// An LZ4 block expands at most 255 times; larger limits are capped to this ratio.
    static let maximumExpansion = 255

    public init() {}

    public func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout ByteBuffer) throws(CodecError) {
        guard input.count <= Int(LZ4_MAX_INPUT_SIZE) else { throw .inputTooLarge(codec: name, size: input.count) }
        let bound = Int(LZ4_compressBound(Int32(input.count)))
        try output.writeWithUnsafeMutableBytesTyped(minimumWritableBytes: bound) { (space) throws(CodecError) -> Int in
            let written = LZ4_compress_default(
                input.baseAddress?.assumingMemoryBound(to: CChar.self),
                space.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(input.count), Int32(space.count))
            guard written > 0 || input.isEmpty else {
                throw .libraryFailure(codec: name, reason: "LZ4_compress_default failed")
            }
            return Int(written)
        }
    }

    public func decompress(
        _ input: UnsafeRawBufferPointer, maxOutputSize: Int, appendingTo output: inout ByteBuffer
    ) throws(CodecError) {
        guard input.count <= Int(Int32.max) else { throw .inputTooLarge(codec: name, size: input.count) }
        let capacity = min(maxOutputSize, input.count * Self.maximumExpansion, Int(Int32.max))
        guard capacity > 0 else {
            if input.count == 1 && input.first == 0 { return }  // the block of an empty input
            throw input.isEmpty ? .truncated(codec: name) : .outputTooLarge(codec: name, limit: maxOutputSize)
        }
        try output.writeWithUnsafeMutableBytesTyped(minimumWritableBytes: capacity) {
            (space) throws(CodecError) -> Int in
            let written = LZ4_decompress_safe(
                input.baseAddress?.assumingMemoryBound(to: CChar.self),
                space.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(input.count), Int32(capacity))
            guard written >= 0 else {
                throw .corrupt(codec: name, reason: "invalid block, or larger than \(capacity) bytes")
            }
            return Int(written)
        }
    }
}
