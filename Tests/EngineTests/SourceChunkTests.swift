import Engine
import Testing

@Suite("Source chunks")
struct SourceChunkTests {
    static let partition = SourcePartition(topic: "t", partition: 2)

    static func chunk(_ values: [String]) -> SourceChunk {
        var chunk = SourceChunk(partition: partition)
        for (index, value) in values.enumerated() {
            var value = value
            value.withUTF8 { chunk.append(offset: Int64(100 + index), value: UnsafeRawBufferPointer($0)) }
        }
        return chunk
    }

    @Test("values become one line each: inner line breaks turn into spaces, an empty value into null")
    func lines() {
        let chunk = Self.chunk(["{\"a\":1}", "{\"a\":\n2}", "", "  "])
        #expect(String(decoding: chunk.lines, as: UTF8.self) == "{\"a\":1}\n{\"a\": 2}\nnull\nnull\n")
        #expect(chunk.offsets == [100, 101, 102, 103])
        #expect(chunk.emptyLines == [2, 3])
        #expect(chunk.split(maxLines: 3).map(\.emptyLines) == [[2], [0]])
        #expect(chunk.line(1) == "{\"a\": 2}")
    }

    @Test("split keeps every line once, in order, with its offset", arguments: [1, 2, 3, 7, 100])
    func split(maxLines: Int) {
        let values = (0..<7).map { "{\"n\":\($0)}" }
        let pieces = Self.chunk(values).split(maxLines: maxLines)
        #expect(pieces.allSatisfy { $0.count <= maxLines && $0.partition == Self.partition })
        #expect(pieces.flatMap(\.offsets) == (100..<107).map { Int64($0) })
        #expect(pieces.map { String(decoding: $0.lines, as: UTF8.self) }.joined() == values.map { $0 + "\n" }.joined())
    }
}
