#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SourceChunk {
    /// Cuts the chunk into pieces of at most `maxLines` lines, so one large partition's records are
    /// shared by several workers.
    public func split(maxLines: Int) -> [SourceChunk] {
        guard count > maxLines, maxLines > 0 else { return [self] }
        var pieces: [SourceChunk] = []
        withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            var byteStart = 0
            var line = 0
            while line < count {
                let take = min(maxLines, count - line)
                var byteEnd = byteStart
                for _ in 0..<take {
                    guard let newline = memchr(base + byteEnd, 0x0A, bytes.count - byteEnd) else {
                        byteEnd = bytes.count
                        break
                    }
                    byteEnd = base.distance(to: UnsafeRawPointer(newline)) + 1
                }
                let pieceOffsets = Array(offsets[line..<(line + take)])
                var piece =
                    if let mapped {
                        SourceChunk(
                            partition: partition, offsets: pieceOffsets, mapped: mapped.slice(byteStart..<byteEnd))
                    } else {
                        SourceChunk(
                            partition: partition, offsets: pieceOffsets, lines: Array(bytes[byteStart..<byteEnd]))
                    }
                piece.emptyLines = emptyLines.filter { $0 >= line && $0 < line + take }.map { $0 - line }
                pieces.append(piece)
                byteStart = byteEnd
                line += take
            }
        }
        return pieces
    }
}
