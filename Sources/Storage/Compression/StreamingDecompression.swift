import NIOCore

/// The loop shared by the streaming decoders (zstd, LZ4 frame, gzip): grow the output in steps,
/// never past the caller's limit, and tell a finished stream from a truncated or endless one.
struct StreamingDecompression {
    /// What one call of the C decoder did.
    struct Step {
        var consumed: Int
        var produced: Int
        /// The decoder reached the end of a frame or member.
        var frameEnded: Bool
    }

    let codec: String
    let maxOutputSize: Int

    /// Runs `step` over `input` until it is consumed and the last frame ended.
    /// `step(input, output)` decodes from the unread input into the free output space.
    func run(
        _ input: UnsafeRawBufferPointer, sizeHint: Int?, appendingTo output: inout ByteBuffer,
        step: (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer) throws(CodecError) -> Step
    ) throws(CodecError) {
        guard input.count > 0 else { throw .truncated(codec: codec) }
        let start = output.writerIndex
        do throws(CodecError) {
            try loop(input, sizeHint: sizeHint, appendingTo: &output, step: step)
        } catch {
            output.moveWriterIndex(to: start)
            throw error
        }
    }

    private func loop(
        _ input: UnsafeRawBufferPointer, sizeHint: Int?, appendingTo output: inout ByteBuffer,
        step: (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer) throws(CodecError) -> Step
    ) throws(CodecError) {
        var consumed = 0
        var produced = 0
        // A header's size claim is only a hint: the first step is bounded by the input's size too,
        // so a few hostile bytes cannot make us allocate the whole limit up front.
        let plausible = input.count &* 64 &+ 65536
        var chunk = min(max(min(sizeHint ?? input.count &* 4, plausible), 4096), maxOutputSize + 1)
        while true {
            // One byte more than the limit is allowed so that "exactly at the limit" can be told from "over it".
            let allowance = maxOutputSize + 1 - produced
            guard allowance > 0 else { throw .outputTooLarge(codec: codec, limit: maxOutputSize) }
            let want = min(chunk, allowance)
            var result = Step(consumed: 0, produced: 0, frameEnded: false)
            try output.writeWithUnsafeMutableBytesTyped(minimumWritableBytes: want) {
                (space) throws(CodecError) -> Int in
                let remaining = UnsafeRawBufferPointer(rebasing: input[consumed...])
                result = try step(remaining, UnsafeMutableRawBufferPointer(rebasing: space[..<want]))
                return result.produced
            }
            consumed += result.consumed
            produced += result.produced
            if produced > maxOutputSize { throw .outputTooLarge(codec: codec, limit: maxOutputSize) }
            if consumed == input.count && result.frameEnded { return }
            if result.consumed == 0 && result.produced == 0 {
                throw consumed == input.count ? .truncated(codec: codec) : .corrupt(codec: codec, reason: "no progress")
            }
            if result.produced == want { chunk = min(chunk * 2, 64 << 20) }
        }
    }
}
