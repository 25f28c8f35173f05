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

extension SourceChunk {
    /// Takes the first `lines` lines out of the chunk and returns them; the chunk keeps the rest.
    /// Both parts are copied when the chunk owns its bytes (a mapped chunk only narrows).
    public mutating func removeFirst(lines: Int) -> SourceChunk {
        let lines = max(0, min(lines, count))
        let byteEnd = withUnsafeBytes { bytes -> Int in
            guard let base = bytes.baseAddress else { return 0 }
            var end = 0
            for _ in 0..<lines {
                guard let newline = memchr(base + end, 0x0A, bytes.count - end) else { return bytes.count }
                end = base.distance(to: UnsafeRawPointer(newline)) + 1
            }
            return end
        }
        var head: SourceChunk
        if let mapped {
            head = SourceChunk(
                partition: partition, offsets: Array(offsets[..<lines]), mapped: mapped.slice(0..<byteEnd))
            self.mapped = mapped.slice(byteEnd..<(mapped.range.count))
        } else {
            head = SourceChunk(
                partition: partition, offsets: Array(offsets[..<lines]), lines: Array(self.lines[..<byteEnd]))
            self.lines.removeFirst(byteEnd)
        }
        head.emptyLines = emptyLines.filter { $0 < lines }
        emptyLines = emptyLines.filter { $0 >= lines }.map { $0 - lines }
        offsets.removeFirst(lines)
        return head
    }

    /// The number of lines whose offset is below `offset` (offsets ascend).
    public func lineCount(below offset: Int64) -> Int {
        var low = 0
        var high = offsets.count
        while low < high {
            let middle = (low + high) / 2
            if offsets[middle] < offset { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
