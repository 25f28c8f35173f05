import Engine
import Foundation
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

@Suite("JSON-lines file source")
struct JSONLinesFileSourceTests {
    static func text(_ chunks: [SourceChunk]) -> String {
        chunks.map { chunk in chunk.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }.joined()
    }

    /// A fresh file in a fresh directory, removed by `remove()`.
    static func file(_ contents: String) throws -> (path: String, remove: () -> Void) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "souk-source-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("input.jsonl").path
        try append(contents, to: path)
        return (path, { try? FileManager.default.removeItem(at: directory) })
    }

    /// Appends in place, as a producer writing the file would (the file is never truncated).
    static func append(_ text: String, to path: String) throws {
        guard let file = fopen(path, "a") else { throw CocoaError(.fileWriteUnknown) }
        defer { fclose(file) }
        let bytes = Array(text.utf8)
        #expect(fwrite(bytes, 1, bytes.count, file) == bytes.count)
    }

    @Test("reads windows of the mapping; chunks stay valid after the file grows and is mapped again")
    func mappedChunksOutliveARemap() async throws {
        let first = (0..<10).map { "{\"n\":\($0)}\n" }.joined()
        let (path, remove) = try Self.file(first)
        defer { remove() }
        let source = JSONLinesFileSource(path: path, pieceLines: 4)
        let partition = try #require(try await source.start(resume: [:]).keys.first)
        let old = try await source.read([partition: 0..<10])
        #expect(old.map(\.count) == [4, 4, 2])
        #expect(old.allSatisfy { $0.mapped != nil && $0.lines.isEmpty })
        #expect(old.flatMap(\.offsets) == Array(0..<10))
        // Appending maps the file again; the old chunks still read the old mapping.
        let more = (10..<15).map { "{\"n\":\($0)}\n" }.joined() + "{\"n\":15}"
        try Self.append(more, to: path)
        #expect(try await source.available()[partition] == 0..<15)
        let new = try await source.read([partition: 8..<15])
        #expect(Self.text(old) == first)
        #expect(Self.text(new) == (8..<15).map { "{\"n\":\($0)}\n" }.joined())
        #expect(old[1].line(2) == "{\"n\":6}")
        // Splitting a mapped chunk keeps it mapped and keeps every line.
        let pieces = new[0].split(maxLines: 3)
        #expect(pieces.allSatisfy { $0.mapped != nil })
        #expect(Self.text(pieces) == Self.text([new[0]]))
    }

    @Test("released pages leave resident memory and read back the same bytes from the file")
    func releasedPagesReadBackTheSame() async throws {
        // 40,000 lines of 91 bytes: about 890 pages.
        let lines = (0..<40_000).map { "{\"n\":\(String(repeating: "x", count: 84 - String($0).count))\($0)}\n" }
        let (path, remove) = try Self.file(lines.joined())
        defer { remove() }
        let source = JSONLinesFileSource(path: path, pieceLines: 10_000)
        let partition = try #require(try await source.start(resume: [:]).keys.first)
        let chunks = try await source.read([partition: 0..<40_000])
        let before = Self.text(chunks)
        let resident = try #require(Self.residentFilePages())
        for chunk in chunks { chunk.mapped?.release() }
        await source.committed([partition: 40_000])
        let after = try #require(Self.residentFilePages())
        #expect(resident - after >= 600, "most of the mapping's pages left resident memory (\(resident) → \(after))")
        #expect(Self.text(chunks) == before)
        #expect(before == lines.joined())
    }

    /// Pages of files mapped by this process that are resident (RssFile), from /proc.
    static func residentFilePages() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("RssFile:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
        else { return nil }
        return kilobytes / 4
    }

    @Test("blank lines are skipped and carriage returns dropped: those pieces are copied")
    func irregularLinesAreCopied() async throws {
        let (path, remove) = try Self.file("{\"a\":1}\r\n\n{\"a\":2}\n   \n{\"a\":3}\n")
        defer { remove() }
        let source = JSONLinesFileSource(path: path)
        let partition = try #require(try await source.start(resume: [:]).keys.first)
        let chunks = try await source.read([partition: 0..<5])
        #expect(chunks.flatMap(\.offsets) == [0, 2, 4])
        #expect(chunks.allSatisfy { $0.mapped == nil })
        #expect(Self.text(chunks) == "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n")
    }
}

@Suite("Source chunk cuts")
struct SourceChunkCutTests {
    @Test("removeFirst takes lines off the front with their offsets and empty-line marks", arguments: [0, 1, 2, 4])
    func removeFirst(lines: Int) {
        let values = ["{\"a\":1}", "", "{\"a\":3}", "{\"a\":4}"]
        var chunk = SourceChunkTests.chunk(values)
        let head = chunk.removeFirst(lines: lines)
        #expect(head.offsets == (100..<(100 + Int64(lines))).map { $0 })
        #expect(chunk.offsets == ((100 + Int64(lines))..<104).map { $0 })
        let texts = ["{\"a\":1}\n", "null\n", "{\"a\":3}\n", "{\"a\":4}\n"]
        #expect(String(decoding: head.lines, as: UTF8.self) == texts[..<lines].joined())
        #expect(String(decoding: chunk.lines, as: UTF8.self) == texts[lines...].joined())
        #expect(head.emptyLines == (lines > 1 ? [1] : []))
        #expect(chunk.emptyLines == (lines <= 1 ? [1 - lines] : []))
        #expect(chunk.lineCount(below: 102) == max(0, 2 - lines))
        #expect(chunk.lineCount(below: 0) == 0 && chunk.lineCount(below: 1_000) == chunk.count)
    }
}
