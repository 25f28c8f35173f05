#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Records of one partition handed to a worker: their values as JSON lines (each value on one line,
/// ended by `\n`) and the offset of each line. The bytes are the chunk's own (`lines`, built by
/// `append`) or a window of a mapped file (`mapped`, not copied); `withUnsafeBytes` reads either.
public struct SourceChunk: Sendable {
    public var partition: SourcePartition
    /// Offset of each line, ascending.
    public var offsets: [Int64]
    /// The values, one per line, each ending with `\n`, when the chunk owns them.
    public var lines: [UInt8]
    /// The values as a window of a mapped file instead (then `lines` is empty).
    public var mapped: MappedRegion.Window?
    /// Lines that stand for an empty (or null) record value: written as `null`, refused by the decoder,
    /// reported as "empty record" with an empty value.
    public var emptyLines: [Int] = []

    public init(partition: SourcePartition, offsets: [Int64] = [], lines: [UInt8] = []) {
        self.partition = partition
        self.offsets = offsets
        self.lines = lines
    }

    /// A chunk over a window of a mapped file: its lines, already `\n`-terminated, are not copied.
    public init(partition: SourcePartition, offsets: [Int64], mapped: MappedRegion.Window) {
        self.partition = partition
        self.offsets = offsets
        self.lines = []
        self.mapped = mapped
    }

    public var count: Int { offsets.count }

    /// The chunk's bytes, wherever they live.
    public func withUnsafeBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        if let mapped { return try mapped.withUnsafeBytes(body) }
        return try lines.withUnsafeBytes(body)
    }

    /// The text of a byte range of the chunk.
    public func text(_ range: Range<Int>) -> String {
        withUnsafeBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    /// Appends one record value. Line breaks inside it become spaces (JSON allows them only as
    /// whitespace between tokens, so a valid value stays valid); an empty value becomes `null`, which
    /// the decoder reports as malformed instead of skipping it as a blank line.
    public mutating func append(offset: Int64, value: UnsafeRawBufferPointer) {
        precondition(mapped == nil, "a chunk over a mapped file cannot be appended to")
        offsets.append(offset)
        guard let base = value.baseAddress,
            value.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D })
        else {
            emptyLines.append(offsets.count - 1)
            lines.append(contentsOf: "null\n".utf8)
            return
        }
        let start = lines.count
        lines.append(contentsOf: value)
        if memchr(base, 0x0A, value.count) != nil || memchr(base, 0x0D, value.count) != nil {
            for index in start..<lines.count where lines[index] == 0x0A || lines[index] == 0x0D {
                lines[index] = 0x20
            }
        }
        lines.append(0x0A)
    }

    /// The value of line `index` (without its `\n`), as text.
    public func line(_ index: Int) -> String {
        withUnsafeBytes { bytes in
            var start = 0
            var line = 0
            var position = 0
            while position < bytes.count {
                if bytes[position] == 0x0A {
                    if line == index {
                        return String(
                            decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                    }
                    line += 1
                    start = position + 1
                }
                position += 1
            }
            return ""
        }
    }
}
